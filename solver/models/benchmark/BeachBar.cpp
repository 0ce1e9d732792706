// beach_bar: agents on {0..100} around a bar at b ~ U{25..75} that may close at t = 15.
// z = (b, open): b is drawn at reset and held; open = 1 until it closes with probability 1/2 at 15.
#include <cmath>

#include "solver/models/BasicModel.hpp"
#include "solver/models/benchmark/BenchmarkModels.hpp"

namespace mfg::benchmark {
namespace {

constexpr std::int64_t kStates = 101, kActions = 11, kBarLow = 25, kBarHigh = 75, kCloseStep = 15;
constexpr double kNoise[5] = {0.05, 0.1, 0.7, 0.1, 0.05};

class BarNoise final : public NoiseProcess {
 public:
  std::vector<NoiseOutcome> initial() const override {
    std::vector<NoiseOutcome> out;
    for (std::int64_t b = kBarLow; b <= kBarHigh; ++b)
      out.push_back({{static_cast<double>(b), 1.0}, 1.0 / static_cast<double>(kBarHigh - kBarLow + 1)});
    return out;
  }
  std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>& history) const override {
    const auto& z = history.back();
    const auto t_next = static_cast<std::int64_t>(history.size());  // the step of z_{t+1}
    if (t_next == kCloseStep && z[1] == 1.0) return {{{z[0], 0.0}, 0.5}, {{z[0], 1.0}, 0.5}};
    return {{z, 1.0}};
  }
};

class BeachBarBenchmark final : public BasicModel {
 public:
  explicit BeachBarBenchmark(ParameterSet p) : BasicModel("beach_bar", std::move(p)) {
    steps_ = static_cast<int>(params_.integer("T"));
    gamma_ = params_.real("gamma");
    crowd_ = params_.real("crowd");
    state_shape_ = {kStates};
    action_shape_ = {kActions};
    uniformInitial();
  }

  const NoiseProcess* noise() const override { return &noise_; }
  std::vector<double> actionValues() const override {  // moves -5..5
    std::vector<double> v;
    for (std::int64_t a = 0; a < kActions; ++a) v.push_back(static_cast<double>(a - 5));
    return v;
  }
  bool kernelDependsOnNoise() const override { return true; }

  std::vector<double> initialDistribution(const std::vector<double>& z0) const override {
    std::vector<double> mu(kStates, 1.0 / static_cast<double>(kStates - 1));
    mu[static_cast<std::size_t>(z0.at(0))] = 0.0;
    return mu;
  }

  static std::int64_t project(std::int64_t b, std::int64_t s, std::int64_t x) {
    if (s < b && b <= x) return b - 1;
    if (s > b && b >= x) return b + 1;
    return x;
  }
  static std::int64_t step(std::int64_t b, std::int64_t s, std::int64_t a, int k) {
    const std::int64_t tilde = project(b, s, clampIndex(s + (a - 5), 0, kStates - 1));
    return project(b, s, clampIndex(tilde + k, 0, kStates - 1));
  }

  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    // The successors under every bar position, marked on the 101 states rather than listed and
    // sorted (255 candidates a row; an engine builds the pattern of every row).
    bool reached[kStates] = {};
    for (std::int64_t b = kBarLow; b <= kBarHigh; ++b)
      for (int k = -2; k <= 2; ++k) reached[step(b, s, a, k)] = true;
    cols.clear();
    for (std::int64_t next = 0; next < kStates; ++next)
      if (reached[next]) cols.push_back(next);
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const auto b = static_cast<std::int64_t>(v.z[0]);
    out.clear();
    for (int k = -2; k <= 2; ++k) out.push_back({step(b, s, a, k), kNoise[k + 2]});
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const auto b = static_cast<std::int64_t>(v.z[0]);
    const double open = v.z[1], dist = static_cast<double>(std::abs(b - s));
    double r = -dist * open - std::abs(static_cast<double>(a - 5)) / 101.0;
    if (dist == 1.0 && v.z_next[1] == 0.0) r -= 101.0;
    if (crowd_ > 0.0 && open == 1.0) r -= crowd_ * std::log(v.mu[s] + 1e-8);
    return r;
  }

  std::vector<double> observation(const MeanFieldView& v) const override {
    return {1.0 - meanState(v.mu) / 101.0, v.z[1], 1.0 - v.z[0] / 101.0};
  }

 private:
  BarNoise noise_;
  double crowd_;
};

}  // namespace

ModelInfo beachBar() {
  return {"beach_bar",
          "agents on {0..100}, actions {-5..5}; a bar at b ~ U{25..75} closes at t = 15 with probability 1/2",
          {{"T", ParamKind::Integer, {30}, 1, 100000, "number of decision steps"},
           {"gamma", ParamKind::Real, {0.99}, 0, 1, "discount factor"},
           {"crowd", ParamKind::Real, {0.0}, 0, 1e6, "crowd aversion c: adds -c log(μ_t(s) + 1e-8) while open"}},
          [](ParameterSet p) { return std::make_unique<BeachBarBenchmark>(std::move(p)); }};
}

}  // namespace mfg::benchmark
