#!/usr/bin/env bash
# The RSPG paper's wall-clock comparison (docs/methods.md §14): RSPG, SPG, IPPO, RIPPO and M-OMD on
# lq, beach_bar and macro, seeds 0-4, each run stopped by --time-limit; then bench_rl_figure draws
# exploitability against training wall time (mean and 95% band) per model, tabulates the values at
# the mark and the wall time each method needs to reach RSPG's value at the mark. See README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/rl_baselines.sh [options] [BUILD_DIR]

  BUILD_DIR            CMake build folder with mfg and jobs/bench/bench_rl_figure (default: build/)
  --models "lq ..."    models (default: "lq beach_bar macro")
  --algorithms "..."   (default: "rspg spg ippo rippo momd")
  --seeds "0 1 ..."    (default: "0 1 2 3 4")
  --ranks N            ranks per run (default 2)
  --scale X            multiply every time limit by X (default 1)
  --out-dir DIR        results (default: BUILD_DIR/bench-results/rl-<date>-<time>)
  -h, --help           this text

Per model (time limit = the mark, on the training clock; evaluations are not counted):
  lq: 120 s, 8 paths, lr 1e-2 (structural) / 3e-3 (RL); beach_bar: 400 s, 8 paths, lr 1e-3 / 1e-3;
  macro: 250 s, 8 paths, lr 1e-2 / 1e-3. RL learners: 16 per path, 10^4 particles per sequence.
  The RL rates come from a short sweep on lq (3e-4, 1e-3, 3e-3 over 40 iterations: 3e-3 best for
  IPPO and M-OMD); 1e-3 elsewhere, untuned.
  Evaluations every 5 iterations (structural) or every iteration (RL, whose iterations are longer).
  RL runs get --iterations = mark / (measured seconds per iteration), so that their learning-rate
  and ε schedules end at the mark; the structural methods keep a constant rate.
USAGE
}

build_dir=build
models="lq beach_bar macro"
algorithms="rspg spg ippo rippo momd"
seeds="0 1 2 3 4"
ranks=2
scale=1
out_dir=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --models) models="$2"; shift 2 ;;
    --algorithms) algorithms="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    -*) echo "rl_baselines.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
mfg="$build_dir/mfg"
figure="$build_dir/jobs/bench/bench_rl_figure"
[[ -x "$mfg" && -x "$figure" ]] || { echo "rl_baselines.sh: build mfg and bench_rl_figure first" >&2; exit 2; }
out_dir="${out_dir:-$build_dir/bench-results/rl-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
mpirun=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe})

mark() {
  case "$1" in lq) echo 120 ;; beach_bar) echo 400 ;; macro) echo 250 ;; *) echo 120 ;; esac
}
# Seconds per training iteration at 2 ranks on the 2-core development machine (measured), so that
# the RL learners' schedules (learning rate, M-OMD's ε) run their course by the mark; the
# structural methods keep a constant rate (--iterations 10^6), as in run_train.sh.
seconds_per_iteration() {  # model algorithm
  case "$1:$2" in
    lq:ippo) echo 0.47 ;; lq:rippo) echo 2.3 ;; lq:momd) echo 0.35 ;;
    beach_bar:ippo) echo 0.43 ;; beach_bar:rippo) echo 2.4 ;; beach_bar:momd) echo 0.30 ;;
    macro:ippo) echo 2.0 ;; macro:rippo) echo 4.0 ;; macro:momd) echo 1.75 ;;
    *) echo 0 ;;
  esac
}
rate() {  # model algorithm
  case "$2" in
    rspg | spg) case "$1" in beach_bar) echo 1e-3 ;; *) echo 1e-2 ;; esac ;;
    *) case "$1" in lq) echo 3e-3 ;; *) echo 1e-3 ;; esac ;;
  esac
}

marks=()
for model in $models; do
  limit=$(awk -v m="$(mark "$model")" -v s="$scale" 'BEGIN { print m * s }')
  marks+=(--mark "$model=$limit")
  for algorithm in $algorithms; do
    every=5
    [[ $algorithm == rspg || $algorithm == spg ]] || every=1
    spi=$(seconds_per_iteration "$model" "$algorithm")
    iterations=$(awk -v l="$limit" -v s="$spi" 'BEGIN { print (s > 0 ? int(l / s) + 1 : 1000000) }')
    for seed in $seeds; do
      dir="$out_dir/$model/$algorithm/seed$seed"
      mkdir -p "$dir"
      echo "== $model $algorithm seed $seed (${limit} s)"
      # --time-limit counts evaluations too: the limit is generous, the mark is read on the training clock.
      "${mpirun[@]}" -n "$ranks" "$mfg" train --model "$model" --algorithm "$algorithm" --seed "$seed" \
        --paths 8 --learning-rate "$(rate "$model" "$algorithm")" --iterations "$iterations" \
        --time-limit "$(awk -v l="$limit" 'BEGIN { print 1.5 * l }')" --eval-every "$every" \
        --checkpoint-every 1000000 --no-plots --out "$dir" >"$dir/log.txt" 2>&1 || echo "FAILED: $dir" >&2
    done
  done
done
"$figure" "$out_dir" "${marks[@]}"
echo "results in $out_dir"
