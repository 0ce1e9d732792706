#pragma once
// The empirical Markov game of an episode dataset, for the tabular offline learners: states are the
// distinct observations, and for each state the joint actions the data shows there ("in-sample"),
// with their counts, mean team reward and empirical next-state distribution; plus the behaviour
// policy of each player (its empirical action frequencies per state, i.e. behaviour cloning).
//
// Built collectively: each rank counts a contiguous block of episodes; counts and rewards are summed
// in integers (rewards in fixed point, 2^-24), so the tables are bitwise identical on any number of
// ranks.
#include <mpi.h>

#include <map>
#include <utility>
#include <vector>

#include "solver/games/EpisodeData.hpp"
#include "solver/games/MarkovGame.hpp"

namespace mfg::marl {

class EmpiricalGame {
 public:
  /// One joint action seen at a state.
  struct Sample {
    int joint = 0;          ///< flat joint action, player 0 slowest
    std::vector<int> actions;  ///< the same, one action per player
    double count = 0.0;     ///< times seen
    double reward = 0.0;    ///< mean team reward (mean over players)
    double terminal = 0.0;  ///< fraction of its transitions that ended the episode
    std::vector<std::pair<int, double>> next;  ///< (state, probability) of the others
  };

  EmpiricalGame(const games::EpisodeData& data, MPI_Comm comm);

  int players() const { return static_cast<int>(action_counts_.size()); }
  const std::vector<int>& actionCounts() const { return action_counts_; }
  int jointActionCount() const { return joint_count_; }
  std::vector<int> jointAction(int flat) const { return games::decodeJointAction(flat, action_counts_); }
  int stateCount() const { return static_cast<int>(keys_.size()); }
  /// State of an observation, -1 when the data never shows it.
  int findState(const float* observation) const;
  const std::vector<float>& observation(int state) const { return keys_[state]; }
  /// In-sample joint actions at `state`, by increasing flat index (empty for states only reached).
  const std::vector<Sample>& samples(int state) const { return samples_[state]; }
  double visits(int state) const { return visits_[state]; }
  /// Behaviour policy μ_b,i(a | s): empirical frequencies; uniform where the state has no sample.
  double behaviour(int player, int state, int action) const {
    return behaviour_[player][static_cast<std::size_t>(state) * action_counts_[player] + action];
  }
  /// Largest |team reward| in the data.
  double maxAbsReward() const { return max_abs_reward_; }
  long transitions() const { return transitions_; }

 private:
  std::vector<int> action_counts_;
  int joint_count_ = 1;
  std::vector<std::vector<float>> keys_;  // sorted observations
  std::map<std::vector<float>, int> index_;
  std::vector<std::vector<Sample>> samples_;
  std::vector<double> visits_;
  std::vector<std::vector<double>> behaviour_;
  double max_abs_reward_ = 0.0;
  long transitions_ = 0;
};

}  // namespace mfg::marl
