// lq: linear-quadratic crowd on {0..98} with a common shock z ∈ {-1, +1} drawn at t = 0 and held.
#include <cmath>

#include "solver/models/BasicModel.hpp"
#include "solver/models/benchmark/BenchmarkModels.hpp"

namespace mfg::benchmark {
namespace {

constexpr std::int64_t kStates = 99, kActions = 7;

class HeldSign final : public NoiseProcess {
 public:
  explicit HeldSign(bool on) : on_(on) {}
  std::vector<NoiseOutcome> initial() const override {
    if (!on_) return {{{0.0}, 1.0}};
    return {{{-1.0}, 0.5}, {{1.0}, 0.5}};
  }
  std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>& history) const override {
    return {{history.back(), 1.0}};
  }

 private:
  bool on_;
};

class Lq final : public BasicModel {
 public:
  explicit Lq(ParameterSet p) : BasicModel("lq", std::move(p)), noise_(params_.boolean("common_noise")) {
    kappa_ = params_.real("kappa");
    c_a_ = params_.real("c_a");
    q_ = params_.real("q");
    c_term_ = params_.real("c_term");
    sigma_rho_ = params_.real("sigma") * params_.real("rho");
    steps_ = static_cast<int>(params_.integer("T"));
    gamma_ = params_.real("gamma");
    state_shape_ = {kStates};
    action_shape_ = {kActions};
    double total = 0.0;
    for (int k = -3; k <= 3; ++k) total += (weights_[k + 3] = std::exp(-k * k / 2.0));
    for (double& w : weights_) w /= total;
    uniformInitial();
  }

  const NoiseProcess* noise() const override { return &noise_; }
  std::vector<double> actionValues() const override { return {-3, -2, -1, 0, 1, 2, 3}; }  // moves
  bool kernelDependsOnTime() const override { return true; }
  bool kernelDependsOnNoise() const override { return true; }
  bool rewardUsesNext() const override { return true; }

  double shock(int t, double z) const {
    if (t < 8) return -10.0 * z;
    if (t > 20) return 10.0 * z;
    return 0.0;
  }
  std::int64_t drift(std::int64_t s, std::int64_t a, double eps) const {
    const double x = static_cast<double>(s + (a - 3)) + sigma_rho_ * eps;
    return clampIndex(static_cast<std::int64_t>(std::trunc(x)), 0, kStates - 1);
  }

  // stats = (m̄_t, m̄_{t+1}) where known.
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    stats.assign(2, 0.0);
    stats[0] = meanState(v.mu);
    if (!v.mu_next.empty()) stats[1] = meanState(v.mu_next);
  }

  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    for (double eps : {-10.0, 0.0, 10.0})
      for (int k = -3; k <= 3; ++k) cols.push_back(clampIndex(drift(s, a, eps) + k, 0, kStates - 1));
    normaliseSupport(cols);
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const std::int64_t base = drift(s, a, shock(v.t, v.z[0]));
    out.clear();
    for (int k = -3; k <= 3; ++k) out.push_back({clampIndex(base + k, 0, kStates - 1), weights_[k + 3]});
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double gap = v.stats[1] - static_cast<double>(s), act = static_cast<double>(a - 3);
    if (v.t == steps_ - 1) return -(c_term_ / 2.0) * gap * gap;
    return -c_a_ * act * act + q_ * act * gap - (kappa_ / 2.0) * gap * gap;
  }

  std::vector<double> observation(const MeanFieldView& v) const override { return {meanState(v.mu) / 99.0}; }

 private:
  HeldSign noise_;
  double kappa_, c_a_, q_, c_term_, sigma_rho_;
  double weights_[7];
};

}  // namespace

ModelInfo lq() {
  return {"lq",
          "linear-quadratic crowd on {0..98}, actions {-3..3}, common shock z = ±1 held for the episode",
          {{"T", ParamKind::Integer, {30}, 1, 100000, "number of decision steps"},
           {"gamma", ParamKind::Real, {0.99}, 0, 1, "discount factor"},
           {"kappa", ParamKind::Real, {0.5}, -1e6, 1e6, "cost of the gap to the next mean"},
           {"c_a", ParamKind::Real, {0.5}, -1e6, 1e6, "cost of the action"},
           {"q", ParamKind::Real, {0.1}, -1e6, 1e6, "cross term weight"},
           {"c_term", ParamKind::Real, {1.0}, -1e6, 1e6, "terminal cost of the gap"},
           {"sigma", ParamKind::Real, {1.0}, 0, 1e6, "shock scale σ"},
           {"rho", ParamKind::Real, {0.5}, 0, 1e6, "shock scale ρ (the shift is σ ρ ε_t)"},
           {"common_noise", ParamKind::Boolean, {1}, 0, 1, "draw z = ±1 (false: z = 0)"}},
          [](ParameterSet p) { return std::make_unique<Lq>(std::move(p)); }};
}

}  // namespace mfg::benchmark
