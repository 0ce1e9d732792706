#pragma once
// A product policy over the states of an empirical game (one table per player), and its exact
// evaluation on the enumerable game the data came from.
#include <vector>

#include "solver/games/EnumerableGame.hpp"
#include "solver/games/JointDynamicProgramming.hpp"
#include "solver/marl/EmpiricalGame.hpp"

namespace mfg::marl {

struct TabularPolicy {
  std::vector<int> action_counts;
  std::vector<std::vector<double>> table;  ///< table[player][state * action_counts[player] + action]

  TabularPolicy() = default;
  /// The behaviour policy of the data (behaviour cloning).
  explicit TabularPolicy(const EmpiricalGame& game);
  double at(int player, int state, int action) const {
    return table[player][static_cast<std::size_t>(state) * action_counts[player] + action];
  }
  double& at(int player, int state, int action) {
    return table[player][static_cast<std::size_t>(state) * action_counts[player] + action];
  }
  /// Largest |difference| of any probability.
  double distance(const TabularPolicy& other) const;
};

struct ExactReturn {
  double episode_return = 0.0;    ///< expected team return (mean over players) over the step limit
  double expected_steps = 0.0;
  double return_per_step = 0.0;   ///< episode_return / expected_steps
};

/// The policy on every state of `game`: the learned row where the data shows the state's
/// observation, uniform elsewhere.
games::ProductPolicy onGame(const TabularPolicy& policy, const EmpiricalGame& data, const games::EnumerableGame& game);
ExactReturn exactReturn(const TabularPolicy& policy, const EmpiricalGame& data, const games::EnumerableGame& game);

}  // namespace mfg::marl
