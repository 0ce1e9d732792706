#pragma once
// Recorded episodes of a Markov game, in memory, in the layout of the episode file
// (docs/formats.md): every episode padded to the same number of steps T, `filled` marking the real
// steps. Observation t of an episode is what every player saw before step t; the T+1-th is the
// observation after the last step.
#include <cstdint>
#include <string>
#include <vector>

#include "solver/games/MarkovGame.hpp"

namespace mfg::games {

struct EpisodeData {
  std::string game;
  int episodes = 0;
  int steps = 0;    ///< T, the padded length
  int players = 0;
  std::vector<int> action_counts;             ///< per player
  std::vector<std::int64_t> observation_shape;
  std::vector<float> observations;            ///< [E, T+1, obs...]
  std::vector<std::int32_t> actions;          ///< [E, T, N]
  std::vector<float> rewards;                 ///< [E, T, N]
  std::vector<std::uint8_t> terminated;       ///< [E, T]
  std::vector<std::uint8_t> filled;           ///< [E, T], 1 on real steps

  std::int64_t observationSize() const { return elementCount(observation_shape); }
  /// Allocates every array for `episodes` × `steps` (zeros; filled = 0).
  void allocate(int episodes, int steps);
  const float* observation(int e, int t) const {
    return observations.data() + (static_cast<std::size_t>(e) * (steps + 1) + t) * observationSize();
  }
  float* observation(int e, int t) {
    return observations.data() + (static_cast<std::size_t>(e) * (steps + 1) + t) * observationSize();
  }
  std::size_t stepIndex(int e, int t) const { return static_cast<std::size_t>(e) * steps + t; }
  int action(int e, int t, int player) const { return actions[stepIndex(e, t) * players + player]; }
  /// Number of filled steps.
  long transitions() const;
  /// InputError naming the first inconsistency: array sizes, actions out of range on filled
  /// steps, flags other than 0/1, non-finite values, a filled step after an unfilled one or
  /// after termination.
  void check() const;
};

}  // namespace mfg::games
