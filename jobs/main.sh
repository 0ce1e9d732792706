#!/usr/bin/env bash
# Sets up and builds mfg (jobs/setup.sh), then runs the default job on built-in defaults:
# Online Mirror Descent on classic/crowd_motion (20x20 grid), printing the exact exploitability
# every iteration and writing results/default/{result.h5,summary.json}.
#   bash jobs/main.sh                 # 2 MPI ranks
#   MFG_RANKS=3 bash jobs/main.sh
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,7p' "$0"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/jobs/setup.sh"
build="${MFG_BUILD_DIR:-$root/build}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -n "${MFG_RANKS:-2}" "$build/mfg" solve --out "$root/results/default"
