#include "solver/models/stationary/Aiyagari.hpp"

#include <cmath>

namespace mfg::stationary {

namespace {

/// The households' problem at a fixed interest rate and wage: cash on hand (1 + r) a + w l is
/// split between consumption and the next asset grid point a'.
class AiyagariHousehold final : public StationaryModel {
 public:
  AiyagariHousehold(const AiyagariEconomy& economy, double r)
      : economy_(economy), r_(r), w_(economy.wage(r)) {}

  std::vector<std::int64_t> stateShape() const override { return economy_.stateShape(); }
  std::vector<std::int64_t> actionShape() const override { return economy_.actionShape(); }
  double discount() const override { return economy_.beta(); }

  void transitions(std::int64_t s, std::int64_t a, std::vector<Transition>& out) const override {
    const std::int64_t n_income = economy_.incomes();
    const auto& row = economy_.income().prob[static_cast<std::size_t>(s % n_income)];
    out.clear();
    for (std::int64_t j = 0; j < n_income; ++j)
      if (row[static_cast<std::size_t>(j)] > 0.0) out.push_back({a * n_income + j, row[static_cast<std::size_t>(j)]});
  }

  double reward(std::int64_t s, std::int64_t a) const override {
    return economy_.utility(economy_.consumption(r_, w_, s, a));
  }
  bool feasible(std::int64_t s, std::int64_t a) const override { return economy_.consumption(r_, w_, s, a) > 0.0; }

 private:
  const AiyagariEconomy& economy_;
  double r_, w_;
};

/// The same households with a continuous choice of next assets (lottery between grid points).
class AiyagariSavings final : public SavingsProblem {
 public:
  AiyagariSavings(const AiyagariEconomy& economy, double r) : economy_(economy), r_(r), w_(economy.wage(r)) {}

  const std::vector<double>& holdings() const override { return economy_.assets(); }
  const std::vector<std::vector<double>>& exogenous() const override { return economy_.income().prob; }
  double discount() const override { return economy_.beta(); }
  double resources(std::int64_t s) const override { return economy_.cashOnHand(r_, w_, s); }
  double utility(double c) const override { return economy_.utility(c); }
  double marginalUtility(double c) const override { return economy_.marginalUtility(c); }
  double consumptionForMarginalUtility(double m) const override { return economy_.consumptionForMarginalUtility(m); }

 private:
  const AiyagariEconomy& economy_;
  double r_, w_;
};

}  // namespace

AiyagariEconomy::AiyagariEconomy(ParameterSet params)
    : PriceTakingEconomy(std::move(params)),
      beta_(params_.real("beta")),
      alpha_(params_.real("alpha")),
      delta_(params_.real("delta")),
      crra_(params_.real("crra")),
      lottery_(params_.boolean("lottery")),
      integer_crra_(crra_ == std::floor(crra_) && crra_ <= 10.0) {
  const double rho = params_.real("rho"), sigma = params_.real("sigma");
  // sigma is the unconditional sd of log l, so the innovation's sd is sigma·√(1 − ρ²).
  income_ = tauchen(static_cast<int>(params_.integer("income_points")), rho, sigma * std::sqrt(1.0 - rho * rho), 3.0);
  for (double x : income_.points) endowments_.push_back(std::exp(x));
  for (std::size_t j = 0; j < endowments_.size(); ++j) labour_ += income_.stationary[j] * endowments_[j];
  // Dense near the borrowing limit, where the policy bends: a_i = a_max (i / (n − 1))^curvature.
  const auto n = params_.integer("asset_points");
  const double a_max = params_.real("asset_max"), curvature = params_.real("asset_curvature");
  for (long i = 0; i < n; ++i)
    assets_.push_back(a_max * std::pow(static_cast<double>(i) / static_cast<double>(n - 1), curvature));
}

std::pair<double, double> AiyagariEconomy::priceBracket() const { return {-delta_, 1.0 / beta_ - 1.0}; }

std::unique_ptr<StationaryModel> AiyagariEconomy::household(double r) const {
  return std::make_unique<AiyagariHousehold>(*this, r);
}

std::unique_ptr<SavingsProblem> AiyagariEconomy::savings(double r) const {
  if (!lottery_) return nullptr;
  return std::make_unique<AiyagariSavings>(*this, r);
}

double AiyagariEconomy::cashOnHand(double r, double w, std::int64_t s) const {
  return (1.0 + r) * assets_[static_cast<std::size_t>(s / incomes())] +
         w * endowments_[static_cast<std::size_t>(s % incomes())];
}

double AiyagariEconomy::capitalPerWorker(double r) const {
  return std::pow(alpha_ / (r + delta_), 1.0 / (1.0 - alpha_));
}

double AiyagariEconomy::wage(double r) const { return (1.0 - alpha_) * std::pow(capitalPerWorker(r), alpha_); }

double AiyagariEconomy::priceForSupply(double capital) const {
  return alpha_ * std::pow(capital / labour_, alpha_ - 1.0) - delta_;
}

double AiyagariEconomy::consumption(double r, double w, std::int64_t s, std::int64_t a) const {
  return cashOnHand(r, w, s) - assets_[static_cast<std::size_t>(a)];
}

double AiyagariEconomy::utility(double c) const {
  if (!(c > 0.0)) return kInfeasibleReward;
  if (crra_ == 1.0) return std::log(c);
  return (powCrra(c, 1.0 - crra_) - 1.0) / (1.0 - crra_);
}

double AiyagariEconomy::powCrra(double c, double exponent) const {
  // Integer risk aversions (Aiyagari's 1, 3, 5) by multiplication: the solvers call this for
  // every state at every policy iteration, and std::pow is several times slower.
  if (integer_crra_) {
    const int e = static_cast<int>(exponent);
    double p = 1.0;
    for (int k = 0; k < std::abs(e); ++k) p *= c;
    return e < 0 ? 1.0 / p : p;
  }
  return std::pow(c, exponent);
}

std::vector<NamedValue> AiyagariEconomy::report(double r, double capital) const {
  const double output = std::pow(capital, alpha_) * std::pow(labour_, 1.0 - alpha_);
  // In a stationary state investment replaces depreciation, s = δK/Y, and where the market
  // clears K/Y = α/(r + δ). The rate is reported from r (the firms' side, as Aiyagari does): on
  // a grid the households' supply jumps across the demand, and δK/Y from the supply carries that
  // jump; it is reported too.
  return {{"wage", wage(r)},
          {"capital", capital},
          {"capital_demand", demand(r)},
          {"labour", labour_},
          {"output", output},
          {"savings_rate", alpha_ * delta_ / (r + delta_)},
          {"savings_rate_from_supply", delta_ * capital / output}};
}

std::vector<std::pair<std::string, std::vector<double>>> AiyagariEconomy::grids() const {
  return {{"assets", assets_}, {"endowments", endowments_}, {"income_stationary", income_.stationary}};
}

StationaryModelInfo aiyagari() {
  return {"aiyagari",
          "Aiyagari (1994) incomplete-markets economy: assets x labour endowment (Tauchen chain), next "
          "assets continuous (a lottery over the two neighbouring grid points) or on the asset grid, "
          "interest rate cleared against the firm's capital demand",
          {{"beta", ParamKind::Real, {0.96}, 0.5, 0.995, "discount factor (annual)"},
           {"crra", ParamKind::Real, {3.0}, 0.5, 10.0, "relative risk aversion mu"},
           {"rho", ParamKind::Real, {0.6}, 0.0, 0.95, "autocorrelation of log labour endowment"},
           {"sigma", ParamKind::Real, {0.2}, 0.0, 0.6, "unconditional sd of log labour endowment"},
           {"alpha", ParamKind::Real, {0.36}, 0.1, 0.9, "capital share"},
           {"delta", ParamKind::Real, {0.08}, 0.0, 0.5, "depreciation rate"},
           {"income_points", ParamKind::Integer, {7}, 1, 51, "Tauchen points (width +-3 sd)"},
           {"asset_points", ParamKind::Integer, {1000}, 2, 1e8,
            "asset grid points (with lottery = 0 also the actions)"},
           {"asset_max", ParamKind::Real, {60.0}, 0.1, 1e4, "top of the asset grid (borrowing limit 0)"},
           {"asset_curvature", ParamKind::Real, {2.0}, 1.0, 5.0,
            "grid spacing a_i = asset_max (i/(n-1))^curvature; 1 = uniform"},
           {"lottery", ParamKind::Boolean, {1}, 0, 1,
            "1: next assets any real in [0, cash), a lottery over the two neighbouring grid points; "
            "0: next assets on the grid (actions = grid points)"}},
          [](ParameterSet p) -> std::unique_ptr<PriceTakingEconomy> {
            return std::make_unique<AiyagariEconomy>(std::move(p));
          }};
}

}  // namespace mfg::stationary
