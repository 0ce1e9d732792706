#pragma once
// The mean field of the Krusell-Smith economy along one aggregate shock path under a household
// policy k'(k, ε, z, K), propagated exactly on the model's (k, ε) grid (docs/methods.md §10.2):
// no panel of simulated households. Each quarter K_t = Σ μ_t(k, ε) k, each state's k' is read from
// the policy at (z_t, K_t), its mass is split between the two grid points around k' (the split
// keeps the mean), and ε moves with the model's employment transition given z_t → z_{t+1}.
//
// Distributed over the (k, ε) states like the engine (parallel::StateLayout): each rank pushes the
// mass of its own states; one MPI_Allreduce gives every rank μ_{t+1}, so K_t is summed in the same
// order on every rank. Rank counts differ only in how the pushed contributions are added (about
// 1e-16 relative per quarter).
#include <mpi.h>

#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/alm/Economy.hpp"
#include "solver/alm/Household.hpp"

namespace mfg::alm {

struct ExactPath {
  std::vector<double> K;  ///< K_t, t = 0..steps
  std::vector<std::vector<double>> snapshots;  ///< μ_t (flat index 2i + ε) at the requested dates
  std::vector<int> snapshot_steps;
  double max_mass_error = 0.0;          ///< max_t |Σ μ_t − 1|
  double max_unemployment_error = 0.0;  ///< max_t |Σ_i μ_t(k_i, u) − u_{z_t}|
  double min_K = 0.0, max_K = 0.0;
};

class ExactDistribution {
 public:
  ExactDistribution(const Economy& economy, MPI_Comm comm);

  const parallel::StateLayout& layout() const { return layout_; }

  /// μ_0 given (flat, all states), regimes[t] = z_t (0 bad, 1 good) for t = 0..steps.
  ExactPath run(const std::vector<double>& mu0, const std::vector<int>& regimes, const HouseholdPolicy& policy,
                const std::vector<int>& snapshot_steps = {}) const;

  /// The grid cell [k_lo, k_lo+1] around k and the weight of k_lo+1 (all mass on the top point at or
  /// above capital_max, on k_0 at or below 0), as the model splits its k'.
  std::pair<std::size_t, double> split(double k) const;

 private:
  const Economy& economy_;
  parallel::StateLayout layout_;
};

}  // namespace mfg::alm
