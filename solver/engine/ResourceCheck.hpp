#pragma once
// Will a model fit? Before the engine allocates anything of the size of the state space, this
// estimates the memory it is about to use on each rank (kernel matrix, policy, Q and V tables,
// flows, μ_0) and checks the indices against PETSc's PetscInt. A model that cannot fit is an
// input error (exit status 2) whose message gives the estimate per rank and the number of ranks
// it would need, instead of a std::bad_alloc or an index that silently wraps.
#include <mpi.h>

#include <cstdint>
#include <string>

#include "solver/models/Model.hpp"
#include "solver/noise/ScenarioTree.hpp"

namespace mfg {

struct ResourceEstimate {
  std::int64_t states = 0, actions = 0;
  std::int64_t row_entries = 0;     ///< largest number of successors of a sampled (state, action)
  std::int64_t nodes = 0, decision_nodes = 0;
  /// Bytes on the rank that owns `local_states` states.
  double bytesPerRank(std::int64_t local_states) const;
  /// Bytes per rank when the states are split evenly over `ranks`.
  double bytesPerRank(int ranks) const;
  /// Fewest ranks, each with `bytes_per_rank` available, for which the estimate fits.
  std::int64_t ranksNeeded(double bytes_per_rank) const;
};

/// Reads the model's sizes and samples its support (a few hundred (state, action) pairs).
ResourceEstimate estimateResources(const Model& model, const ScenarioTree& tree);

/// Memory this process may use: MemAvailable, or the cgroup's limit when that is lower, shared
/// evenly among the ranks of `comm` on this node.
double availableBytesPerRank(MPI_Comm comm);

/// Throws InputError when the model needs indices beyond PetscInt or more memory per rank than
/// availableBytesPerRank (same verdict on every rank of `comm`). MFG_MEMORY_CHECK=off skips the
/// memory part (the index part always applies).
void checkResources(const Model& model, const ScenarioTree& tree, MPI_Comm comm);

/// "1.5 GiB", "320 MiB", ...
std::string humanBytes(double bytes);

}  // namespace mfg
