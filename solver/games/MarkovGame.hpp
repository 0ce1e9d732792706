#pragma once
// A finite-player Markov game: N players act together each step (a joint action), each gets its own
// reward. Every player sees the same observation tensor. The game owns its state; randomness comes
// from the generator the caller passes, so an episode is reproduced by reseeding that generator.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace mfg::games {

using Rng = std::mt19937_64;

struct StepResult {
  std::vector<double> rewards;  ///< one per player
  bool terminated = false;      ///< the game ended by its rules (not by the step limit)
};

/// Number of elements of a tensor of shape `shape` (1 for the empty shape).
std::int64_t elementCount(const std::vector<std::int64_t>& shape);
/// The joint action of a flat index (player 0 slowest) and back, for per-player action counts.
std::vector<int> decodeJointAction(int flat, const std::vector<int>& counts);
int encodeJointAction(const std::vector<int>& joint, const std::vector<int>& counts);

class MarkovGame {
 public:
  virtual ~MarkovGame() = default;
  virtual std::string name() const = 0;
  virtual int players() const = 0;
  /// Number of actions of each player; actions are 0..count-1.
  virtual std::vector<int> actionCounts() const = 0;
  /// Shape of the observation tensor, e.g. {8} or {5, 15, 15}.
  virtual std::vector<std::int64_t> observationShape() const = 0;
  /// Episode length at which the game is cut (the step limit of its datasets).
  virtual int stepLimit() const = 0;
  /// Every player is paid the same team reward.
  virtual bool cooperative() const = 0;

  virtual void reset(Rng& rng) = 0;
  /// Applies one joint action (one entry per player, each in range; InputError otherwise).
  virtual StepResult step(const std::vector<int>& joint, Rng& rng) = 0;
  /// Writes the current observation, observationSize() floats.
  virtual void observe(float* out) const = 0;

  std::int64_t observationSize() const { return elementCount(observationShape()); }
  /// InputError naming the player and the valid range when `joint` is not a joint action.
  void checkJointAction(const std::vector<int>& joint) const;
};

}  // namespace mfg::games
