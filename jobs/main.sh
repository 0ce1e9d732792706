#!/usr/bin/env bash
# Sets up and builds mfg (jobs/setup.sh), then runs a one-minute tour of what mfg is for, at 2 MPI
# ranks, and prints where every result and picture is (all under results/tour/):
#   1. solve beach_bar (a bar that may close: common noise on a scenario tree) with Online Mirror
#      Descent, exact exploitability every iteration;
#   2. certify that policy: the clairvoyant and non-anticipative bounds, both exact on the tree;
#   3. train an RSPG network (a GRU over the shared observations) on lq for 20 s;
#   4. certify the trained network from its checkpoint.
# Every command writes its plots (PNG and PDF) next to its results.
#   bash jobs/main.sh                 # 2 MPI ranks
#   MFG_RANKS=3 bash jobs/main.sh
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,12p' "$0"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/jobs/setup.sh"
build="${MFG_BUILD_DIR:-$root/build}"
out="$root/results/tour"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mfg() { mpirun --oversubscribe -n "${MFG_RANKS:-2}" "$build/mfg" "$@"; }
step() { printf '\n=== %s\n\n' "$*"; }
start=$SECONDS
rm -rf "$out"

step "1/4 solve beach_bar with OMD (exact exploitability on the scenario tree of the bar's closure)"
mfg solve --model beach_bar --algorithm omd --iterations 100 --out "$out/beach_bar"
step "2/4 certify the solved policy (clairvoyant and non-anticipative bounds, exact over the tree)"
mfg certify --model beach_bar --policy "$out/beach_bar/result.h5" --out "$out/beach_bar/certificate"
step "3/4 train an RSPG network on lq for 20 s (clairvoyant exploitability with its 95% CI)"
mfg train --model lq --algorithm rspg --iterations 1000 --time-limit 20 --eval-every 10 --out "$out/lq_rspg"
step "4/4 certify the trained network from its checkpoint"
mfg certify --model lq --policy "$out/lq_rspg/checkpoint.pt" --out "$out/lq_rspg/certificate"

# The headline figures, read back from the files (numbers only: no JSON tool is needed).
number() { grep -o "\"$2\": [-0-9.eE+]*" "$1" | head -n 1 | awk '{printf "%.4g", $2}'; }
value_of() {
  tr -d '\n ' < "$1" | grep -o "\"$2\":{[^}]*\"value\":[-0-9.eE+]*" | grep -o '[-0-9.eE+]*$' | awk '{printf "%.4g", $1}'
}
step "Done in $((SECONDS - start)) s. Results and pictures:"
printf '  beach_bar OMD exploitability        %s (from %s)\n' \
  "$(number "$out/beach_bar/summary.json" exploitability)" "$(number "$out/beach_bar/summary.json" initial_exploitability)"
printf '  beach_bar certificate               clairvoyant %s, non-anticipative %s\n' \
  "$(value_of "$out/beach_bar/certificate.json" clairvoyant)" "$(value_of "$out/beach_bar/certificate.json" non_anticipative)"
printf '  lq RSPG after 20 s                  clairvoyant %s, non-anticipative %s\n' \
  "$(number "$out/lq_rspg/summary.json" exploitability)" "$(number "$out/lq_rspg/summary.json" non_anticipative_exploitability)"
printf '  lq RSPG certificate                 clairvoyant %s, non-anticipative %s\n\n' \
  "$(value_of "$out/lq_rspg/certificate.json" clairvoyant)" "$(value_of "$out/lq_rspg/certificate.json" non_anticipative)"
find "$out" -type f \( -name '*.h5' -o -name '*.json' -o -name '*.png' -o -name '*.pdf' -o -name '*.pt' \) \
  | sort | sed "s|^$root/|  |"
printf '\nRedraw any of them with: %s plot DIR [--format png,pdf,svg]\n' "$build/mfg"
