#pragma once
// Preemption: SIGUSR1 or SIGTERM (what SLURM sends before a time limit or on `scancel --signal`)
// asks a long run to stop. The signal may reach some ranks and not others, or reach them at
// different moments, so the run stops only where every rank agrees: at an iteration boundary,
// through one reduction over the communicator.
#include <mpi.h>

#include <csignal>

namespace mfg::parallel {

/// Exit status of a run stopped by SIGUSR1/SIGTERM after writing its checkpoint (sysexits.h's
/// EX_TEMPFAIL: "try again later"). The SLURM scripts requeue the job on this status.
inline constexpr int kExitPreempted = 75;

class StopRequest {
 public:
  /// Installs the handlers for SIGUSR1 and SIGTERM; the destructor puts back the previous ones.
  StopRequest();
  ~StopRequest();
  StopRequest(const StopRequest&) = delete;
  StopRequest& operator=(const StopRequest&) = delete;

  /// What the ranks agreed on at a boundary: whether to stop, and the largest signal number any
  /// rank received (0: none, so a stop was asked for by `also_stop` alone).
  struct Decision {
    bool stop = false;
    int signal = 0;
  };
  /// Collective (one reduction): the same Decision on every rank; `stop` when any rank has
  /// received a signal or passes `also_stop`.
  Decision agree(MPI_Comm comm, bool also_stop = false) const;
  /// After a signal, the next iteration boundary must come within `seconds` (0: no limit). A rank
  /// still inside an iteration then is stuck, typically in a collective with a rank that died
  /// (Slurm sends SIGTERM to the survivors), and ends itself with SIGALRM instead of waiting for
  /// Slurm's SIGKILL. Callers pass a multiple of the longest iteration seen, and 0 after the last
  /// boundary (which also cancels a pending deadline).
  void setDeadline(unsigned seconds);

  /// The deadline callers use: 3x the longest boundary-to-boundary interval, at least 5 s.
  static unsigned deadlineFor(double longest_interval_seconds);

 private:
  struct sigaction previous_usr1_{}, previous_term_{};
};

}  // namespace mfg::parallel
