#pragma once
// Reductions and gathers over a StateLayout, and agreement on errors so that a failure found by
// one rank is raised by every rank (no rank is left waiting in a collective call).
#include <mpi.h>

#include <optional>
#include <stdexcept>
#include <span>
#include <string>
#include <vector>

#include "parallel/StateLayout.hpp"

namespace mfg::parallel {

double sum(MPI_Comm comm, double local);
double max(MPI_Comm comm, double local);

/// Gathers per-state blocks of `block` values (1 for μ, |A| for L) onto every rank, in state order.
void allGather(const StateLayout& layout, std::span<const double> local, int block,
               std::vector<double>& global);

/// Every rank's `local` concatenated in rank order, on every rank (`type` is T's MPI type).
/// std::length_error above 2^31 − 1 values in all, MPI's count limit.
template <class T>
std::vector<T> allGatherConcat(const std::vector<T>& local, MPI_Datatype type, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const long n = static_cast<long>(local.size());
  std::vector<long> counts(size);
  MPI_Allgather(&n, 1, MPI_LONG, counts.data(), 1, MPI_LONG, comm);
  std::vector<int> c(size), d(size);
  long total = 0;
  for (int r = 0; r < size; ++r) {
    if (total + counts[r] > 2147483647L) throw std::length_error("allGatherConcat: more than 2^31 - 1 values");
    c[r] = static_cast<int>(counts[r]);
    d[r] = static_cast<int>(total);
    total += counts[r];
  }
  std::vector<T> all(static_cast<std::size_t>(total));
  MPI_Allgatherv(local.data(), static_cast<int>(n), type, all.data(), c.data(), d.data(), type, comm);
  return all;
}

/// Every rank passes its own error (or nothing); every rank gets the lowest rank's error.
std::optional<std::string> firstError(MPI_Comm comm, const std::optional<std::string>& local);

/// Makes rank 0's value the value on every rank (e.g. wall-clock times written to files).
double broadcast(MPI_Comm comm, double value);

}  // namespace mfg::parallel
