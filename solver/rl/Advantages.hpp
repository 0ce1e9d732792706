#pragma once
// Generalised advantage estimation (Schulman et al. 2016) over one learner's rollout chunk, the
// advantage estimate of IPPO and RIPPO (docs/methods.md §14). Plain doubles: no network involved.
#include <vector>

namespace mfg::rl {

/// One rollout chunk of one learner: steps t = 0..n−1.
struct RolloutChunk {
  std::vector<double> rewards;     ///< r_t, the reward of step t (a terminal reward belongs to the last step)
  std::vector<double> values;      ///< V(o_t)
  std::vector<bool> terminated;    ///< true when the episode ends with step t (no bootstrap past it)
  double bootstrap_value = 0.0;    ///< V(o_n) when the chunk stops inside an episode
};

struct Advantages {
  std::vector<double> advantages;  ///< Â_t
  std::vector<double> returns;     ///< Â_t + V(o_t), the value target
};

/// Â_t = Σ_k (γλ)^k δ_{t+k} with δ_t = r_t + γ V(o_{t+1}) (1 − done_t) − V(o_t); the sum stops at the
/// end of an episode, so a chunk may hold several episodes back to back (the next episode's first
/// observation never bootstraps the previous one's last step).
Advantages generalisedAdvantages(const RolloutChunk& chunk, double gamma, double lambda);

}  // namespace mfg::rl
