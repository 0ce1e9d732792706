#include "solver/games/EpisodeData.hpp"

#include <fmt/core.h>

#include <cmath>

#include "solver/models/InputError.hpp"

namespace mfg::games {

void EpisodeData::allocate(int e, int t) {
  episodes = e;
  steps = t;
  const std::size_t et = static_cast<std::size_t>(e) * t;
  observations.assign(static_cast<std::size_t>(e) * (t + 1) * observationSize(), 0.0f);
  actions.assign(et * players, 0);
  rewards.assign(et * players, 0.0f);
  terminated.assign(et, 0);
  filled.assign(et, 0);
}

long EpisodeData::transitions() const {
  long n = 0;
  for (auto f : filled) n += f;
  return n;
}

void EpisodeData::check() const {
  const std::string where = game.empty() ? std::string("episodes") : game + " episodes";
  if (episodes < 1 || steps < 1 || players < 1)
    throw InputError(fmt::format("{}: need at least one episode, step and player (got E={}, T={}, N={})", where,
                                 episodes, steps, players));
  if (static_cast<int>(action_counts.size()) != players)
    throw InputError(fmt::format("{}: attribute actions has {} entries for {} players", where, action_counts.size(),
                                 players));
  for (int i = 0; i < players; ++i)
    if (action_counts[i] < 1 || action_counts[i] > 1000000)
      throw InputError(fmt::format("{}: player {} has {} actions (valid: 1 to 1000000)", where, i, action_counts[i]));
  for (auto d : observation_shape)
    if (d < 1) throw InputError(fmt::format("{}: observation dimensions must be positive", where));
  const std::size_t et = static_cast<std::size_t>(episodes) * steps;
  auto sized = [&](std::size_t got, std::size_t want, const char* name) {
    if (got != want) throw InputError(fmt::format("{}: {} holds {} values, expected {}", where, name, got, want));
  };
  sized(observations.size(), static_cast<std::size_t>(episodes) * (steps + 1) * observationSize(), "/observations");
  sized(actions.size(), et * players, "/actions");
  sized(rewards.size(), et * players, "/rewards");
  sized(terminated.size(), et, "/terminated");
  sized(filled.size(), et, "/filled");
  for (std::size_t k = 0; k < observations.size(); ++k)
    if (!std::isfinite(observations[k])) throw InputError(fmt::format("{}: /observations has a non-finite value", where));
  for (int e = 0; e < episodes; ++e) {
    bool ended = false;
    for (int t = 0; t < steps; ++t) {
      const std::size_t k = stepIndex(e, t);
      if (filled[k] > 1 || terminated[k] > 1)
        throw InputError(fmt::format("{}: /filled and /terminated hold 0 or 1; episode {} step {} holds {} and {}",
                                     where, e, t, filled[k], terminated[k]));
      if (!filled[k]) {
        if (terminated[k]) throw InputError(fmt::format("{}: episode {} step {} is terminated but not filled", where, e, t));
        ended = true;
        continue;
      }
      if (ended)
        throw InputError(fmt::format("{}: episode {} has a filled step {} after its end (an unfilled or terminal step)",
                                     where, e, t));
      for (int i = 0; i < players; ++i) {
        const int a = actions[k * players + i];
        if (a < 0 || a >= action_counts[i])
          throw InputError(fmt::format("{}: episode {} step {} player {} takes action {}, valid 0 to {}", where, e, t, i,
                                       a, action_counts[i] - 1));
        if (!std::isfinite(rewards[k * players + i]))
          throw InputError(fmt::format("{}: episode {} step {} has a non-finite reward", where, e, t));
      }
      if (terminated[k]) ended = true;
    }
  }
  if (transitions() == 0) throw InputError(fmt::format("{}: no filled step", where));
}

}  // namespace mfg::games
