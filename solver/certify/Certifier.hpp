#pragma once
// Certified exploitability of a policy for a model with common noise (docs/methods.md §5):
//   - the clairvoyant per-path bound: N sampled noise paths, each with μ^π forward and both
//     backward passes along that path (the best response sees the path's future), averaged, with
//     a 95% confidence interval over paths;
//   - the non-anticipative exploitability: exact on the enumerated scenario tree when it fits,
//     otherwise estimated on N independently sampled subtrees (B children per node down to a
//     depth, one below), with a 95% confidence interval over subtrees.
// Work units (paths, or subtrees below the roots) are split across rank groups and, inside a
// group, states across ranks. Unit results are combined in unit order on every rank, so the
// bounds do not depend on the number of groups or ranks beyond the engine's summation order.
#include <cstdint>
#include <mpi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "parallel/RankGroups.hpp"
#include "solver/certify/PolicyTable.hpp"
#include "solver/models/Model.hpp"

namespace mfg {

enum class TreeMode { Auto, Exact, Sampled };

struct CertifyOptions {
  int paths = 64;                  ///< N: clairvoyant paths, and sampled subtrees when not exact
  std::uint64_t seed = 0;          ///< draws paths (seed) and sampled subtrees (seed + 1)
  TreeMode tree = TreeMode::Auto;  ///< non-anticipative bound: exact tree, sampled, or exact if it fits
  int branching = 2;               ///< B: children sampled per node of a sampled tree ...
  int branch_depth = 2;            ///< ... at levels below this depth (one child deeper)
  int groups = 0;                  ///< rank groups (0: automatic)
  std::size_t max_nodes = 2000000; ///< largest scenario tree that is enumerated
  std::function<void(const std::string&)> progress;  ///< called on every rank; print on one
};

/// Builds the policy on the rows of a group's layout (collective on the group's communicator).
using PolicyLoader = std::function<PolicyTable(MPI_Comm group)>;

struct Bound {
  std::string method;               ///< "clairvoyant paths", "exact tree", "sampled tree"
  double value = 0.0;
  double ci_low = 0.0, ci_high = 0.0;  ///< 95% confidence interval (equal to value when exact)
  bool exact = false;
  int units = 0;                    ///< paths or subtrees (roots of the exact tree)
  std::vector<double> unit_values;  ///< each unit's exploitability, in unit order
  std::vector<double> per_state;    ///< E_unit[V*_0 − V^π_0](s), full vector on world rank 0 only
  double wall_seconds = 0.0;
  std::size_t nodes = 0;            ///< scenario-tree nodes swept in all
};

class Certifier {
 public:
  Certifier(const Model& model, MPI_Comm world, CertifyOptions options);

  /// The enumerated tree when the model has finite noise and its tree fits max_nodes, else null.
  std::shared_ptr<const ScenarioTree> modelTree() const { return model_tree_; }
  /// Whether the non-anticipative bound will be exact.
  bool exactTree() const { return exact_; }

  Bound clairvoyant(const PolicyLoader& policy);
  Bound nonAnticipative(const PolicyLoader& policy);

  /// Groups used by the last bound (its split depends on the number of units).
  int groupsUsed() const { return groups_used_; }

 private:
  /// Runs every unit tree of this group, weights unit u by `weights[u]`, and combines.
  Bound run(const std::vector<ScenarioTree>& units, const std::vector<double>& weights, bool cut_from_model_tree,
            const PolicyLoader& policy, const std::string& method);

  const Model& model_;
  MPI_Comm world_;
  CertifyOptions options_;
  std::shared_ptr<const ScenarioTree> model_tree_;
  bool exact_ = false;
  int groups_used_ = 1;
};

}  // namespace mfg
