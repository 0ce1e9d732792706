#include "solver/stationary/HouseholdSolver.hpp"

#include <cmath>

#include "solver/stationary/LotterySolver.hpp"
#include "solver/stationary/StationarySolver.hpp"

namespace mfg::stationary {

namespace {

/// The grid form: a StationarySolver over the household's finite action set, with policies
/// carried as doubles (action indices are exact in a double).
class GridHouseholdSolver final : public HouseholdSolver {
 public:
  GridHouseholdSolver(std::unique_ptr<StationaryModel> model, const parallel::StateLayout& layout,
                      const StationarySettings& settings)
      : model_(std::move(model)), solver_(*model_, layout, settings) {}

  int bestResponse(std::vector<double>& policy, std::vector<double>& value) const override {
    std::vector<std::int64_t> actions = toActions(policy);
    const int its = solver_.bestResponse(actions, value);
    policy.assign(actions.begin(), actions.end());
    return its;
  }
  void evaluate(std::span<const double> policy, std::vector<double>& value) const override {
    solver_.evaluate(toActions(policy), value);
  }
  long stationaryDistribution(std::span<const double> policy, std::vector<double>& mu) const override {
    return solver_.stationaryDistribution(toActions(policy), mu);
  }
  const char* choiceName() const override { return "grid"; }

 private:
  /// Out-of-range or fractional entries become −1, which bestResponse resets to action 0.
  static std::vector<std::int64_t> toActions(std::span<const double> policy) {
    std::vector<std::int64_t> a(policy.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = policy[i] >= 0 && std::floor(policy[i]) == policy[i] && policy[i] < 9e15 ? static_cast<std::int64_t>(policy[i])
                                                                                     : -1;
    return a;
  }

  std::unique_ptr<StationaryModel> model_;
  StationarySolver solver_;
};

/// The lottery form, owning its SavingsProblem.
class OwningLotterySolver final : public HouseholdSolver {
 public:
  OwningLotterySolver(std::unique_ptr<SavingsProblem> problem, const parallel::StateLayout& layout,
                      const StationarySettings& settings)
      : problem_(std::move(problem)), solver_(*problem_, layout, settings) {}

  int bestResponse(std::vector<double>& policy, std::vector<double>& value) const override {
    return solver_.bestResponse(policy, value);
  }
  void evaluate(std::span<const double> policy, std::vector<double>& value) const override {
    solver_.evaluate(policy, value);
  }
  long stationaryDistribution(std::span<const double> policy, std::vector<double>& mu) const override {
    return solver_.stationaryDistribution(policy, mu);
  }
  const char* choiceName() const override { return solver_.choiceName(); }

 private:
  std::unique_ptr<SavingsProblem> problem_;
  LotterySolver solver_;
};

}  // namespace

std::unique_ptr<HouseholdSolver> makeHouseholdSolver(const PriceTakingEconomy& economy, double price,
                                                     const parallel::StateLayout& layout,
                                                     const StationarySettings& settings) {
  if (auto savings = economy.savings(price))
    return std::make_unique<OwningLotterySolver>(std::move(savings), layout, settings);
  return std::make_unique<GridHouseholdSolver>(economy.household(price), layout, settings);
}

}  // namespace mfg::stationary
