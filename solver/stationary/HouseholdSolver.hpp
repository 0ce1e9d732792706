#pragma once
// One household problem at one price, whatever its choice set (docs/methods.md §8): the
// interface that PriceEquilibriumSolver iterates over prices. Policies are one number per state
// of this rank: an action index (grid choice, StationarySolver) or a next holding (lottery,
// LotterySolver). Values and distributions are this rank's blocks.
#include <memory>
#include <span>
#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/models/StationaryModel.hpp"
#include "solver/stationary/Settings.hpp"

namespace mfg::stationary {

class HouseholdSolver {
 public:
  virtual ~HouseholdSolver() = default;

  /// The optimal policy and its value V*, improving from `policy` (a warm start; any entry that
  /// is not a valid choice, or an empty vector, starts at the borrowing limit / action 0).
  /// Returns the number of policy evaluations.
  virtual int bestResponse(std::vector<double>& policy, std::vector<double>& value) const = 0;
  /// V^π; `value` is the initial guess when it has this rank's size.
  virtual void evaluate(std::span<const double> policy, std::vector<double>& value) const = 0;
  /// μ = P_πᵀ μ from the warm start `mu` (uniform when empty); the work done, in products with P_π.
  virtual long stationaryDistribution(std::span<const double> policy, std::vector<double>& mu) const = 0;
  /// How the choice is posed, for the results' `method` attribute.
  virtual const char* choiceName() const = 0;
};

/// The solver for the economy's households at `price`: the lottery form when the economy poses
/// one (PriceTakingEconomy::savings), the grid form otherwise.
std::unique_ptr<HouseholdSolver> makeHouseholdSolver(const PriceTakingEconomy& economy, double price,
                                                     const parallel::StateLayout& layout,
                                                     const StationarySettings& settings);

}  // namespace mfg::stationary
