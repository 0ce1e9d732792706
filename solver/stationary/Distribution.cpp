#include "solver/stationary/Distribution.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "parallel/Collectives.hpp"
#include "solver/stationary/LocalVectors.hpp"

namespace mfg::stationary {

namespace {

/// Power iteration μ ← Pᵀ μ / Σ from `mu` until ‖Pᵀ μ − μ‖₁ < tolerance; the steps taken, or −1
/// when `limit` steps were not enough.
long powerIteration(Mat P, std::vector<double>& mu, MPI_Comm comm, double tolerance, long limit) {
  PetscVec current = makeVec(comm, mu), next;
  MFG_PETSC_CALL(VecDuplicate(current, next.out()));
  for (long it = 1; it <= limit; ++it) {
    MFG_PETSC_CALL(MatMultTranspose(P, current, next));
    PetscScalar total = 0;
    MFG_PETSC_CALL(VecSum(next, &total));
    MFG_PETSC_CALL(VecScale(next, 1.0 / total));  // rows sum to 1 only within rounding
    MFG_PETSC_CALL(VecAXPY(current, -1.0, next));
    PetscReal change = 0;
    MFG_PETSC_CALL(VecNorm(current, NORM_1, &change));
    std::swap(current, next);
    if (change < tolerance) {
      copyOut(current, mu);
      return it;
    }
  }
  copyOut(current, mu);
  return -1;
}

/// The global index of the largest entry of μ (the lowest index among equals): the anchor.
std::int64_t anchorState(const parallel::StateLayout& layout, const std::vector<double>& mu) {
  double best = -1;
  std::int64_t where = 0;
  for (std::size_t i = 0; i < mu.size(); ++i)
    if (mu[i] > best) {
      best = mu[i];
      where = layout.begin() + static_cast<std::int64_t>(i);
    }
  const double global_best = parallel::max(layout.comm(), best);
  // Lowest index holding the maximum, the same on every rank.
  const double candidate = best == global_best ? static_cast<double>(where) : static_cast<double>(layout.globalStates());
  return static_cast<std::int64_t>(-parallel::max(layout.comm(), -candidate));
}

/// Solves the anchored system; false when KSP does not converge. On success `mu` is the
/// normalised, non-negative solution.
bool krylovSolve(Mat P, const parallel::StateLayout& layout, std::vector<double>& mu,
                 int& iterations) {
  const MPI_Comm comm = layout.comm();
  const std::int64_t anchor = anchorState(layout, mu);
  PetscMat A;  // I − Pᵀ with the anchor's row replaced by the identity's
  MFG_PETSC_CALL(MatTranspose(P, MAT_INITIAL_MATRIX, A.out()));
  MFG_PETSC_CALL(MatScale(A, -1.0));
  MFG_PETSC_CALL(MatShift(A, 1.0));
  const bool mine = anchor >= layout.begin() && anchor < layout.end();
  const auto row = static_cast<PetscInt>(anchor);
  MFG_PETSC_CALL(MatZeroRows(A, mine ? 1 : 0, &row, 1.0, nullptr, nullptr));

  // Warm start scaled so that x_anchor = 1; right-hand side e_anchor.
  const double at_anchor = parallel::sum(comm, mine ? mu[static_cast<std::size_t>(anchor - layout.begin())] : 0.0);
  std::vector<double> scaled(mu.size()), unit(mu.size(), 0.0);
  for (std::size_t i = 0; i < mu.size(); ++i) scaled[i] = mu[i] / at_anchor;
  if (mine) unit[static_cast<std::size_t>(anchor - layout.begin())] = 1.0;
  PetscVec x = makeVec(comm, scaled), b = makeVec(comm, unit);

  PetscKsp ksp;
  MFG_PETSC_CALL(KSPCreate(comm, ksp.out()));
  MFG_PETSC_CALL(KSPSetOptionsPrefix(ksp, "mfg_distribution_"));
  MFG_PETSC_CALL(KSPSetOperators(ksp, A, A));
  MFG_PETSC_CALL(KSPSetType(ksp, KSPGMRES));
  MFG_PETSC_CALL(KSPGMRESSetRestart(ksp, 40));
  MFG_PETSC_CALL(KSPSetTolerances(ksp, 1e-14, 1e-300, PETSC_DEFAULT, 20000));
  MFG_PETSC_CALL(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
  MFG_PETSC_CALL(KSPSetFromOptions(ksp));
  MFG_PETSC_CALL(KSPSolve(ksp, b, x));
  KSPConvergedReason reason;
  MFG_PETSC_CALL(KSPGetConvergedReason(ksp, &reason));
  PetscInt its = 0;
  MFG_PETSC_CALL(KSPGetIterationNumber(ksp, &its));
  iterations = static_cast<int>(its);
  if (reason < 0) return false;

  std::vector<double> solution;
  copyOut(x, solution);
  // Rounding leaves entries of order −1e-17 where the mass is zero: clip them.
  double local = 0;
  for (double& v : solution) {
    v = std::max(v, 0.0);
    local += v;
  }
  const double total = parallel::sum(comm, local);
  if (!(total > 0.0) || !std::isfinite(total)) return false;
  for (double& v : solution) v /= total;
  mu.swap(solution);
  return true;
}

}  // namespace

DistributionSolve stationaryDistribution(Mat P, const parallel::StateLayout& layout, std::vector<double>& mu,
                                         const StationarySettings& settings) {
  const MPI_Comm comm = layout.comm();
  const auto ns = static_cast<std::size_t>(layout.localStates());
  DistributionSolve result;
  if (mu.size() != ns) {
    // From the uniform law, a few steps move the mass off transient states before the anchor
    // is chosen.
    mu.assign(ns, 1.0 / static_cast<double>(layout.globalStates()));
    powerIteration(P, mu, comm, 0.0, 20);
  }
  std::vector<double> krylov = mu;
  if (krylovSolve(P, layout, krylov, result.krylov_iterations)) {
    const long steps = powerIteration(P, krylov, comm, settings.distribution_tolerance, 1000);
    if (steps > 0) {
      result.power_iterations = steps;
      mu.swap(krylov);
      return result;
    }
  }
  // KSP failed or left a residual the polish could not remove quickly: power iteration alone.
  result.krylov_iterations = 0;
  result.power_iterations =
      powerIteration(P, mu, comm, settings.distribution_tolerance, settings.max_distribution_iterations);
  if (result.power_iterations < 0)
    throw std::runtime_error("stationary distribution: power iteration did not converge in " +
                             std::to_string(settings.max_distribution_iterations) + " iterations");
  return result;
}

}  // namespace mfg::stationary
