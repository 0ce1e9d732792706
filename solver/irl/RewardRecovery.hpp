#pragma once
// Reward recovery on demonstrated transitions (docs/methods.md §13.5): a learned reward against the
// true one on the (t, s, a) of every agent of a play, both read at the play's own empirical flow.
// The same comparison `mfg marl irl` makes for the finite-player learners on the N-player game,
// whose rewards are the model's at the empirical distribution: on demonstrations converted with
// `mfg marl from-demos` the two are computed on the same transitions and the same truth.
#include <cstdint>
#include <vector>

#include "solver/irl/Demonstrations.hpp"
#include "solver/models/Model.hpp"

namespace mfg::irl {

/// model.reward(view, s^i_t, a^i_t) for every agent i and step t of a play (agent-major, then t),
/// with view.mu = μ̂_t and, where the reward reads it, view.mu_next = μ̂_{t+1}. Models with common
/// noise or a reward that reads L_t are refused (InputError), as inverse RL refuses them.
std::vector<double> trueTransitionRewards(const Model& model, const Demonstrations& d, std::int64_t play);

struct RewardRecovery {
  double mse = 0.0;   ///< mean of (learned − true)²
  double corr = 0.0;  ///< Pearson correlation; NaN when either side is constant
  std::int64_t transitions = 0;
};

/// The comparison over paired values (the same length; InputError otherwise).
RewardRecovery compareRewards(const std::vector<double>& learned, const std::vector<double>& truth);

}  // namespace mfg::irl
