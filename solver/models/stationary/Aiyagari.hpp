#pragma once
// aiyagari: the stationary incomplete-markets economy of Aiyagari (1994), docs/models.md §5.
// States (asset a_i, labour endowment l_j), flat index i·|l| + j. The next assets are any real
// a' ∈ [0, cash on hand), a lottery over the two neighbouring grid points (a SavingsProblem,
// `lottery = 1`, the default), or a grid point (a StationaryModel with the asset grid as the
// actions, `lottery = 0`). The firm's first-order conditions give the wage and the capital demand.
#include <cmath>
#include <memory>

#include "solver/models/StationaryModel.hpp"
#include "solver/models/stationary/Tauchen.hpp"

namespace mfg::stationary {

/// Reward of an infeasible choice (consumption ≤ 0). Best responses exclude such choices
/// (StationaryModel::feasible); the reward is finite only so that a given policy that makes one
/// (e.g. an equilibrium policy under slightly different prices) can still be evaluated.
inline constexpr double kInfeasibleReward = -1e20;

class AiyagariEconomy final : public PriceTakingEconomy {
 public:
  explicit AiyagariEconomy(ParameterSet params);

  std::string name() const override { return "aiyagari"; }
  std::string priceName() const override { return "interest_rate"; }
  std::pair<double, double> priceBracket() const override;
  std::unique_ptr<StationaryModel> household(double r) const override;
  std::unique_ptr<SavingsProblem> savings(double r) const override;
  double holding(std::int64_t s) const override { return assets_[static_cast<std::size_t>(s / incomes())]; }
  double demand(double r) const override { return capitalPerWorker(r) * labour_; }
  double priceForSupply(double capital) const override;
  std::vector<NamedValue> report(double r, double capital) const override;
  std::vector<std::pair<std::string, std::vector<double>>> grids() const override;
  std::vector<std::int64_t> stateShape() const override {
    return {static_cast<std::int64_t>(assets_.size()), incomes()};
  }
  std::vector<std::int64_t> actionShape() const override { return {static_cast<std::int64_t>(assets_.size())}; }

  double capitalPerWorker(double r) const;  ///< k(r) = (α / (r + δ))^{1/(1−α)}
  double wage(double r) const;              ///< w(r) = (1 − α) k(r)^α
  double utility(double c) const;           ///< CRRA; kInfeasibleReward for c ≤ 0
  double marginalUtility(double c) const { return powCrra(c, -crra_); }
  double consumptionForMarginalUtility(double m) const { return std::pow(m, -1.0 / crra_); }
  /// (1 + r) a + w l in state s = (a, l)
  double cashOnHand(double r, double w, std::int64_t s) const;
  /// (1 + r) a + w l − a' in state s = (a, l) choosing a' = assets()[action]
  double consumption(double r, double w, std::int64_t s, std::int64_t action) const;
  const std::vector<double>& assets() const { return assets_; }
  const std::vector<double>& endowments() const { return endowments_; }
  const MarkovChain& income() const { return income_; }
  double labour() const { return labour_; }  ///< L = Σ π_j l_j
  std::int64_t incomes() const { return static_cast<std::int64_t>(endowments_.size()); }
  double beta() const { return beta_; }

 private:
  double beta_, alpha_, delta_, crra_;
  bool lottery_;
  bool integer_crra_;  ///< crra ∈ {1, ..., 10}: powers by multiplication
  double powCrra(double c, double exponent) const;  ///< c^exponent, exponent ∈ {−crra, 1 − crra}
  MarkovChain income_;
  std::vector<double> endowments_, assets_;
  double labour_ = 0;
};

/// Registration (name, description, parameters, factory) for the stationary registry.
StationaryModelInfo aiyagari();

}  // namespace mfg::stationary
