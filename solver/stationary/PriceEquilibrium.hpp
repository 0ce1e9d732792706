#pragma once
// The stationary equilibrium of a PriceTakingEconomy (docs/methods.md §8): root finding on the
// price over the economy's bracket. At each price the households' best response (policy
// iteration) and its stationary distribution give the aggregate supply, which is compared with
// the firms' demand; supply rises and demand falls with the price, so the sign of the gap says
// on which side the equilibrium lies. Bisection runs until prices on both sides are known; then
// Brent's method (inverse quadratic interpolation safeguarded by bisection) closes the bracket,
// which takes a few prices when the supply is continuous in the price (lottery choice) and falls
// back to bisection's pace when it jumps (grid choice).
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/stationary/HouseholdSolver.hpp"

namespace mfg::stationary {

struct EquilibriumSettings {
  double tolerance = 1e-6;  ///< stop when the price bracket is narrower than this
  int max_iterations = 200;
  StationarySettings inner;
};

/// One price tried by the bisection.
struct PriceStep {
  int iteration;
  double price, supply, demand;
  int policy_iterations;
  long distribution_iterations;
  double seconds;  ///< since the solver started (rank 0's clock)
};

struct Equilibrium {
  double price = 0, supply = 0, demand = 0;
  /// This rank's states: next holdings (lottery) or action indices (grid).
  std::vector<double> policy;
  std::string choice;  ///< "lottery" or "grid"
  std::vector<double> value, distribution;
  /// Σ μ^π (V* − V^π) with both values at the price that μ^π implies (priceForSupply); NaN when
  /// that price is not finite or below the bracket (e.g. no supply at all).
  double exploitability = 0;
  double implied_price = 0;
  /// Stationary mass on the states with the largest holding (the top of the asset grid).
  double top_cell_mass = 0;
  /// True when the bisection never left one end of the bracket (no sign change found).
  bool at_bracket_end = false;
  std::vector<PriceStep> history;
};

class PriceEquilibriumSolver {
 public:
  PriceEquilibriumSolver(const PriceTakingEconomy& economy, MPI_Comm comm, EquilibriumSettings settings = {});

  const parallel::StateLayout& layout() const { return layout_; }

  /// Runs the bisection; `progress` is called on every rank after each price.
  Equilibrium solve(const std::function<void(const PriceStep&)>& progress = {}) const;

  /// Supply at one price: best response from `policy`, stationary distribution from `mu` (both
  /// warm starts, both overwritten).
  PriceStep supplyAt(double price, std::vector<double>& policy, std::vector<double>& value,
                     std::vector<double>& mu) const;

  /// Whether the households choose by lottery (the economy poses a SavingsProblem).
  bool lottery() const { return lottery_; }

 private:
  /// InputError when the kernel's rows exceed PetscInt or its estimated memory exceeds what
  /// this rank may use (the same verdict on every rank).
  void checkFits() const;

  const PriceTakingEconomy& economy_;
  parallel::StateLayout layout_;
  EquilibriumSettings settings_;
  bool lottery_;
};

}  // namespace mfg::stationary
