#pragma once
// InSPO, in-sample sequential policy optimisation (docs/methods.md §7), tabular: exact expectations
// over the dataset's empirical game.
//
// Setup: the behaviour policy μ_b by behaviour cloning (EmpiricalGame) and the in-sample values
// Q, V (InSampleValues). Each iteration draws a random permutation of the players and updates them
// in turn; player i_m sees the teammates already updated at their new policies and the others at
// their current ones, and takes
//     π_new(a | s) ∝ μ_b(a | s)^{α/(α+β)} exp(Q^{i_m}(s, a) / (α + β))   on the data's actions only,
//     Q^{i_m}(s, a) = E_{a^{-i} ~ teammates}[ Q̂(s, a, a^{-i}) ],
// where Q̂ is the in-sample Q on joint actions the data shows at s, and on the others the lowest
// in-sample Q at s minus a pessimism margin (the largest |reward| times 1/(1 − γ)): a joint action
// the data never shows is valued below anything it does show, so coordinated in-sample play wins.
// The simultaneous ablation updates every player against the others' current policies.
//
// The starting policies are μ_b with seeded random logit noise (`init_noise`), the tabular stand-in
// for a network's random initialisation: a dataset that shows two optimal joint actions equally
// (XOR's {AB, BA}) is symmetric, and something must pick one.
#include <cstdint>
#include <functional>
#include <vector>

#include "solver/marl/EmpiricalGame.hpp"
#include "solver/marl/InSampleValues.hpp"
#include "solver/marl/TabularPolicy.hpp"

namespace mfg::marl {

struct InspoSettings {
  double alpha = 0.001;   ///< weight of the reverse KL to the behaviour policy, > 0
  double beta = 0.0001;   ///< entropy weight, >= 0 (0: the β = 0 ablation)
  double gamma = 0.99;    ///< discount of the values
  int iterations = 50;
  bool sequential = true; ///< false: the simultaneous ablation
  std::uint64_t seed = 0;
  double init_noise = 0.01;  ///< standard deviation of the starting logit noise
};

class Inspo {
 public:
  Inspo(const EmpiricalGame& game, const InspoSettings& settings);
  /// One iteration; returns the largest change of any probability.
  double iterate();
  const TabularPolicy& policy() const { return policy_; }
  const InSampleValues& values() const { return values_; }
  /// The order of the last iteration's updates.
  const std::vector<int>& lastOrder() const { return order_; }

  /// The target of player `player` at `state` given the teammates' policies `teammates`
  /// (exposed for tests): probabilities over the player's actions.
  std::vector<double> target(int player, int state, const TabularPolicy& teammates) const;

 private:
  const EmpiricalGame& game_;
  InspoSettings settings_;
  InSampleValues values_;
  TabularPolicy policy_;
  std::vector<std::vector<int>> joints_;     ///< every joint action, decoded once
  std::vector<std::vector<double>> q_hat_;  ///< [s][joint]: in-sample Q or the pessimistic value
  std::vector<int> order_;
  std::uint64_t iteration_ = 0;
};

}  // namespace mfg::marl
