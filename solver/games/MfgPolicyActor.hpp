#pragma once
// Plays an MFG policy in the N-player game of its model (games/nplayer/<model>): every player
// draws its action independently from π_t(·|s^i_t). This is how N-player demonstrations of an MFG
// equilibrium policy are recorded.
//
// The table is π[t][s][a] flattened state-major, pi[(t·|S| + s)·|A| + a] — the layout of
// `mfg solve`'s /policy ([steps, S..., A...], io/ResultFile.hpp) read whole, and of mfg::Policy::pi
// on one rank (one vector per step of |S|·|A| entries). Policies of models with common noise are
// stored per node of the scenario tree rather than per step; pick the node's slice and call
// sampleActions() with it.
//
// Random draws: one NoiseProcess::uniform01 per player, in player order; the action is the first
// whose cumulative probability exceeds the draw (actions of probability 0 are never drawn).
#include <cstdint>
#include <span>
#include <vector>

#include "solver/games/MarkovGame.hpp"

namespace mfg::games {

/// One action per player, a^i ~ π(·|states[i]) with `pi` the |S| × |A| slice of one step.
std::vector<int> sampleActions(std::span<const double> pi, std::int64_t actions,
                               const std::vector<std::int64_t>& states, Rng& rng);

class MfgPolicyActor {
 public:
  /// `pi` of size steps·|S|·|A|; InputError when the size does not divide or a row is not a
  /// distribution (entries ≥ 0, sum within 1e-6 of 1).
  MfgPolicyActor(std::vector<double> pi, std::int64_t states, std::int64_t actions);
  /// One slice per step of |S|·|A| entries (mfg::Policy::pi on one rank).
  MfgPolicyActor(const std::vector<std::vector<double>>& slices, std::int64_t states, std::int64_t actions);
  /// The uniform policy over `steps` steps.
  static MfgPolicyActor uniform(int steps, std::int64_t states, std::int64_t actions);

  int steps() const { return steps_; }
  std::int64_t numStates() const { return states_; }
  std::int64_t numActions() const { return actions_; }
  /// π_t(·|s) as |A| probabilities.
  std::span<const double> row(int t, std::int64_t s) const;
  /// The joint action of the players in `states` at step t (InputError for t or a state out of range).
  std::vector<int> act(int t, const std::vector<std::int64_t>& states, Rng& rng) const;

 private:
  std::vector<double> pi_;
  std::int64_t states_, actions_;
  int steps_;
};

}  // namespace mfg::games
