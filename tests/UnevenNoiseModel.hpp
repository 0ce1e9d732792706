#pragma once
// A three-state, two-action, two-step model with finite common noise whose initial law is uneven,
// so that a certificate that weights its units (roots, leaves) by an equal share instead of by
// their probability gives a different number (see test_mpi_certify).
//   z ∈ {0 (calm), 1 (storm)}: P(z_0 = 0) = 0.8, P(z_0 = 1) = 0.2; then z_{t+1} = z_t with
//   probability 0.7 and flips with 0.3 (so the tree branches at every level: 2·2·2 = 8 leaves).
//   μ_0 = (0.5, 0.3, 0.2) at both roots, γ = 0.9.
//   a = 0 stays; a = 1 moves to min(s + 1, 2) with probability p(z_t), stays with 1 − p(z_t),
//   p(calm) = 0.9, p(storm) = 0.4.
//   r(s, a; μ_t, z_t) = 0.5 s (calm) or 1.5 (2 − s) (storm), − μ_t(s) − 0.1 a: the storm rewards
//   the other end of the line, so the exploitability differs per root.
#include "solver/models/Model.hpp"

namespace mfg::testing {

class UnevenNoise final : public NoiseProcess {
 public:
  static constexpr double kInitialCalm = 0.8, kStay = 0.7;
  std::vector<NoiseOutcome> initial() const override { return {{{0.0}, kInitialCalm}, {{1.0}, 1.0 - kInitialCalm}}; }
  std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>& history) const override {
    const double z = history.back()[0];
    return {{{z}, kStay}, {{1.0 - z}, 1.0 - kStay}};
  }
};

class UnevenNoiseModel final : public Model {
 public:
  UnevenNoiseModel() : Model(ParameterSet()) {}
  std::string name() const override { return "test/uneven_noise"; }
  std::vector<std::int64_t> stateShape() const override { return {3}; }
  std::vector<std::int64_t> actionShape() const override { return {2}; }
  int numSteps() const override { return 2; }
  double discount() const override { return 0.9; }
  std::vector<double> initialDistribution() const override { return {0.5, 0.3, 0.2}; }
  const NoiseProcess* noise() const override { return &noise_; }
  bool kernelDependsOnNoise() const override { return true; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override { cols = {0, 1, 2}; }

  static bool calm(double z) { return z == 0.0; }
  static double moveProbability(double z) { return calm(z) ? 0.9 : 0.4; }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const double p = moveProbability(v.z[0]);
    if (a == 0) out = {{s, 1.0}};
    else out = {{std::min<std::int64_t>(s + 1, 2), p}, {s, 1.0 - p}};
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double place = calm(v.z[0]) ? 0.5 * static_cast<double>(s) : 1.5 * static_cast<double>(2 - s);
    return place - v.mu[s] - 0.1 * static_cast<double>(a);
  }

 private:
  UnevenNoise noise_;
};

}  // namespace mfg::testing
