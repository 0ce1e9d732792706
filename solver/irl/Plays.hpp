#pragma once
// Plays of a mean-field game as inverse RL sees them: the empirical mean field of a play, its
// state-action counts, and the sampling of N agents' trajectories under a policy inside a given
// population flow (docs/methods.md §13). Global tables, indexed [t][s] or [t][s·|A| + a].
#include <cstdint>
#include <vector>

#include "solver/irl/Demonstrations.hpp"
#include "solver/models/Model.hpp"

namespace mfg::irl {

using GlobalTable = std::vector<std::vector<double>>;

/// μ̂_t(s) = (1/N) Σ_i 1{s^i_t = s} for t = 0..T.
GlobalTable empiricalFlow(const Demonstrations& d, std::int64_t play, std::int64_t num_states);

/// (1/N) Σ_i 1{s^i_t = s, a^i_t = a} for t = 0..T-1, state-major.
GlobalTable empiricalOccupancy(const Demonstrations& d, std::int64_t play, std::int64_t num_states,
                               std::int64_t num_actions);

/// A 64-bit seed for stream `stream` and item `index` of a run seeded with `seed` (SplitMix64):
/// each play draws from its own generator, so samples do not depend on how plays meet ranks.
std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

/// N agents of one play: s_0 ~ μ_0 of the model, a_t ~ π_t(·|s_t), s_{t+1} ~ P_t(·|s_t, a_t) with the
/// kernel read at the population flow `flow` (t = 0..T). Writes states [N][T+1] and actions [N][T].
/// The model must not read L_t (kernels of the inverse-RL models do not). With `initial` (non-empty),
/// agent i starts at initial[i mod |initial|] instead (generated plays start where the experts did).
void samplePlay(const Model& model, const GlobalTable& policy, const GlobalTable& flow, std::int64_t agents,
                std::uint64_t seed, std::int64_t* states, std::int64_t* actions,
                const std::vector<std::int64_t>& initial = {});

/// Σ_t,s μ^E_t(s) KL(π^E_t(·|s) ‖ π_t(·|s)) and Σ_t KL(μ^E_t ‖ μ_t), with zero probabilities of the
/// second argument floored at 1e-300 so that a missing support shows as a large finite number.
double policyKl(const GlobalTable& expert_flow, const GlobalTable& expert_policy, const GlobalTable& policy,
                std::int64_t num_actions);
double flowKl(const GlobalTable& expert_flow, const GlobalTable& flow);

}  // namespace mfg::irl
