#!/usr/bin/env bash
# Benchmark of `mfg train` against the RSPG paper's wall-clock marks (reference.md): RSPG and SPG,
# seeds 0-4, each run stopped by --time-limit at the model's mark; prints the exploitability
# (clairvoyant) reached by each mark, mean and spread. See jobs/bench/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/run_train.sh [options] [BUILD_DIR]

  BUILD_DIR            CMake build folder with the mfg binary (default: build/)
  --models "lq ..."    models (default: "lq beach_bar macro")
  --algorithms "..."   (default: "rspg spg")
  --seeds "0 1 ..."    (default: "0 1 2 3 4")
  --ranks N            ranks per run (default 1)
  --parallel K         runs at the same time (default 1; K x N should not exceed the cores)
  --out-dir DIR        results (default: BUILD_DIR/bench-results/train-<date>-<time>)
  -h, --help           this text

Per model: time limit, paths and learning rate of MFAX's settings (docs/methods.md §6):
  lq: marks 18 s and 120 s, N = 8, lr 1e-2 held constant (--iterations 10^6);
  beach_bar: mark 400 s, N = 128, lr 1e-3 held constant (--iterations 10^6);
  macro: mark 250 s, N = 8, lr 1e-2 decaying to 1e-3 over 40 iterations (about what 2 ranks
  on the 2-core development machine do by the mark, so the spec's linear decay ends near it).
  Evaluations every 5 iterations, not counted in the training clock.
USAGE
}

build_dir=build
models="lq beach_bar macro"
algorithms="rspg spg"
seeds="0 1 2 3 4"
ranks=1
parallel=1
out_dir=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --models) models="$2"; shift 2 ;;
    --algorithms) algorithms="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --out-dir) out_dir="$2"; shift 2 ;;
    -*) echo "run_train.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build_dir="$1"; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x "$mfg" ]] || { echo "run_train.sh: $mfg not found; build first" >&2; exit 2; }
out_dir="${out_dir:-$build_dir/bench-results/train-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out_dir"
mpirun=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe})

settings() {  # model -> "mark paths lr marks limit_percent iterations" (wall limit in % of the last mark)
  case "$1" in
    lq) echo "120 8 1e-2 18,120 130 1000000" ;;
    beach_bar) echo "400 128 1e-3 400 115 1000000" ;;
    macro) echo "250 8 1e-2 250 115 40" ;;
    *) echo "600 8 1e-3 600 130 1000000" ;;
  esac
}

run_one() {
  local model=$1 algorithm=$2 seed=$3
  read -r limit paths lr _ percent iterations <<<"$(settings "$model")"
  local dir="$out_dir/$model/$algorithm/seed$seed"
  mkdir -p "$dir"
  "${mpirun[@]}" -n "$ranks" "$mfg" train --model "$model" --algorithm "$algorithm" --seed "$seed" \
    --paths "$paths" --learning-rate "$lr" --iterations "$iterations" --time-limit "$((limit * percent / 100))" \
    --eval-every 5 --checkpoint-every 1000 --out "$dir" >"$dir/log.txt" 2>&1 || echo "FAILED: $dir" >&2
}

for model in $models; do
  for algorithm in $algorithms; do
    for seed in $seeds; do
      while (($(jobs -rp | wc -l) >= parallel)); do sleep 1; done
      echo "== $model $algorithm seed $seed"
      run_one "$model" "$algorithm" "$seed" &
    done
  done
done
wait

# --time-limit counts evaluations too, so runs get 1.3x the mark (1.15x on
# beach_bar and macro, whose evaluations cost under 10% of the wall time); marks are read on the training
# clock. Exploitability reached by each mark: the last evaluation at or before it (from log.txt rows
# "iter clairvoyant [lo, hi] exact train_seconds").
summary="$out_dir/summary.txt"
: >"$summary"
for model in $models; do
  read -r _ _ _ marks _ _ <<<"$(settings "$model")"
  for algorithm in $algorithms; do
    for mark in ${marks//,/ }; do
      values=""
      for seed in $seeds; do
        log="$out_dir/$model/$algorithm/seed$seed/log.txt"
        [[ -f $log ]] || continue
        v=$(awk -v m="$mark" '$1 ~ /^[0-9]+$/ && NF >= 6 && $NF + 0 <= m { v = $2 } END { print v }' "$log")
        values="$values $v"
      done
      awk -v model="$model" -v alg="$algorithm" -v mark="$mark" -v vals="$values" 'BEGIN {
        n = split(vals, v, " "); s = 0; for (i = 1; i <= n; i++) s += v[i]; mean = s / n
        ss = 0; lo = v[1]; hi = v[1]
        for (i = 1; i <= n; i++) { ss += (v[i] - mean)^2; if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
        sd = n > 1 ? sqrt(ss / (n - 1)) : 0
        printf "%-10s %-5s by %5ss: mean %10.4g  sd %10.4g  min %10.4g  max %10.4g  (%d seeds:%s)\n", model, alg, mark, mean, sd, lo, hi, n, vals
      }' >>"$summary"
    done
  done
done
cat "$summary"
echo "results in $out_dir"
