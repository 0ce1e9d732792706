#pragma once
// Threads per rank for LibTorch and the BLAS it calls, shared by the commands that run networks.

namespace mfg::cli {

/// MFG_THREADS, else SLURM_CPUS_PER_TASK, else 1 (MPI ranks already fill the cores; more threads
/// per rank would oversubscribe them).
int threadsPerRank();
/// Sets LibTorch's and OpenBLAS's thread pools to n.
void setThreads(int n);

}  // namespace mfg::cli
