// classic/linear_quadratic: discretised linear-quadratic crowd on {-el..el} with Gaussian noise atoms.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

/// Round half to even, independent of the floating-point rounding mode.
double roundHalfEven(double x) {
  const double f = std::floor(x), d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1.0;
  return std::fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

class LinearQuadratic final : public BasicModel {
 public:
  explicit LinearQuadratic(ParameterSet p) : BasicModel("classic/linear_quadratic", std::move(p)) {
    el_ = params_.integer("el");
    m_ = params_.integer("m");
    sigma_ = params_.real("sigma");
    delta_ = params_.real("delta");
    k_ = params_.real("k");
    q_ = params_.real("q");
    kappa_ = params_.real("kappa");
    c_term_ = params_.real("c_term");
    last_ = static_cast<int>(params_.integer("T"));
    steps_ = last_ + 1;
    state_shape_ = {2 * el_ + 1};
    action_shape_ = {2 * m_ + 1};
    double total = 0.0;
    for (int j = -3; j <= 3; ++j) {
      const double e = j * sigma_;
      weights_[j + 3] = std::exp(-e * e / 2.0);
      total += weights_[j + 3];
    }
    for (double& w : weights_) w /= total;
    uniformInitial();
  }

  bool kernelDependsOnMeanField() const override { return true; }

  // stats[0] = m_t = Σ_x x μ_t(x).
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    double m = 0.0;
    for (std::int64_t i = 0; i < 2 * el_ + 1; ++i) m += static_cast<double>(i - el_) * v.mu[i];
    stats.assign(1, m);
  }

  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override {
    denseSupport(2 * el_ + 1, cols);
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const double x = static_cast<double>(s - el_), act = static_cast<double>(a - m_);
    const double drift = x + (k_ * (v.stats[0] - x) + act) * delta_;
    out.clear();
    for (int j = -3; j <= 3; ++j) {
      const double e = j * sigma_;
      const double xn = roundHalfEven(drift + sigma_ * e * std::sqrt(delta_));
      const auto next = clampIndex(static_cast<std::int64_t>(xn), -el_, el_);
      out.push_back({next + el_, weights_[j + 3]});
    }
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double x = static_cast<double>(s - el_), act = static_cast<double>(a - m_);
    const double gap = v.stats[0] - x;
    if (v.t == last_) return -(c_term_ / 2.0) * gap * gap;
    return (-act * act / 2.0 + q_ * act * gap - (kappa_ / 2.0) * gap * gap) * delta_;
  }

 private:
  std::int64_t el_, m_;
  double sigma_, delta_, k_, q_, kappa_, c_term_;
  int last_;
  double weights_[7];
};

}  // namespace

ModelInfo linearQuadratic() {
  return {"classic/linear_quadratic",
          "linear-quadratic mean-reverting crowd on {-el..el}, actions {-m..m}",
          {{"T", ParamKind::Integer, {3}, 0, kMaxHorizon, "last decision step (T+1 steps)"},
           {"el", ParamKind::Integer, {5}, 1, 1e6, "states are {-el..el}"},
           {"m", ParamKind::Integer, {2}, 0, 1e6, "actions are {-m..m}"},
           {"sigma", ParamKind::Real, {3.0}, 0, 1e6, "noise scale"},
           {"delta", ParamKind::Real, {0.1}, 1e-12, 1e6, "time step"},
           {"k", ParamKind::Real, {1.0}, -1e6, 1e6, "mean reversion"},
           {"q", ParamKind::Real, {0.01}, -1e6, 1e6, "cross term weight"},
           {"kappa", ParamKind::Real, {0.5}, -1e6, 1e6, "running cost of the gap to the mean"},
           {"c_term", ParamKind::Real, {1.0}, -1e6, 1e6, "terminal cost of the gap to the mean"}},
          [](ParameterSet p) { return std::make_unique<LinearQuadratic>(std::move(p)); }};
}

}  // namespace mfg::classic
