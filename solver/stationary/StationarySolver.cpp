#include "solver/stationary/StationarySolver.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "parallel/Collectives.hpp"
#include "solver/stationary/Distribution.hpp"
#include "solver/stationary/LocalVectors.hpp"
#include "solver/stationary/PolicyEvaluation.hpp"

namespace mfg::stationary {


double globalDot(MPI_Comm comm, std::span<const double> x, std::span<const double> y) {
  double local = 0;
  for (std::size_t i = 0; i < x.size(); ++i) local += x[i] * y[i];
  return parallel::sum(comm, local);
}

StationarySolver::StationarySolver(const StationaryModel& model, const parallel::StateLayout& layout,
                                   StationarySettings settings)
    : layout_(layout), settings_(settings), gamma_(model.discount()), kernel_(model, layout) {
  if (!(gamma_ >= 0.0 && gamma_ < 1.0))
    throw std::logic_error("stationary model: discount " + std::to_string(gamma_) + " is not in [0, 1)");
}

void StationarySolver::evaluate(std::span<const std::int64_t> policy, std::vector<double>& value) const {
  PetscMat A = kernel_.policyKernel(policy);
  // I − γ P_π, in place.
  MFG_PETSC_CALL(MatScale(A, -gamma_));
  MFG_PETSC_CALL(MatShift(A, 1.0));
  solvePolicyEvaluation(A, kernel_.policyRewards(policy), value, settings_.evaluation_rtol);
}

std::vector<std::int64_t> StationarySolver::greedy(std::span<const double> value) const {
  const std::int64_t A = layout_.actions(), ns = layout_.localStates();
  PetscVec v = makeVec(layout_.comm(), value);
  PetscVec q;
  MFG_PETSC_CALL(VecDuplicate(kernel_.rewards(), q.out()));
  MFG_PETSC_CALL(MatMult(kernel_.matrix(), v, q));                 // Σ P(s'|s,a) V(s')
  MFG_PETSC_CALL(VecAYPX(q, gamma_, kernel_.rewards()));           // R + γ P V
  const PetscScalar* Q = nullptr;
  MFG_PETSC_CALL(VecGetArrayRead(q, &Q));
  const auto& feasible = kernel_.feasible();
  std::vector<std::int64_t> policy(static_cast<std::size_t>(ns), 0);
  for (std::int64_t i = 0; i < ns; ++i) {
    const PetscScalar* row = Q + i * A;
    const char* ok = feasible.data() + i * A;
    double best = row[0];  // action 0 is always feasible
    for (std::int64_t a = 1; a < A; ++a)
      if (ok[a]) best = std::max(best, row[a]);
    const double slack = 1e-12 * std::max(1.0, std::abs(best));
    std::int64_t choice = 0;
    while (!(ok[choice] && row[choice] >= best - slack)) ++choice;
    policy[static_cast<std::size_t>(i)] = choice;
  }
  MFG_PETSC_CALL(VecRestoreArrayRead(q, &Q));
  return policy;
}

int StationarySolver::bestResponse(std::vector<std::int64_t>& policy, std::vector<double>& value) const {
  const std::int64_t A = layout_.actions(), ns = layout_.localStates();
  policy.resize(static_cast<std::size_t>(ns), 0);
  const auto& feasible = kernel_.feasible();
  for (std::int64_t i = 0; i < ns; ++i) {
    auto& a = policy[static_cast<std::size_t>(i)];
    if (a < 0 || a >= A || !feasible[static_cast<std::size_t>(i * A + a)]) a = 0;
  }
  for (int it = 1; it <= settings_.max_policy_iterations; ++it) {
    evaluate(policy, value);
    std::vector<std::int64_t> next = greedy(value);
    const double changed = next == policy ? 0.0 : 1.0;
    policy.swap(next);
    if (parallel::max(layout_.comm(), changed) == 0.0) return it;
  }
  throw std::runtime_error("policy iteration did not settle in " + std::to_string(settings_.max_policy_iterations) +
                           " iterations");
}

long StationarySolver::stationaryDistribution(std::span<const std::int64_t> policy, std::vector<double>& mu) const {
  const PetscMat P = kernel_.policyKernel(policy);
  return mfg::stationary::stationaryDistribution(P, layout_, mu, settings_).iterations();
}

}  // namespace mfg::stationary
