#pragma once
// The mean field of a model with aggregate shocks simulated along one long path of the common
// noise under a given policy (docs/methods.md §9): one step at a time with the exact engine's
// kernel matrix and step context, keeping only μ_t and μ_{t+1}, so that a path of 10⁴ quarters
// costs the memory of two distributions, not of a scenario tree.
#include <mpi.h>

#include <functional>
#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/engine/KernelMatrix.hpp"
#include "solver/engine/StepContext.hpp"

namespace mfg {

struct SimulatedPath {
  /// The model's aggregates (Model::aggregate) at t = 0..steps, e.g. (K, L, r, w) for krusell_smith.
  std::vector<std::vector<double>> stats;
  /// μ_t gathered on every rank at the requested dates, in the order asked for.
  std::vector<std::vector<double>> snapshots;
  std::vector<int> snapshot_steps;
};

class AggregateSimulation {
 public:
  /// π_t on the layout's own rows (state-major, |A| per state) given the view of μ_t and z_t.
  using Decide = std::function<void(const MeanFieldView& view, std::vector<double>& pi_local)>;

  AggregateSimulation(const Model& model, MPI_Comm comm);

  const parallel::StateLayout& layout() const { return layout_; }

  /// Runs μ_{t+1} = P_tᵀ (μ_t π_t) for t = 0..noise.size()−2 from μ_0 = the model's initial
  /// distribution for noise[0]; noise[t] is the model's z_t. Identical on any number of ranks up
  /// to the summation order of the transposed product (about 1e-15 relative per step).
  SimulatedPath run(const std::vector<std::vector<double>>& noise, const Decide& decide,
                    const std::vector<int>& snapshot_steps = {});

 private:
  const Model& model_;
  parallel::StateLayout layout_;
  KernelMatrix kernel_;
  StepContext context_;
};

}  // namespace mfg
