#!/usr/bin/env bash
# Submits a job-array sweep over GRID (one mfg command per line; see sweep.sbatch) with results in
# OUT/task-<id>/, and a collector job that runs when every task has ended and writes OUT/summary.json
# and OUT/summary.tsv. Extra arguments go to both sbatch calls (e.g. --partition, --time).
# Prints the array job's id and the collector's.
#   bash jobs/slurm/submit_sweep.sh jobs/configs/sweep_beach_bar.grid runs/sweep
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" || $# -lt 2 ]]; then
  sed -n '2,7p' "$0"
  [[ $# -ge 2 ]] && exit 0 || exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
grid="$(realpath "$1")"
mkdir -p "$2"
out="$(realpath "$2")"
shift 2
n="$(grep -cvE '^[[:space:]]*(#|$)' "$grid" || true)"
((n > 0)) || { echo "submit_sweep: $grid has no command lines" >&2; exit 2; }
export MFG_ROOT="$root"
array="$(sbatch --parsable --array="0-$((n - 1))" --output="$out/task-%a.log" "$@" "$root/jobs/slurm/sweep.sbatch" "$grid" "$out")"
array="${array%%;*}"
collect="$(sbatch --parsable --dependency="afterany:$array" --kill-on-invalid-dep=no --job-name=mfg-sweep-collect \
  --ntasks=1 --output="$out/collect.log" "$@" --wrap "bash '$root/jobs/slurm/sweep_collect.sh' '$grid' '$out'")"
echo "$array ${collect%%;*}"
