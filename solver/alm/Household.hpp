#pragma once
// The household problem of Krusell & Smith (1998) given a perceived law of motion of aggregate
// capital (docs/methods.md §10.2): state (k on the model's capital grid, ε, z, K on a grid of
// aggregate capital), continuous choice of next capital k' ≥ 0, log utility, solved by the
// endogenous grid method (Carroll 2006) iterated on the Euler equation. Pure arithmetic: every rank
// that needs the policy solves this small problem itself and gets the same numbers.
#include <array>
#include <vector>

#include "solver/alm/Economy.hpp"

namespace mfg::alm {

/// log K' = a_z + b_z log K, z = 0 bad, 1 good.
struct PerceivedLaw {
  std::array<double, 2> intercept{0.0, 0.0}, slope{1.0, 1.0};
  double next(int zi, double K) const;
};

/// k'(k_i, ε, z, K): stored on the capital grid × {u, e} × {bad, good} × the aggregate grid, and
/// linearly interpolated in K between aggregate grid points (linearly extrapolated beyond them).
/// Consumption is whatever the budget leaves, c = (1 + r − δ) k + w ℓ̃ ε − k' at the actual prices.
class HouseholdPolicy {
 public:
  HouseholdPolicy() = default;
  HouseholdPolicy(std::vector<double> capital, std::vector<double> aggregate);

  const std::vector<double>& capital() const { return capital_; }
  const std::vector<double>& aggregate() const { return aggregate_; }
  std::size_t index(int zi, std::size_t j, std::size_t i, int eps) const {
    return ((static_cast<std::size_t>(zi) * aggregate_.size() + j) * capital_.size() + i) * 2 +
           static_cast<std::size_t>(eps);
  }
  /// k' at the grid points, [z][K_j][k_i][ε] row-major.
  std::vector<double>& values() { return next_; }
  const std::vector<double>& values() const { return next_; }

  /// The bracket of K on the aggregate grid: the lower index j and the weight of j + 1 (outside
  /// the grid the end interval, with a weight below 0 or above 1: linear extrapolation).
  std::pair<std::size_t, double> bracket(double K) const;
  /// k'(k_i, ε, z, K) with a bracket from bracket(K).
  double next(int zi, const std::pair<std::size_t, double>& b, std::size_t i, int eps) const {
    const double lo = next_[index(zi, b.first, i, eps)], hi = next_[index(zi, b.first + 1, i, eps)];
    return lo + b.second * (hi - lo);
  }
  double next(int zi, double K, std::size_t i, int eps) const { return next(zi, bracket(K), i, eps); }

 private:
  std::vector<double> capital_, aggregate_, next_;
};

/// The aggregate capital grid: `points` values equally spaced in log K over [K̄/(1+span), K̄(1+span)],
/// K̄ the steady state at the mean unemployment rate of the two regimes.
std::vector<double> aggregateGrid(const Economy& economy, int points, double span);

struct HouseholdSolution {
  HouseholdPolicy policy;
  int iterations = 0;
  double change = 0.0;  ///< sup-norm of the last change of k'
  bool converged = false;
};

struct HouseholdOptions {
  double tolerance = 1e-8;  ///< on the sup-norm of the change of k' between two Euler iterations
  int max_iterations = 20000;
};

/// Iterates the endogenous grid method from `start` (empty: k' = min(k, 0.9 x)) until k' moves by
/// less than the tolerance.
HouseholdSolution solveHousehold(const Economy& economy, const PerceivedLaw& law, const std::vector<double>& aggregate,
                                 const HouseholdPolicy* start = nullptr, const HouseholdOptions& options = {});

/// One Euler-equation (EGM) update of a policy: what solveHousehold iterates. Exposed for tests.
HouseholdPolicy eulerUpdate(const Economy& economy, const PerceivedLaw& law, const HouseholdPolicy& current);

}  // namespace mfg::alm
