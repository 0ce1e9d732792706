# Sourced by the mfg batch scripts (jobs/slurm/*.sbatch); not run on its own.
# Finds the mfg binary, sets the threads per rank from SLURM_CPUS_PER_TASK, launches MPI ranks with
# srun --mpi=pmix (mpirun where Slurm has no pmix plugin), forwards the warning signal to them, and
# requeues the job when mfg exits with status 75 (stopped on a signal after writing its checkpoint).

# Exit status of mfg after SIGUSR1/SIGTERM with the checkpoint written (parallel/StopRequest.hpp).
MFG_EXIT_PREEMPTED=75

# The repository: MFG_ROOT, else the folder the job was submitted from (Slurm runs a copy of the
# script, so its own path says nothing).
mfg_root() {
  local root="${MFG_ROOT:-${SLURM_SUBMIT_DIR:-$PWD}}"
  [[ -f "$root/jobs/slurm/common.sh" ]] || {
    echo "mfg job: $root is not the mfg repository; submit from its root or set MFG_ROOT" >&2
    return 2
  }
  echo "$root"
}

mfg_binary() {
  local bin="${MFG_BIN:-$(mfg_root)/build/mfg}"
  [[ -x "$bin" ]] || {
    echo "mfg job: $bin not found; build first (bash jobs/setup.sh) or set MFG_BIN" >&2
    return 2
  }
  echo "$bin"
}

# One thread pool per rank, sized to the CPUs Slurm gave each task (LibTorch, OpenBLAS, OpenMP).
mfg_set_threads() {
  local n="${SLURM_CPUS_PER_TASK:-1}"
  export MFG_THREADS="$n" OMP_NUM_THREADS="$n" OPENBLAS_NUM_THREADS="$n"
}

mfg_launcher() {
  local ntasks="${SLURM_NTASKS:-1}"
  if command -v srun >/dev/null && srun --mpi=list 2>&1 | grep -q pmix; then
    echo "srun --mpi=pmix --kill-on-bad-exit=1 -n $ntasks"
  else
    echo "mpirun -n $ntasks --oversubscribe --bind-to none"
  fi
}

# mfg_run ARGS...: runs mfg on the job's ranks; SIGUSR1/SIGTERM that reach this shell (the
# --signal=B:USR1@SECONDS warning, `scancel --batch --signal=USR1`) are passed on to the ranks.
# Returns mfg's exit status.
mfg_run() {
  local bin launcher pid status
  bin="$(mfg_binary)" || return $?
  launcher="$(mfg_launcher)"
  mfg_set_threads
  echo "mfg job ${SLURM_JOB_ID:-local}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID} (restart ${SLURM_RESTART_COUNT:-0}): $launcher $bin $*"
  $launcher "$bin" "$@" &
  pid=$!
  trap 'kill -USR1 "$pid" 2>/dev/null' USR1
  trap 'kill -TERM "$pid" 2>/dev/null' TERM
  # `wait` returns early when a trapped signal arrives; wait again until the launcher has exited.
  while true; do
    wait "$pid" && status=0 || status=$?
    kill -0 "$pid" 2>/dev/null || break
  done
  trap - USR1 TERM
  return "$status"
}

# mfg_finish STATUS: requeues the job after a preemption stop (the requeued run resumes from the
# checkpoint); otherwise exits with mfg's status.
mfg_finish() {
  local status="$1"
  if [[ "$status" == "$MFG_EXIT_PREEMPTED" && -n "${SLURM_JOB_ID:-}" ]]; then
    echo "mfg job $SLURM_JOB_ID: checkpoint written; requeueing"
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
  fi
  exit "$status"
}
