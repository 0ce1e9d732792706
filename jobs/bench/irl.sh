#!/usr/bin/env bash
# Inverse-RL benchmark for mean-field games (docs/methods.md §13): for each model, demonstrations of a
# 3-type mixture (jobs/bench/irl/<model>.toml) and of a single type, then PEMMFIRL (categorical context
# over the number of types it reads off the plays), MF-AIRL, exact MaxEnt MFIRL and behaviour cloning for each seed. Prints the mean and
# spread over seeds of return_gap, mean_field_kl, policy_kl (original and transferred dynamics) and
# type_accuracy, the seconds per iteration and the share of it in the exact passes; draws the plots
# of every run into its folder. The full grid takes hours on 2 cores; the options trim it.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/irl.sh [options] [BUILD_DIR]

  BUILD_DIR              CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR          results folder (default: BUILD_DIR/bench-results/irl-<date>-<time>)
  --ranks N              MPI ranks (default 2)
  --seeds "S..."         seeds (default "0 1 2 3 4")
  --models "M..."        models (default "malware investment taxi")
  --methods "M..."       methods (default "pemmfirl mf-airl mfirl bc")
  --iterations K         iterations per run (default 600; taxi uses --taxi-iterations)
  --taxi-iterations K    iterations per taxi run (default 100)
  --plays P --agents N   demonstrations per model (default 30 plays of 200 agents; taxi 12 of 500)
  --beta B               the experts' temperature (default 0.2)
  --pemmfirl "ARGS"      extra arguments of the pemmfirl runs, mixtures and single type alike
                         (default "--types auto --c-imit 3": the number of types is read off the plays)
  --no-single            skip the single-type runs
  --single-methods "M.." methods of the single-type runs (default: as --methods)
  -h, --help             this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root --oversubscribe).
USAGE
}

build_dir=build out_dir="" ranks=2 seeds="0 1 2 3 4" models="malware investment taxi"
methods="pemmfirl mf-airl mfirl bc" single_methods="" iterations=600 taxi_iterations=100 plays=30 agents=200 beta=0.2
pemmfirl_args="--types auto --c-imit 3" single=1
while (($#)); do
  case "$1" in
    --out-dir) out_dir=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --taxi-iterations) taxi_iterations=$2; shift 2 ;;
    --plays) plays=$2; shift 2 ;;
    --agents) agents=$2; shift 2 ;;
    --beta) beta=$2; shift 2 ;;
    --pemmfirl) pemmfirl_args=$2; shift 2 ;;
    --no-single) single=0; shift ;;
    --single-methods) single_methods=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir=$1; shift ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mfg="$build_dir/mfg"
[[ -x $mfg ]] || { echo "no mfg binary in $build_dir (build first)" >&2; exit 2; }
out_dir=${out_dir:-$build_dir/bench-results/irl-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out_dir"
run=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe} -np "$ranks" "$mfg")

for model in $models; do
  p=$plays n=$agents its=$iterations
  [[ $model == taxi ]] && { p=12; n=500; its=$taxi_iterations; }
  mixes=(mix)
  ((single)) && mixes+=(single)
  for mix in "${mixes[@]}"; do
    demos="$out_dir/${model}_${mix}_demos.h5"
    types=()
    [[ $mix == mix ]] && types=(--types "$here/irl/$model.toml")
    "${run[@]}" demonstrate --model "$model" "${types[@]}" --plays "$p" --agents "$n" --beta "$beta" --seed 1000 \
      --out "$demos" > "$out_dir/${model}_${mix}_demos.log"
    for seed in $seeds; do
      run_methods=$methods
      [[ $mix == single && -n $single_methods ]] && run_methods=$single_methods
      for method in $run_methods; do
        dir="$out_dir/${model}_${mix}_${method}_$seed"
        extra=()
        [[ $method == pemmfirl ]] && read -r -a extra <<< "$pemmfirl_args"
        "${run[@]}" irl --method "$method" "${extra[@]}" --demos "$demos" --model "$model" --iterations "$its" \
          --seed "$seed" --resume --out "$dir" > "$dir.log" 2>&1 || echo "run $dir failed (see $dir.log)"
      done
    done
  done
done

python3 - "$out_dir" <<'PY'
import json, os, statistics, sys
root = sys.argv[1]
rows = {}
for name in sorted(os.listdir(root)):
    p = os.path.join(root, name, "summary.json")
    if os.path.exists(p):
        key, seed = name.rsplit("_", 1)
        rows.setdefault(key, []).append(json.load(open(p)))
def fmt(v):
    v = [x for x in v if x is not None]
    if not v: return "–"
    return f"{statistics.mean(v):.3g}" + (f" ± {statistics.stdev(v):.2g}" if len(v) > 1 else "")
lines = ["| run | seeds | return gap | mean-field KL | policy KL | transfer: gap | transfer: MF KL | transfer: policy KL | type accuracy | k-means start | types chosen | s/iteration | exact share |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
for key, ss in sorted(rows.items()):
    m = [s["metrics"] for s in ss]
    t = [x["transfer"] or {} for x in m]
    lines.append(f"| {key} | {len(ss)} | {fmt([x['return_gap'] for x in m])} | {fmt([x['mean_field_kl'] for x in m])} | "
                 f"{fmt([x['policy_kl'] for x in m])} | {fmt([x.get('return_gap') for x in t])} | "
                 f"{fmt([x.get('mean_field_kl') for x in t])} | {fmt([x.get('policy_kl') for x in t])} | "
                 f"{fmt([x['type_accuracy'] for x in m])} | {fmt([x.get('start_type_accuracy') for x in m])} | "
                 f"{fmt([x.get('types_chosen') for x in m])} | "
                 f"{fmt([s['seconds_per_iteration'] for s in ss])} | "
                 f"{fmt([s['exact_pass_share'] for s in ss])} |")
text = "\n".join(lines)
print(text)
open(os.path.join(root, "table.md"), "w").write(text + "\n")
PY
