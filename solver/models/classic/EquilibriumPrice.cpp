// classic/equilibrium_price: producers with inventories; the price falls with total production.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class EquilibriumPrice final : public BasicModel {
 public:
  explicit EquilibriumPrice(ParameterSet p) : BasicModel("classic/equilibrium_price", std::move(p)) {
    s_inv_ = params_.integer("s_inv");
    Q_ = params_.integer("Q");
    H_ = params_.integer("H");
    d_ = params_.real("d");
    e0_ = params_.real("e0");
    sigma_ = params_.real("sigma");
    params_.requireLength("c", 5, "cost coefficients c0..c4");
    c_ = params_.list("c");
    state_shape_ = {s_inv_ + 1};
    action_shape_ = {Q_ + 1, H_ + 1};
    steps_ = static_cast<int>(params_.integer("T")) + 1;
    uniformInitial();
  }

  bool usesStateAction() const override { return true; }

  std::int64_t next(std::int64_t s, std::int64_t a) const {
    const std::int64_t q = a / (H_ + 1), h = a % (H_ + 1);
    return std::min(s - std::min(q, s) + h, s_inv_);
  }

  // stats[0] = price p_t = (d / (Σ L_t(s,a) q(a) + e0))^(1/sigma).
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    const std::int64_t A = (Q_ + 1) * (H_ + 1);
    double supply = 0.0;
    for (std::size_t i = 0; i < v.L.size(); ++i)
      supply += v.L[i] * static_cast<double>((static_cast<std::int64_t>(i) % A) / (H_ + 1));
    stats.assign(1, std::pow(d_ / (supply + e0_), 1.0 / sigma_));
  }

  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.assign(1, next(s, a));
  }
  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.assign(1, {next(s, a), 1.0});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double q = static_cast<double>(a / (H_ + 1)), h = static_cast<double>(a % (H_ + 1));
    const double x = static_cast<double>(s);
    return (v.stats[0] - c_[0]) * q - c_[1] * q * q - c_[2] * h - (c_[2] + c_[3]) * std::max(q - x, 0.0) -
           c_[4] * x;
  }

 private:
  std::int64_t s_inv_, Q_, H_;
  double d_, e0_, sigma_;
  std::vector<double> c_;
};

}  // namespace

ModelInfo equilibriumPrice() {
  return {"classic/equilibrium_price",
          "producers choose output q and restocking h; the market price falls with total output",
          {{"T", ParamKind::Integer, {4}, 0, kMaxHorizon, "last decision step (T+1 steps)"},
           {"s_inv", ParamKind::Integer, {3}, 0, 1e6, "inventory capacity"},
           {"Q", ParamKind::Integer, {2}, 0, 1e4, "largest production"},
           {"H", ParamKind::Integer, {2}, 0, 1e4, "largest replenishment"},
           {"d", ParamKind::Real, {1.0}, 0, 1e9, "demand scale"},
           {"e0", ParamKind::Real, {1.0}, 1e-12, 1e9, "supply offset"},
           {"sigma", ParamKind::Real, {1.0}, 1e-6, 1e6, "price elasticity exponent"},
           {"c", ParamKind::RealList, {1, 1, 1, 1, 1}, -1e9, 1e9, "cost coefficients (c0, c1, c2, c3, c4)"}},
          [](ParameterSet p) { return std::make_unique<EquilibriumPrice>(std::move(p)); }};
}

}  // namespace mfg::classic
