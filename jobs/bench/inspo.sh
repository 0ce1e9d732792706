#!/usr/bin/env bash
# Offline MARL benchmark (docs/methods.md §11): InSPO, its ablations (simultaneous updates, β = 0),
# behaviour cloning and offline VDN(-CQL) on every dataset of the literature's construction
# (docs/models.md §7.3), seeds 0-4 (each seed makes its own dataset and its own learner start).
# Prints a table of exact returns per step and episode with the optimum beside them.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: jobs/bench/inspo.sh [options] [BUILD_DIR]

  BUILD_DIR        CMake build folder holding the mfg binary (default: build/)
  --out-dir DIR    results folder (default: BUILD_DIR/bench-results/inspo-<date>-<time>)
  --ranks N        MPI ranks (default 2)
  --seeds "S..."   seeds (default "0 1 2 3 4")
  --iterations K   InSPO iterations (default 50)
  -h, --help       this text

Environment: MPIRUN (default mpirun), MPIRUN_FLAGS (default --allow-run-as-root --oversubscribe).
USAGE
}

build_dir=build
out_dir=""
ranks=2
seeds="0 1 2 3 4"
iterations=50
while (($#)); do
  case "$1" in
    --out-dir) out_dir=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) build_dir=$1; shift ;;
  esac
done
mfg="$build_dir/mfg"
[[ -x $mfg ]] || { echo "no mfg binary in $build_dir (build first)" >&2; exit 2; }
out_dir=${out_dir:-$build_dir/bench-results/inspo-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out_dir/data" "$out_dir/runs"
run=(${MPIRUN:-mpirun} ${MPIRUN_FLAGS:---allow-run-as-root --oversubscribe} -np "$ranks" "$mfg")

datasets="xor:ab xor:ab_ba xor:aa_ab_ba xor:random mne:balanced mne:imbalanced bridge:optimal bridge:mix"
for seed in $seeds; do
  for d in $datasets; do
    game=${d%%:*} kind=${d##*:}
    file="$out_dir/data/${game}_${kind}_$seed.h5"
    "${run[@]}" marl dataset --game "$game" --kind "$kind" --seed "$seed" --out "$file" > /dev/null
    for method in inspo inspo-simultaneous inspo-beta0 bc vdn-cql vdn; do
      case $method in
        inspo-beta0) args=(--method inspo --beta 0) ;;
        *) args=(--method "$method") ;;
      esac
      "${run[@]}" marl offline "${args[@]}" --game "$game" --dataset "$file" --iterations "$iterations" \
        --seed "$seed" --out "$out_dir/runs/${game}_${kind}_${method}_$seed" > "$out_dir/runs/${game}_${kind}_${method}_$seed.log"
    done
  done
  echo "seed $seed done"
done

python3 - "$out_dir" <<'PY'
import json, os, statistics, sys
root = sys.argv[1]
runs = os.path.join(root, "runs")
rows = {}
for name in sorted(os.listdir(runs)):
    path = os.path.join(runs, name, "summary.json")
    if not os.path.exists(path):
        continue
    s = json.load(open(path))
    game, rest = name.split("_", 1)
    kind, method, seed = rest.rsplit("_", 2)
    rows.setdefault((game, kind), {}).setdefault(method, []).append(s)
methods = ["inspo", "inspo-simultaneous", "inspo-beta0", "bc", "vdn-cql", "vdn"]
lines = ["| game | dataset | optimum / step | " + " | ".join(methods) + " |",
         "|---|---|---|" + "---|" * len(methods)]
for (game, kind), by in sorted(rows.items()):
    opt = next(iter(by.values()))[0]
    cells = []
    for m in methods:
        ss = by.get(m, [])
        if not ss:
            cells.append("–"); continue
        v = [x["return_per_step"] for x in ss]
        det = sum(1 for x in ss if x["deterministic"])
        sd = statistics.stdev(v) if len(v) > 1 else 0.0
        cells.append(f"{statistics.mean(v):.4f} ± {sd:.4f} ({det}/{len(ss)} det.)")
    per_step = opt["optimal_return"] / opt["expected_steps"] if game != "bridge" else opt["optimal_return"] / 8
    lines.append(f"| {game} | {kind} | {per_step:.4f} | " + " | ".join(cells) + " |")
lines.append("")
lines.append("Bridge episode returns (optimum {:.6f}):".format(rows[("bridge", "optimal")]["inspo"][0]["optimal_return"]) if ("bridge", "optimal") in rows else "")
for kind in ("optimal", "mix"):
    by = rows.get(("bridge", kind), {})
    for m in methods:
        if m in by:
            v = [x["episode_return"] for x in by[m]]
            gap = [x["optimality_gap"] for x in by[m]]
            lines.append(f"  bridge/{kind} {m:>20}: mean {statistics.mean(v):.6f}, worst gap {100*max(gap):.3f}%")
text = "\n".join(lines)
print(text)
open(os.path.join(root, "table.md"), "w").write(text + "\n")
PY
