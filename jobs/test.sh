#!/usr/bin/env bash
# Sets up and builds mfg (jobs/setup.sh), then runs the whole test suite with CTest
# (Boost.Test suites; MPI suites at 1, 2 and 3 ranks). Exit status is CTest's.
#   bash jobs/test.sh
#   bash jobs/test.sh -L mpi          # extra arguments go to ctest
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,6p' "$0"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/jobs/setup.sh"
build="${MFG_BUILD_DIR:-$root/build}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cd "$build"
# Tests run side by side, one per core: MPI suites reserve as many cores as they have ranks, and
# the suites whose assertions involve wall-clock limits (Slurm jobs, signals) run alone.
ctest --output-on-failure --timeout 900 -j "$(nproc 2>/dev/null || echo 2)" "$@"
