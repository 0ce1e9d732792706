#pragma once
// Best response, policy evaluation and stationary distribution of a StationaryModel
// (docs/methods.md §8), distributed over states like the finite-horizon engine. Policies are
// deterministic (one action per state); policies, values and distributions are the blocks of the
// states this rank owns.
//
//   StationarySolver solver(model, layout);        // assembles P and R
//   auto br = solver.bestResponse(policy, value);  // policy iteration from `policy`
//   solver.stationaryDistribution(policy, mu);     // μ = P_πᵀ μ
#include <petscksp.h>

#include <cstdint>
#include <span>
#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/stationary/Settings.hpp"
#include "solver/stationary/StationaryKernel.hpp"

namespace mfg::stationary {

class StationarySolver {
 public:
  StationarySolver(const StationaryModel& model, const parallel::StateLayout& layout,
                   StationarySettings settings = {});

  const parallel::StateLayout& layout() const { return layout_; }
  const StationaryKernel& kernel() const { return kernel_; }
  double discount() const { return gamma_; }

  /// V^π: solves (I − γ P_π) V = R_π by KSP (GMRES with PETSc's default preconditioner unless
  /// changed with -mfg_stationary_ksp_type, -mfg_stationary_pc_type, ...). `value` is the
  /// initial guess when it has this rank's size; raises when KSP does not converge.
  void evaluate(std::span<const std::int64_t> policy, std::vector<double>& value) const;

  /// Greedy policy for V: argmax over feasible a of R(s,a) + γ Σ P(s'|s,a) V(s'), ties (within
  /// a relative 1e-12) to the lowest action so that the choice does not depend on the ranks.
  std::vector<std::int64_t> greedy(std::span<const double> value) const;

  /// Policy iteration from `policy` (infeasible or empty entries start at action 0) until the
  /// greedy policy repeats; on return `policy` is optimal and `value` is V*. Returns the number
  /// of evaluations.
  int bestResponse(std::vector<std::int64_t>& policy, std::vector<double>& value) const;

  /// The stationary distribution of π (solver/stationary/Distribution.hpp) from the warm start
  /// `mu` (uniform when empty). Returns the work done, in products with P_π.
  long stationaryDistribution(std::span<const std::int64_t> policy, std::vector<double>& mu) const;

 private:
  const parallel::StateLayout& layout_;
  StationarySettings settings_;
  double gamma_;
  StationaryKernel kernel_;
};

/// Σ over all ranks of x(s)·y(s) on this rank's blocks.
double globalDot(MPI_Comm comm, std::span<const double> x, std::span<const double> y);

}  // namespace mfg::stationary
