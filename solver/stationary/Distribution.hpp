#pragma once
// The stationary distribution of a Markov chain given as a distributed, row-stochastic PETSc
// matrix P (docs/methods.md §8): μ = Pᵀ μ, Σ μ = 1.
//
// The singular system (I − Pᵀ) μ = 0 is made regular by replacing the equation of one anchor
// state k (one with mass) by μ_k = 1: the remaining equations imply the replaced one (the rows
// of I − Pᵀ sum to zero), so the solution is μ up to scale. It is solved by KSP (GMRES with
// PETSc's default preconditioner; options prefix `mfg_distribution_`), normalised, and then
// polished by power iteration μ ← Pᵀ μ until ‖Pᵀ μ − μ‖₁ is below the tolerance. When KSP fails
// (e.g. the anchor is transient), power iteration alone continues from the warm start.
#include <petscmat.h>

#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/stationary/Settings.hpp"

namespace mfg::stationary {

struct DistributionSolve {
  int krylov_iterations = 0;  ///< KSP iterations (0 when KSP was not used or failed)
  long power_iterations = 0;  ///< power-iteration steps after it
  /// Total work in units of one product with P: what the progress table reports.
  long iterations() const { return krylov_iterations + power_iterations; }
};

/// `P` has the layout's states as rows and columns, with an explicit (possibly zero) diagonal.
/// `mu` holds this rank's block: the warm start on entry (uniform when empty), μ on return.
/// Raises when neither method reaches the tolerance.
DistributionSolve stationaryDistribution(Mat P, const parallel::StateLayout& layout, std::vector<double>& mu,
                                         const StationarySettings& settings);

}  // namespace mfg::stationary
