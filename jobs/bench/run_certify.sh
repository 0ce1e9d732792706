#!/usr/bin/env bash
# Benchmark of `mfg certify` on macro (the common-noise issue): a macro policy certified with N
# sampled paths at each rank count; prints time and paths per second. See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/run_certify.sh [options] [BUILD_DIR]

1. Solves macro without the shock (nu = 0: a chain, one slice per step) with OMD, which gives a
   policy indexed by step.
2. Certifies that policy on the shocked macro (AR(1), sampled) with N paths at each rank count:
   the clairvoyant bound over N paths, and the non-anticipative estimate on N sampled subtrees.
3. Also certifies the uniform policy (the users' first baseline).
Writes certificates and logs into one folder and prints a summary table.

  BUILD_DIR          CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR      results folder (default: BUILD_DIR/bench-results/certify-<date>-<time>)
  --ranks "1 2"      rank counts (default: "1 2")
  --paths N          sampled paths (default 64)
  --iterations K     OMD iterations for the policy (default 20)
  --set key=value    extra macro parameter (repeatable; e.g. --set wealth_points=2000)
  -h, --help         this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root --oversubscribe).
USAGE
}

build_dir=build
out_dir=""
ranks="1 2"
paths=64
iterations=20
sets=()
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out-dir) out_dir="${2:?--out-dir needs a value}"; shift 2 ;;
    --ranks) ranks="${2:?--ranks needs a value}"; shift 2 ;;
    --paths) paths="${2:?--paths needs a value}"; shift 2 ;;
    --iterations) iterations="${2:?--iterations needs a value}"; shift 2 ;;
    --set) sets+=(--set "${2:?--set needs a value}"); shift 2 ;;
    -*) echo "run_certify.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x "$mfg" ]] || { echo "run_certify.sh: $mfg not found; build first (cmake --build $build_dir)" >&2; exit 2; }
out_dir="${out_dir:-$build_dir/bench-results/certify-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
mpirun=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe})

echo "== policy: OMD on macro without the shock, $iterations iterations"
"${mpirun[@]}" -n 2 "$mfg" solve --model macro --set nu=0 "${sets[@]}" --algorithm omd \
  --iterations "$iterations" --out "$out_dir/policy" | tail -n 2

summary="$out_dir/summary.txt"
printf '%-8s %5s %6s %12s %12s %10s %14s %12s\n' policy ranks paths clairvoyant ci95_half seconds paths_per_s non_antic >"$summary"
for policy in "$out_dir/policy/result.h5" uniform; do
  label=$([[ $policy == uniform ]] && echo uniform || echo omd)
  for np in $ranks; do
    cert="$out_dir/cert_${label}_np$np"
    echo "== certify $label policy, $paths paths, $np rank(s)"
    "${mpirun[@]}" -n "$np" "$mfg" certify --model macro "${sets[@]}" --policy "$policy" --paths "$paths" \
      --tree sampled --out "$cert" >"$cert.log" 2>&1 || { cat "$cert.log"; exit 1; }
    grep -E "bound|non-anticipative" "$cert.log"
    # From the log line "clairvoyant bound V, 95% CI [lo, hi] over N paths (S s, G groups)".
    awk -v label="$label" -v np="$np" '
      /^clairvoyant bound/ { gsub(/[,\[\]()]/, " "); v = $3; lo = $6; hi = $7; n = $9; s = $11 }
      /^non-anticipative/ { na = $4 }
      END { printf "%-8s %5s %6s %12.6g %12.3g %10.2f %14.2f %12.6g\n", label, np, n, v, (hi - lo) / 2, s, n / s, na }
    ' "$cert.log" >>"$summary"
  done
done
echo
cat "$summary"
echo "results in $out_dir"
