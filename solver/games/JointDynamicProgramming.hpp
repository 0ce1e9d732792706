#pragma once
// Exact answers for enumerable cooperative games: the optimal team return by backward induction over
// the joint state and the joint action (finite horizon, undiscounted), and the exact expected return
// of a product policy (each player drawing its own action from its own table) by propagating the
// distribution of states forward.
#include <vector>

#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

/// One table per player, [state][action] probabilities, the same at every step.
struct ProductPolicy {
  std::vector<int> action_counts;
  std::vector<std::vector<double>> table;  ///< table[player][state * action_counts[player] + action]

  ProductPolicy() = default;
  /// Every player uniform on every state.
  ProductPolicy(const EnumerableGame& game);
  double probability(int player, int state, int action) const {
    return table[player][static_cast<std::size_t>(state) * action_counts[player] + action];
  }
  double& probability(int player, int state, int action) {
    return table[player][static_cast<std::size_t>(state) * action_counts[player] + action];
  }
};

class JointDynamicProgramming {
 public:
  /// Backward induction over `horizon` steps (the game's step limit when 0).
  explicit JointDynamicProgramming(const EnumerableGame& game, int horizon = 0);

  /// Optimal expected team return from the initial state over the horizon.
  double optimalReturn() const { return value_[0][game_.initialState()]; }
  /// Optimal value with `steps_left` steps to go.
  double value(int steps_left, int state) const { return value_[horizon_ - steps_left][state]; }
  /// Team value of a joint action at step t (0-based) in `state`.
  double actionValue(int t, int state, int joint_flat) const;
  /// The joint actions (flat) whose value is within `tolerance` of the best at step t.
  std::vector<int> optimalJointActions(int t, int state, double tolerance = 1e-9) const;
  int horizon() const { return horizon_; }

 private:
  const EnumerableGame& game_;
  int horizon_;
  std::vector<std::vector<double>> value_;  ///< value_[t][state], t = 0..horizon
};

struct PolicyEvaluation {
  std::vector<double> returns;   ///< expected undiscounted return of each player over the horizon
  double expected_steps = 0.0;   ///< expected episode length (steps before termination or the limit)
};

/// Exact expected returns of `policy` from the initial state over `horizon` steps (step limit if 0).
PolicyEvaluation evaluateProductPolicy(const EnumerableGame& game, const ProductPolicy& policy, int horizon = 0);

}  // namespace mfg::games
