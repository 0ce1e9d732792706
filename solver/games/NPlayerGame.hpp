#pragma once
// games/nplayer/<model> (docs/models.md §5): the N-player game of an MFG model of §1–§3. Each
// player i has its own individual state s^i_t; every player follows the model's kernel and reward
// with the empirical distribution μ̂^N_t = (1/N) Σ_j δ_{s^j_t} in place of μ_t. As N grows it
// approaches the MFG, and the MFG equilibrium policy is an approximate equilibrium of it.
//
// Reset (t = 0), in this order of random draws:
//  1. models with common noise: z_0 = noise()->sampleInitial(rng), and μ_0 = initialDistribution(z_0);
//     otherwise μ_0 = initialDistribution();
//  2. s^0_0, ..., s^{N-1}_0 i.i.d. from μ_0, one NoiseProcess::uniform01 draw each, player order.
// Step t (t = 0..numSteps()-1) with the joint action (a^0, ..., a^{N-1}):
//  1. the kernel view: t, mu = μ̂^N_t (size |S|), L = the empirical state-action distribution
//     L̂_t(s,a) = (1/N) Σ_j 1{s^j_t = s, a^j = a} (state-major, only where usesStateAction()),
//     z = z_t, stats = model.aggregate(view); no μ_{t+1}, no z_{t+1} (as in the engine's forward pass);
//  2. every player's next state s^i_{t+1} ~ P_t(·|s^i_t, a^i; view), one uniform01 draw each, in
//     player order (all next states are drawn from the same view: players move simultaneously);
//  3. models with common noise: z_{t+1} = noise()->sampleNext(z_0..z_t, rng) (every player sees the
//     same z);
//  4. the reward view: the kernel view plus z_next = z_{t+1} and, for models whose reward reads
//     μ_{t+1} (rewardUsesNext()), mu_next = μ̂^N_{t+1}, the empirical distribution of the next states
//     just drawn (hence all next states are drawn before any reward); stats = model.aggregate(view)
//     again on this view. Player i is paid model.reward(view, s^i_t, a^i).
// Rewards are undiscounted per step: the learner applies its own γ. The model's own discount (the
// γ of the MFG whose equilibrium the N-player game approximates) is exposed as discount().
// The episode is cut at stepLimit() = numSteps() (never `terminated`); stepping past it, or before
// the first reset, is an InputError.
//
// Observation (every player sees the same tensor), shape {N·|S| + 1 + dim z}, floats:
//   [i·|S| + s]  1 if player i is in (flat) state s, else 0   (i = 0..N-1, the N one-hot states)
//   [N·|S|]      t / numSteps()                               (0 at reset, 1 at the step limit)
//   [N·|S| + 1 + k]  z_t[k], k < dim z                        (models with common noise only)
// dim z is the size of the noise's outcomes (a finite process's first initial outcome; a continuous
// one is sampled once at construction with a fixed seed to find it).
//
// Limits (InputError): 1 ≤ N ≤ 1024, |S| ≤ 10 000, N·|S| ≤ 10^6.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "solver/games/MarkovGame.hpp"
#include "solver/models/Model.hpp"

namespace mfg::games {

class NPlayerGame final : public MarkovGame {
 public:
  static constexpr int kMaxPlayers = 1024;
  static constexpr std::int64_t kMaxStates = 10000;
  static constexpr std::int64_t kMaxPlayerStates = 1000000;  ///< bound on N·|S|

  NPlayerGame(std::shared_ptr<const Model> model, int players);

  std::string name() const override { return "nplayer/" + model_->name(); }
  int players() const override { return players_; }
  std::vector<int> actionCounts() const override { return std::vector<int>(players_, actions_); }
  std::vector<std::int64_t> observationShape() const override;
  int stepLimit() const override { return steps_; }
  bool cooperative() const override { return false; }

  void reset(Rng& rng) override;
  StepResult step(const std::vector<int>& joint, Rng& rng) override;
  void observe(float* out) const override;
  /// Step t replayed from a record: the joint action and every player's next state are given
  /// (models without common noise only). Each next state must have positive probability under the
  /// kernel view of step 1 below; the rewards are those step() would pay for these next states.
  /// InputError (naming the player) for an unreachable next state or a state out of range.
  StepResult replay(const std::vector<int>& joint, const std::vector<std::int64_t>& next);

  const Model& model() const { return *model_; }
  std::shared_ptr<const Model> sharedModel() const { return model_; }
  /// The model's discount factor γ (rewards returned by step() are not discounted).
  double discount() const { return model_->discount(); }
  std::int64_t numStates() const { return states_count_; }
  int numActions() const { return actions_; }
  /// Size of z (0 for models without common noise).
  int noiseWidth() const { return noise_width_; }

  /// The current step t (0 after reset, stepLimit() at the end of an episode).
  int time() const { return t_; }
  /// Each player's current (flat) state.
  const std::vector<std::int64_t>& states() const { return states_; }
  /// z_0..z_t (empty for models without common noise).
  const std::vector<std::vector<double>>& noiseHistory() const { return history_; }
  /// μ̂^N_t, size |S|.
  std::vector<double> empiricalDistribution() const { return empirical(states_); }
  /// (1/N) Σ_i δ_{s_i} of any N states, size |S|.
  std::vector<double> empirical(const std::vector<std::int64_t>& states) const;

  /// Sets the step and every player's state (tests, replays). Models with common noise need the
  /// noise history z_0..z_t (t + 1 entries of noiseWidth() values); others an empty one.
  /// InputError for a step outside [0, stepLimit()], a wrong count or a state out of range.
  void setStates(int t, const std::vector<std::int64_t>& states,
                 const std::vector<std::vector<double>>& noise_history = {});

 private:
  void checkStep(const std::vector<int>& joint) const;
  /// Step 1: the kernel view at t on μ̂ (and L̂), into view (its spans point into mu_, L_, stats_).
  void kernelView(const std::vector<int>& joint, MeanFieldView& view);
  /// Step 4 with next_ holding the next states: the rewards, then the move to t + 1.
  StepResult payAndAdvance(const std::vector<int>& joint, MeanFieldView& view);

  std::shared_ptr<const Model> model_;
  int players_;
  std::int64_t states_count_;
  int actions_;
  int steps_;
  int noise_width_ = 0;
  bool started_ = false;
  int t_ = 0;
  std::vector<std::int64_t> states_;
  std::vector<std::vector<double>> history_;
  // Scratch for step().
  std::vector<std::int64_t> next_;
  std::vector<double> mu_, mu_next_, L_, stats_, stats_next_;
  std::vector<mfg::Transition> row_;  // the model's kernel rows (not games::Transition)
};

}  // namespace mfg::games
