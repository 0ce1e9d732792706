#!/usr/bin/env bash
# Krusell-Smith end to end (docs/methods.md §10): train an SPG network on krusell_smith, report its
# aggregate law of motion (regressions, Den Haan's errors) and certify it. See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/krusell_smith.sh [options] [BUILD_DIR]

1. mfg train --model krusell_smith --algorithm spg --state-encoding value (time-limited);
2. mfg report-alm on the run (10 000 quarters after a burn-in of 1 000 by default);
3. mfg certify of the checkpoint (clairvoyant bound and sampled non-anticipative estimate).
Prints the law of motion beside Krusell & Smith's (1998) and the certificate.

  BUILD_DIR            CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR        results folder (default: BUILD_DIR/bench-results/krusell_smith-<date>-<time>)
  --ranks N            MPI ranks (default 2)
  --time-limit S       training wall time in seconds (default 3600)
  --iterations K       training iterations, which set the learning-rate decay (default 2000)
  --paths N            noise paths per iteration (default 8)
  --learning-rate LR   Adam's initial rate (default 5e-3)
  --cert-paths N       certificate paths (default 32)
  --set key=value      extra model parameter (repeatable)
  -h, --help           this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root --oversubscribe).
USAGE
}

build_dir=build
out_dir=""
ranks=2
time_limit=3600
iterations=2000
paths=8
lr=5e-3
cert_paths=32
sets=()
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out-dir) out_dir="${2:?--out-dir needs a value}"; shift 2 ;;
    --ranks) ranks="${2:?--ranks needs a value}"; shift 2 ;;
    --time-limit) time_limit="${2:?--time-limit needs a value}"; shift 2 ;;
    --iterations) iterations="${2:?--iterations needs a value}"; shift 2 ;;
    --paths) paths="${2:?--paths needs a value}"; shift 2 ;;
    --learning-rate) lr="${2:?--learning-rate needs a value}"; shift 2 ;;
    --cert-paths) cert_paths="${2:?--cert-paths needs a value}"; shift 2 ;;
    --set) sets+=(--set "${2:?--set needs key=value}"); shift 2 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x "$mfg" ]] || { echo "no mfg binary in $build_dir (build it first)" >&2; exit 2; }
out_dir="${out_dir:-$build_dir/bench-results/krusell_smith-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
run() { ${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe} -n "$ranks" "$mfg" "$@"; }

run train --model krusell_smith "${sets[@]}" --algorithm spg --state-encoding value --iterations "$iterations" \
  --paths "$paths" --learning-rate "$lr" --eval-every 50 --eval-paths 8 --time-limit "$time_limit" \
  --out "$out_dir/train" 2>&1 | tee "$out_dir/train.log"
run report-alm "$out_dir/train" 2>&1 | tee "$out_dir/report-alm.log"
run certify --model krusell_smith "${sets[@]}" --policy "$out_dir/train/checkpoint.pt" --paths "$cert_paths" \
  --out "$out_dir/cert" 2>&1 | tee "$out_dir/certify.log"
python3 - "$out_dir" <<'PY'
import json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/train/summary.json"))
law = s["law_of_motion"]
c = json.load(open(f"{d}/cert.json"))["bounds"]
print(f"training: {s['iterations']} iterations, {s['wall_seconds']:.0f} s, clairvoyant exploitability {s['exploitability']:.4g}")
for z, (a, b) in (("bad", (0.085, 0.965)), ("good", (0.095, 0.962))):
    f = law[z]
    print(f"{z:>5}: log K' = {f['intercept']:.4f} + {f['slope']:.4f} log K  R2 {f['r2']:.7f}   (KS 1998: {a} + {b} log K, R2 0.999998)")
print(f"Den Haan: max {law['den_haan_max_pct']:.3f} %, mean {law['den_haan_mean_pct']:.3f} %; K mean {law['mean_K']:.4f} sd {law['sd_K']:.4f}")
for name, b in c.items():
    print(f"certificate {name}: {b['value']:.4g} ci95 {b['ci95']} ({'exact' if b['exact'] else 'sampled'})")
PY
