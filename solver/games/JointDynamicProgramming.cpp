#include "solver/games/JointDynamicProgramming.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "solver/models/InputError.hpp"

namespace mfg::games {

ProductPolicy::ProductPolicy(const EnumerableGame& game) : action_counts(game.actionCounts()) {
  for (int c : action_counts) table.emplace_back(static_cast<std::size_t>(game.stateCount()) * c, 1.0 / c);
}

JointDynamicProgramming::JointDynamicProgramming(const EnumerableGame& game, int horizon)
    : game_(game), horizon_(horizon > 0 ? horizon : game.stepLimit()) {
  if (!game.cooperative()) throw InputError(game.name() + ": the exact joint solver needs a cooperative game");
  const int S = game.stateCount(), J = game.jointActionCount();
  value_.assign(horizon_ + 1, std::vector<double>(S, 0.0));
  for (int t = horizon_ - 1; t >= 0; --t)
    for (int s = 0; s < S; ++s) {
      double best = -std::numeric_limits<double>::infinity();
      for (int a = 0; a < J; ++a) best = std::max(best, actionValue(t, s, a));
      value_[t][s] = best;
    }
}

double JointDynamicProgramming::actionValue(int t, int state, int joint_flat) const {
  const Transition tr = game_.transition(state, game_.jointAction(joint_flat));
  return tr.rewards[0] + (tr.terminated ? 0.0 : value_[t + 1][tr.next]);
}

std::vector<int> JointDynamicProgramming::optimalJointActions(int t, int state, double tolerance) const {
  std::vector<int> best;
  for (int a = 0; a < game_.jointActionCount(); ++a)
    if (actionValue(t, state, a) >= value_[t][state] - tolerance) best.push_back(a);
  return best;
}

PolicyEvaluation evaluateProductPolicy(const EnumerableGame& game, const ProductPolicy& policy, int horizon) {
  const int T = horizon > 0 ? horizon : game.stepLimit();
  const int S = game.stateCount(), N = game.players(), J = game.jointActionCount();
  if (static_cast<int>(policy.table.size()) != N) throw std::invalid_argument("policy: one table per player");
  // Transitions are deterministic and the same at every step: tabulate them once.
  std::vector<Transition> step(static_cast<std::size_t>(S) * J);
  std::vector<std::vector<int>> joints(J);
  for (int a = 0; a < J; ++a) joints[a] = game.jointAction(a);
  for (int s = 0; s < S; ++s)
    for (int a = 0; a < J; ++a) step[static_cast<std::size_t>(s) * J + a] = game.transition(s, joints[a]);

  PolicyEvaluation out;
  out.returns.assign(N, 0.0);
  std::vector<double> alive(S, 0.0), next(S);
  alive[game.initialState()] = 1.0;
  for (int t = 0; t < T; ++t) {
    std::fill(next.begin(), next.end(), 0.0);
    for (int s = 0; s < S; ++s) {
      if (alive[s] == 0.0) continue;
      out.expected_steps += alive[s];
      for (int a = 0; a < J; ++a) {
        double p = alive[s];
        for (int i = 0; i < N && p != 0.0; ++i) p *= policy.probability(i, s, joints[a][i]);
        if (p == 0.0) continue;
        const Transition& tr = step[static_cast<std::size_t>(s) * J + a];
        for (int i = 0; i < N; ++i) out.returns[i] += p * tr.rewards[i];
        if (!tr.terminated) next[tr.next] += p;
      }
    }
    alive.swap(next);
  }
  return out;
}

}  // namespace mfg::games
