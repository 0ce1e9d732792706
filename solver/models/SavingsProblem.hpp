#pragma once
// A household problem whose choice is a continuous next holding (docs/methods.md §8, "lottery"):
// states (x_i, e_j) with flat index i·|E| + j, x on an ascending grid starting at the borrowing
// limit, e an exogenous Markov chain that the choice does not affect. In state s the household
// splits its resources between consumption and a next holding x' ∈ [x_0, min(x_max, resources)),
// any real number, not only a grid point. A holding between two grid points x_k ≤ x' ≤ x_{k+1}
// is a lottery: the household lands on x_k with probability (x_{k+1} − x')/(x_{k+1} − x_k) and on
// x_{k+1} otherwise, so both its expected holding and its expected continuation value are linear
// in x' on each cell. This is the Markov decision problem that the solver of
// solver/stationary/LotterySolver solves exactly; it is still a finite-state MFG, with a
// continuum of actions. Pure C++, like every model: no MPI, no PETSc.
#include <cstdint>
#include <vector>

namespace mfg {

class SavingsProblem {
 public:
  virtual ~SavingsProblem() = default;

  /// x_0 < x_1 < ... (x_0 is the borrowing limit); at least two points.
  virtual const std::vector<double>& holdings() const = 0;
  /// Π[j][j'] = P(e' = e_j' | e = e_j), rows summing to 1.
  virtual const std::vector<std::vector<double>>& exogenous() const = 0;
  virtual double discount() const = 0;  ///< γ < 1
  /// Resources of state s (cash on hand); consumption is resources − x'. Must exceed x_0, so
  /// that choosing the borrowing limit leaves positive consumption, and rise with the holding
  /// index for a fixed exogenous state.
  virtual double resources(std::int64_t s) const = 0;
  /// u(c) for c > 0: increasing, strictly concave, u'(c) → ∞ as c → 0.
  virtual double utility(double c) const = 0;
  /// u'(c) for c > 0.
  virtual double marginalUtility(double c) const = 0;
  /// The c > 0 with u'(c) = m, for m > 0.
  virtual double consumptionForMarginalUtility(double m) const = 0;

  std::int64_t numStates() const {
    return static_cast<std::int64_t>(holdings().size()) * static_cast<std::int64_t>(exogenous().size());
  }
};

}  // namespace mfg
