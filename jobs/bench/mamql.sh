#!/usr/bin/env bash
# Multi-agent IRL benchmark (docs/methods.md §12): MAMQL, multi-agent IQ-Learn and behaviour
# cloning learn from demonstrations of games/gems (the planner demonstrator) at several sizes, and of
# the N-player game of an MFG model (plays of its soft equilibrium, also given to the mean-field
# learners of `mfg irl`) for several N. Prints average returns (with 95% intervals), the expert's return and the reward
# recovery errors. The full grid (5 seeds x 3 sizes x 3 methods) takes many hours on 2 cores; the
# options trim it.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/mamql.sh [options] [BUILD_DIR]

  BUILD_DIR           CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR       results folder (default: BUILD_DIR/bench-results/mamql-<date>-<time>)
  --ranks N           MPI ranks (default 2)
  --seeds "S..."      seeds (default "0 1 2 3 4")
  --sizes "K..."      demonstration sizes in transitions for gems (default "1000 10000 20000")
  --methods "M..."    methods (default "mamql iq-learn bc")
  --iterations K      iterations per run on gems (default 2000)
  --players "N..."    player counts of the N-player game (default "2 4 8 16"; "" skips it)
  --model NAME        MFG model of the N-player game (default classic/beach_bar)
  --nplayer-iterations K   iterations per N-player run (default 2000)
  --nplayer-plays P   plays (episodes) of N agents demonstrated per N (default 500)
  --mf-methods "M..." mean-field learners on the same plays (default "mf-airl pemmfirl"; "" skips them)
  --mf-iterations K   iterations per mean-field run (default 600)
  -h, --help          this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root --oversubscribe).
USAGE
}

build_dir=build out_dir="" ranks=2 seeds="0 1 2 3 4" sizes="1000 10000 20000" methods="mamql iq-learn bc"
iterations=2000 players="2 4 8 16" model=classic/beach_bar nplayer_iterations=2000 nplayer_plays=500
mf_methods="mf-airl pemmfirl" mf_iterations=600
while (($#)); do
  case "$1" in
    --out-dir) out_dir=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --players) players=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --nplayer-iterations) nplayer_iterations=$2; shift 2 ;;
    --nplayer-plays) nplayer_plays=$2; shift 2 ;;
    --mf-methods) mf_methods=$2; shift 2 ;;
    --mf-iterations) mf_iterations=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir=$1; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x $mfg ]] || { echo "no mfg binary in $build_dir (build first)" >&2; exit 2; }
out_dir=${out_dir:-$build_dir/bench-results/mamql-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out_dir"
run=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe} -np "$ranks" "$mfg")

# Gems: 600 planner episodes (~24 000 transitions; the last 10% are held out for reward recovery).
"${run[@]}" marl demonstrate --game gems --policy planner --episodes 600 --seed 1000 --out "$out_dir/gems_demos.h5"
for seed in $seeds; do
  for size in $sizes; do
    for method in $methods; do
      dir="$out_dir/gems_${method}_${size}_$seed"
      "${run[@]}" marl irl --method "$method" --game gems --demos "$out_dir/gems_demos.h5" --transitions "$size" \
        --iterations "$iterations" --seed "$seed" --resume --out "$dir" > "$dir.log" 2>&1 || echo "run $dir failed (see $dir.log)"
    done
  done
done

# N-player games of an MFG model: the equilibrium policy demonstrates, N players at a time.
# N-player games of an MFG model: plays of the model's soft equilibrium at temperature 1 (the
# temperature of MAMQL's Boltzmann policies) by N agents (`mfg demonstrate`), replayed in the N-player
# game (`mfg marl from-demos`: rewards on each play's own empirical distribution). The finite-player
# learners learn from the episodes, the mean-field ones (--mf-methods) from the plays themselves:
# the same trajectories, and reward recovery against the same truth.
if [[ -n $players ]]; then
  for n in $players; do
    "${run[@]}" demonstrate --model "$model" --plays "$nplayer_plays" --agents "$n" --beta 1 --seed 2000 \
      --out "$out_dir/nplayer_${n}_plays.h5" > "$out_dir/nplayer_${n}_plays.log"
    "${run[@]}" marl from-demos --demos "$out_dir/nplayer_${n}_plays.h5" --out "$out_dir/nplayer_${n}_demos.h5" \
      > "$out_dir/nplayer_${n}_demos.log"
    for seed in $seeds; do
      for method in $methods; do
        dir="$out_dir/nplayer_${n}_${method}_$seed"
        "${run[@]}" marl irl --method "$method" --game "nplayer/$model" --players "$n" \
          --demos "$out_dir/nplayer_${n}_demos.h5" --iterations "$nplayer_iterations" --seed "$seed" --resume \
          --out "$dir" > "$dir.log" 2>&1 || echo "run $dir failed (see $dir.log)"
      done
      for method in $mf_methods; do
        dir="$out_dir/nplayer_${n}_${method}_$seed"
        extra=()
        [[ $method == pemmfirl ]] && extra=(--types auto --c-imit 3)
        "${run[@]}" irl --method "$method" "${extra[@]}" --demos "$out_dir/nplayer_${n}_plays.h5" --model "$model" \
          --iterations "$mf_iterations" --seed "$seed" --resume --out "$dir" > "$dir.log" 2>&1 \
          || echo "run $dir failed (see $dir.log)"
      done
    done
  done
fi

python3 - "$out_dir" <<'PY'
import json, os, statistics, sys
root = sys.argv[1]
rows = {}
for name in sorted(os.listdir(root)):
    p = os.path.join(root, name, "summary.json")
    if not os.path.exists(p):
        continue
    s = json.load(open(p))
    key, seed = name.rsplit("_", 1)
    if "average_return" not in s:  # a mean-field learner on the N-player plays: its reward recovery
        m = s.get("metrics", {})
        s = {"average_return": None, "expert_return": None, "return_ratio": None,
             "reward_recovery_mse": m.get("reward_recovery_mse"), "reward_recovery_corr": m.get("reward_recovery_corr"),
             "seconds_per_iteration": s.get("seconds_per_iteration")}
    rows.setdefault(key, []).append(s)
def fmt(v):
    v = [x for x in v if x is not None]
    if not v: return "–"
    return f"{statistics.mean(v):.4g}" + (f" ± {statistics.stdev(v):.2g}" if len(v) > 1 else "")
lines = ["| run | seeds | average return | expert | ratio | reward MSE | reward corr | s/iteration |",
         "|---|---|---|---|---|---|---|---|"]
for key, ss in sorted(rows.items()):
    expert = ss[0]['expert_return']
    lines.append(f"| {key} | {len(ss)} | {fmt([s['average_return'] for s in ss])} | "
                 f"{'–' if expert is None else f'{expert:.4g}'} | "
                 f"{fmt([s['return_ratio'] for s in ss])} | {fmt([s['reward_recovery_mse'] for s in ss])} | "
                 f"{fmt([s['reward_recovery_corr'] for s in ss])} | {fmt([s['seconds_per_iteration'] for s in ss])} |")
text = "\n".join(lines)
print(text)
open(os.path.join(root, "table.md"), "w").write(text + "\n")
PY
