#include "solver/rl/Advantages.hpp"

#include <stdexcept>

namespace mfg::rl {

Advantages generalisedAdvantages(const RolloutChunk& chunk, double gamma, double lambda) {
  const std::size_t n = chunk.rewards.size();
  if (chunk.values.size() != n || chunk.terminated.size() != n)
    throw std::invalid_argument("generalisedAdvantages: rewards, values and terminated differ in length");
  Advantages out;
  out.advantages.assign(n, 0.0);
  out.returns.assign(n, 0.0);
  double next_value = chunk.bootstrap_value, running = 0.0;
  for (std::size_t i = n; i-- > 0;) {
    const double live = chunk.terminated[i] ? 0.0 : 1.0;
    const double delta = chunk.rewards[i] + gamma * next_value * live - chunk.values[i];
    running = delta + gamma * lambda * live * running;
    out.advantages[i] = running;
    out.returns[i] = running + chunk.values[i];
    next_value = chunk.values[i];
  }
  return out;
}

}  // namespace mfg::rl
