#pragma once
// Reductions and gathers over a StateLayout, and agreement on errors so that a failure found by
// one rank is raised by every rank (no rank is left waiting in a collective call).
#include <mpi.h>

#include <optional>
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

/// Every rank passes its own error (or nothing); every rank gets the lowest rank's error.
std::optional<std::string> firstError(MPI_Comm comm, const std::optional<std::string>& local);

/// Makes rank 0's value the value on every rank (e.g. wall-clock times written to files).
double broadcast(MPI_Comm comm, double value);

}  // namespace mfg::parallel
