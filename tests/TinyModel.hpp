#pragma once
// A two-state, two-action, two-step model small enough to solve by hand (see test_mpi_sweeps).
//   μ_0 = (0.75, 0.25), γ = 0.9.
//   a = 0 stays; a = 1 moves to the other state with probability p, stays with 1 - p, where
//   p = 0.8 (uncoupled) or p = 0.5 + 0.5 μ_t(1) (coupled: the kernel reads the mean field).
//   r(s, a; μ_t) = -μ_t(s) - 0.1 a + 1{s = 1}.
#include "solver/models/Model.hpp"

namespace mfg::testing {

class TinyModel final : public Model {
 public:
  explicit TinyModel(bool coupled = false) : Model(ParameterSet()), coupled_(coupled) {}
  std::string name() const override { return coupled_ ? "tiny/coupled" : "tiny"; }
  std::vector<std::int64_t> stateShape() const override { return {2}; }
  std::vector<std::int64_t> actionShape() const override { return {2}; }
  int numSteps() const override { return 2; }
  double discount() const override { return 0.9; }
  std::vector<double> initialDistribution() const override { return {0.75, 0.25}; }
  bool kernelDependsOnMeanField() const override { return coupled_; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override { cols = {0, 1}; }
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const double p = coupled_ ? 0.5 + 0.5 * v.mu[1] : 0.8;
    if (a == 0) out = {{s, 1.0}};
    else out = {{1 - s, p}, {s, 1.0 - p}};
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    return -v.mu[s] - 0.1 * static_cast<double>(a) + (s == 1 ? 1.0 : 0.0);
  }

 private:
  bool coupled_;
};

}  // namespace mfg::testing
