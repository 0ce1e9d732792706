#pragma once
// `lq` written again from docs/models.md §1.1, with the common shock held at a given
// z and no noise process, so that DenseReference can evaluate one root of lq's scenario tree on
// its own. Shares no code with solver/models/benchmark/Lq.cpp: a per-root value of the engine that
// agrees with this one checks lq's kernel and reward against the spec at that z.
#include <algorithm>
#include <cmath>

#include "solver/models/Model.hpp"

namespace mfg::testing {

class LqFromSpec final : public Model {
 public:
  static constexpr std::int64_t kStates = 99, kActions = 7;

  LqFromSpec(double z, int T) : Model(ParameterSet()), z_(z), T_(T) {}
  std::string name() const override { return "lq from the spec, z = " + std::to_string(z_); }
  std::vector<std::int64_t> stateShape() const override { return {kStates}; }
  std::vector<std::int64_t> actionShape() const override { return {kActions}; }
  int numSteps() const override { return T_; }
  double discount() const override { return 0.99; }
  std::vector<double> initialDistribution() const override { return std::vector<double>(kStates, 1.0 / kStates); }
  bool kernelDependsOnTime() const override { return true; }
  bool rewardUsesNext() const override { return true; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override { denseSupport(kStates, cols); }

  /// ε_t = −10 z for t < 8, +10 z for t > 20, 0 otherwise.
  static double shock(int t, double z) { return t < 8 ? -10.0 * z : (t > 20 ? 10.0 * z : 0.0); }
  /// s̃ = clip(trunc(s + a + σ ρ ε_t), 0, 98) with σ ρ = 1.0 · 0.5 and a = index − 3.
  static std::int64_t deterministicStep(std::int64_t s, std::int64_t action_index, int t, double z) {
    const double x = static_cast<double>(s) + static_cast<double>(action_index - 3) + 0.5 * shock(t, z);
    return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::trunc(x)), 0, kStates - 1);
  }
  /// p_k ∝ exp(−k²/2), k = −3..3.
  static double noiseProbability(int k) {
    double total = 0.0;
    for (int j = -3; j <= 3; ++j) total += std::exp(-j * j / 2.0);
    return std::exp(-k * k / 2.0) / total;
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const std::int64_t base = deterministicStep(s, a, v.t, z_);
    out.clear();
    for (int k = -3; k <= 3; ++k) out.push_back({std::clamp<std::int64_t>(base + k, 0, kStates - 1), noiseProbability(k)});
  }

  /// r = −c_a a² + q a (m̄_{t+1} − s) − (κ/2)(m̄_{t+1} − s)², κ = 0.5, c_a = 0.5, q = 0.1; at the
  /// last step −(c_term/2)(m̄_T − s)², c_term = 1.
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    double mean_next = 0.0;
    for (std::size_t x = 0; x < v.mu_next.size(); ++x) mean_next += static_cast<double>(x) * v.mu_next[x];
    const double gap = mean_next - static_cast<double>(s), act = static_cast<double>(a - 3);
    if (v.t == T_ - 1) return -0.5 * gap * gap;
    return -0.5 * act * act + 0.1 * act * gap - 0.25 * gap * gap;
  }

 private:
  double z_;
  int T_;
};

}  // namespace mfg::testing
