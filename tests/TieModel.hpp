#pragma once
// A model whose best responses have exact ties, to check the README's promise that ties go to the
// lowest action (within a relative 1e-12). Five states, three actions, two steps, γ = 0.9, μ_0
// uniform; every action keeps the state, and the reward depends on (s, a) only, so Q*_t(s, a) =
// r(s, a) + γ max_a' r(s, a') (t = 0) or r(s, a) (t = 1): the ties of r are ties of Q*.
//   state 0: r = (1, 1, 1)             all tie          -> action 0
//   state 1: r = (0, 1, 1)             1 and 2 tie      -> action 1
//   state 2: r = (0, 0.5, 1)           no tie           -> action 2
//   state 3: r = (1, 0, 1)             0 and 2 tie      -> action 0
//   state 4: r = (0.3, 1, 1 + 1e-14)   2 above 1 by far less than 1e-12 relative -> action 1
#include "solver/models/Model.hpp"

namespace mfg::testing {

class TieModel final : public Model {
 public:
  static constexpr double kRewards[5][3] = {{1, 1, 1}, {0, 1, 1}, {0, 0.5, 1}, {1, 0, 1}, {0.3, 1, 1 + 1e-14}};
  static constexpr std::int64_t kLowestBest[5] = {0, 1, 2, 0, 1};

  TieModel() : Model(ParameterSet()) {}
  std::string name() const override { return "test/ties"; }
  std::vector<std::int64_t> stateShape() const override { return {5}; }
  std::vector<std::int64_t> actionShape() const override { return {3}; }
  int numSteps() const override { return 2; }
  double discount() const override { return 0.9; }
  std::vector<double> initialDistribution() const override { return std::vector<double>(5, 0.2); }
  void support(std::int64_t s, std::int64_t, std::vector<std::int64_t>& cols) const override { cols = {s}; }
  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t, std::vector<Transition>& out) const override {
    out = {{s, 1.0}};
  }
  double reward(const MeanFieldView&, std::int64_t s, std::int64_t a) const override { return kRewards[s][a]; }
};

}  // namespace mfg::testing
