#include "solver/marl/TabularPolicy.hpp"

#include <algorithm>
#include <cmath>

namespace mfg::marl {

TabularPolicy::TabularPolicy(const EmpiricalGame& game) : action_counts(game.actionCounts()) {
  table.resize(action_counts.size());
  for (int i = 0; i < game.players(); ++i) {
    table[i].resize(static_cast<std::size_t>(game.stateCount()) * action_counts[i]);
    for (int s = 0; s < game.stateCount(); ++s)
      for (int a = 0; a < action_counts[i]; ++a) at(i, s, a) = game.behaviour(i, s, a);
  }
}

double TabularPolicy::distance(const TabularPolicy& other) const {
  double d = 0.0;
  for (std::size_t i = 0; i < table.size(); ++i)
    for (std::size_t k = 0; k < table[i].size(); ++k) d = std::max(d, std::abs(table[i][k] - other.table[i][k]));
  return d;
}

games::ProductPolicy onGame(const TabularPolicy& policy, const EmpiricalGame& data, const games::EnumerableGame& game) {
  games::ProductPolicy out(game);
  std::vector<float> obs(static_cast<std::size_t>(game.observationSize()));
  for (int s = 0; s < game.stateCount(); ++s) {
    game.observation(s, obs.data());
    const int d = data.findState(obs.data());
    if (d < 0) continue;
    for (int i = 0; i < game.players(); ++i)
      for (int a = 0; a < policy.action_counts[i]; ++a) out.probability(i, s, a) = policy.at(i, d, a);
  }
  return out;
}

ExactReturn exactReturn(const TabularPolicy& policy, const EmpiricalGame& data, const games::EnumerableGame& game) {
  const games::PolicyEvaluation ev = games::evaluateProductPolicy(game, onGame(policy, data, game));
  ExactReturn out;
  for (double r : ev.returns) out.episode_return += r / static_cast<double>(ev.returns.size());
  out.expected_steps = ev.expected_steps;
  out.return_per_step = ev.expected_steps > 0 ? out.episode_return / ev.expected_steps : 0.0;
  return out;
}

}  // namespace mfg::marl
