#pragma once
// Threads per MPI rank, for LibTorch and for OpenBLAS (which LibTorch and PETSc's vector kernels
// call). Ranks already fill the cores, so every pool defaults to one thread per rank: a second
// thread would only spin in sched_yield against the other ranks.

namespace mfg::cli {

/// MFG_THREADS, else SLURM_CPUS_PER_TASK, else 1 (MPI ranks already fill the cores; more threads
/// per rank would oversubscribe them).
int threadsPerRank();
/// Sets LibTorch's and OpenBLAS's thread pools to n.
void setThreads(int n);
/// Sets OpenBLAS's pool alone to n (every command, at start-up), when OpenBLAS is the BLAS loaded.
void limitBlasThreads(int n);

}  // namespace mfg::cli
