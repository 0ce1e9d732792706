#pragma once
// result.h5 of `mfg solve` and the policy files that `mfg evaluate` reads.
//   /policy                  [steps, S..., A...] float64, π_t(a|s)
//   /mean_field              [steps+1, S...]     float64, μ_t (μ_steps follows the last decision)
//   /history/exploitability  [iterations+1]      entry 0 = initial policy
//   /history/wall_seconds    [iterations+1]      since the solver started
//   attributes on /: model, algorithm, ranks, iterations, state_shape, action_shape, steps;
//   /parameters and /settings carry one attribute per model parameter and algorithm setting.
#include <map>
#include <string>
#include <vector>

#include <hdf5.h>

#include "solver/engine/ExactEngine.hpp"

namespace mfg::io {

struct SolveOutput {
  std::string algorithm;
  std::map<std::string, double> settings;
  const Policy* policy = nullptr;
  const MeanFieldFlow* flow = nullptr;
  std::vector<double> exploitability;
  std::vector<double> wall_seconds;
};

/// /tree: the scenario tree of a model with common noise, one entry per node (level, parent,
/// prob, cond_prob, and z flattened with z_width values per node). Policies and mean fields of
/// such models are indexed by node instead of by step.
void writeTree(hid_t file, const ScenarioTree& tree);

/// Written collectively by every rank of the engine's communicator to `path`.tmp, then renamed.
void writeResult(const std::string& path, const ExactEngine& engine, const SolveOutput& out);

/// Reads /policy collectively into the rows this rank owns. Raises InputError (on every rank)
/// when the file cannot be read, the shape or type is wrong, or a row is not a distribution.
Policy readPolicy(const std::string& path, const ExactEngine& engine);
/// The same for any layout, accepting /policy with any of `slice_counts` leading slices (e.g. one
/// per step, or one per node of the model's scenario tree).
Policy readPolicy(const std::string& path, const Model& model, const parallel::StateLayout& layout,
                  const std::vector<int>& slice_counts);

/// A temporary name next to `path`, the same on every rank of `comm` (rank 0's pid).
std::string temporaryName(const std::string& path, MPI_Comm comm);
/// Collective: rank 0 renames `from` to `to` (atomic on POSIX); every rank raises a failure.
void renameOnRoot(const std::string& from, const std::string& to, MPI_Comm comm);

/// Writes `text` to `path` through a temporary file and a rename, on rank 0 only.
void writeTextAtomically(const std::string& path, const std::string& text, MPI_Comm comm);

}  // namespace mfg::io
