#pragma once
// Transitions of a Markov game as tensors, for the network learners: a fixed set (expert
// demonstrations read from an episode file) and a replay buffer (rollouts of the current policies).
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "solver/games/EpisodeData.hpp"
#include "solver/games/MarkovGame.hpp"

namespace mfg::marl {

struct TransitionBatch {
  torch::Tensor observations;       ///< [B, obs...] float32
  torch::Tensor next_observations;  ///< [B, obs...]
  torch::Tensor actions;            ///< [B, N] int64
  torch::Tensor rewards;            ///< [B, N] float32
  torch::Tensor terminated;         ///< [B] float32 (1 when the step ended the episode)
};

/// A circular store of transitions with room for `capacity`.
class TransitionStore {
 public:
  TransitionStore(const std::vector<std::int64_t>& observation_shape, int players, std::int64_t capacity);
  void add(const float* observation, const float* next_observation, const std::vector<int>& joint,
           const std::vector<double>& rewards, bool terminated);
  std::int64_t size() const { return size_; }
  std::int64_t capacity() const { return capacity_; }
  /// Rows `indices` (each in [0, size())).
  TransitionBatch gather(const torch::Tensor& indices) const;
  /// Everything stored.
  TransitionBatch all() const;
  /// Contents and position, for checkpoints (load checks the shapes).
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  std::vector<std::int64_t> shape_;
  std::int64_t obs_size_ = 1, capacity_ = 0, size_ = 0, next_ = 0;
  int players_ = 0;
  torch::Tensor observations_, next_observations_, actions_, rewards_, terminated_;
};

/// The filled steps of episodes [first, last) of `data`, at most `limit` of them (0: all), in
/// episode order.
TransitionStore transitionsOf(const games::EpisodeData& data, int first_episode, int last_episode, long limit = 0);

/// The joint action for an observation, drawn with `rng`.
using JointActor = std::function<std::vector<int>(const float* observation, games::Rng& rng)>;

/// Plays one episode (reset, then steps until termination or the step limit); calls `store` for
/// each transition; returns each player's undiscounted return. With `limit_ends`, the transition
/// that reaches the step limit is stored as terminated (no value after it: the game is over).
std::vector<double> playEpisode(games::MarkovGame& game, const JointActor& actor, games::Rng& rng,
                                TransitionStore* store = nullptr, bool limit_ends = false);

}  // namespace mfg::marl
