#!/usr/bin/env bash
# Runs bench_sweeps at 1 and 2 MPI ranks, collects the JSON results in one folder and prints a
# summary. See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: jobs/bench/run_sweeps.sh [options] [BUILD_DIR]

Runs bench_sweeps (STREAM triad + kernel matvecs + engine sweeps on classic/crowd_motion) at each
rank count, writes sweeps_np<N>.json and sweeps_np<N>.log into one results folder, and prints a
summary table.

  BUILD_DIR          CMake build folder holding jobs/bench/bench_sweeps (default: build/)
  --out-dir DIR      results folder (default: BUILD_DIR/bench-results/sweeps-<date>-<time>)
  --ranks "1 2"      rank counts to run, space-separated (default: "1 2")
  --size L           grid length = width (default 1000: 10^6 states)
  --steps T          the model's T (T+1 steps per sweep; default 3)
  --repeat R         timed repetitions (default 5)
  --                 everything after this goes to bench_sweeps unchanged
                     (e.g. -- --stream-n 2e7 --petsc-options "-mfg_kernel_mat_type baij")
  -h, --help         this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root, which Open MPI
needs when run as root).
EOF
}

build_dir=build
out_dir=""
ranks="1 2"
bench_args=()
extra_args=()
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out-dir) out_dir="${2:?--out-dir needs a value}"; shift 2 ;;
    --ranks) ranks="${2:?--ranks needs a value}"; shift 2 ;;
    --size | --steps | --repeat)
      [[ $# -ge 2 ]] || { echo "run_sweeps.sh: $1 needs a value" >&2; exit 2; }
      bench_args+=("$1" "$2"); shift 2 ;;
    --) shift; extra_args=("$@"); break ;;
    -*) echo "run_sweeps.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done

bench="$build_dir/jobs/bench/bench_sweeps"
if [[ ! -x "$bench" ]]; then
  echo "run_sweeps.sh: $bench not found; build it first:" >&2
  echo "  cmake -S . -B $build_dir -DCMAKE_BUILD_TYPE=Release && cmake --build $build_dir --target bench_sweeps" >&2
  exit 1
fi
for n in $ranks; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run_sweeps.sh: bad rank count '$n'" >&2; exit 2; }
done

mpirun="${MPIRUN:-mpirun}"
read -r -a mpirun_flags <<<"${MPIRUN_FLAGS---allow-run-as-root}"
[[ -n "$out_dir" ]] || out_dir="$build_dir/bench-results/sweeps-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out_dir"

jsons=()
for n in $ranks; do
  json="$out_dir/sweeps_np$n.json"
  log="$out_dir/sweeps_np$n.log"
  echo "== bench_sweeps on $n rank(s) -> $json"
  "$mpirun" "${mpirun_flags[@]}" -n "$n" "$bench" "${bench_args[@]}" "${extra_args[@]}" --out "$json" 2>&1 |
    tee "$log"
  jsons+=("$json")
done

echo
echo "== summary ($out_dir)"
if command -v python3 >/dev/null 2>&1; then
  python3 - "${jsons[@]}" <<'EOF'
import json, sys
rows = [json.load(open(p)) for p in sys.argv[1:]]
r0 = rows[0]
m = r0["matrix"]
print(f"model {r0['model']}: {r0['states']} states x {r0['actions']} actions, {r0['steps']} steps; "
      f"{m['nonzeros']:.0f} nonzeros, CSR {m['csr_bytes']/1e6:.1f} MB, "
      f"{r0['bytes_per_matvec']/1e6:.1f} MB moved per matvec, "
      f"{m['csr_bytes']/m['nonzeros']:.2f} B of CSR per nonzero ({m['petsc_int_bytes']}-byte PetscInt)")
head = f"{'ranks':>5} {'STREAM':>8} | {'op (ms per step)':<26} {'ms':>8} {'GB/s':>7} {'/STREAM':>8}"
print(head)
print("-" * len(head))
ops = [("raw MatMultTranspose", "raw", "matmult_transpose_forward", "best_s"),
       ("raw MatMult", "raw", "matmult_backward", "best_s"),
       ("engine.forward", "sweeps", "forward", "best_s_per_step"),
       ("engine.bestResponse", "sweeps", "backward_best_response", "best_s_per_step"),
       ("engine.evaluate", "sweeps", "backward_evaluate", "best_s_per_step")]
for r in rows:
    first = True
    for name, group, key, tkey in ops:
        e = r[group][key]
        lead = f"{r['ranks']:>5} {r['stream']['triad_gbs']:>8.2f}" if first else " " * 14
        print(f"{lead} | {name:<26} {e[tkey]*1e3:>8.2f} {e['gbs']:>7.2f} {e['ratio_to_stream']:>8.3f}")
        first = False
for r in rows:
    g = r["matrix"].get("ghost_values_max_rank", 0)
    print(f"{r['ranks']:>5} ranks: {g:.0f} ghost values per matvec on the rank with most ({g*8/1e3:.1f} kB)")
print("(STREAM: aggregate triad GB/s over the ranks, 24 B per element; times are the best of the repetitions)")
EOF
else
  echo "python3 not found; results are in: ${jsons[*]}"
fi
