#pragma once
// The inputs of the inverse-RL networks (docs/methods.md §13). Small state spaces (≤ 64 states) are
// one-hot and see the whole empirical mean field μ̂_t; larger ones see the state's normalised grid
// coordinates, the local density μ̂_t(s)·|S| and the mean coordinates of μ̂_t (a fixed set of moments),
// so that the input size does not grow with |S|. Tensors are double: the learned reward is read by
// fixed-point iterations that converge to 1e-10, below float32's resolution. A context m, when there is one, is appended by the
// networks, not here.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "solver/irl/Plays.hpp"
#include "solver/models/Model.hpp"

namespace mfg::irl {

class IrlFeatures {
 public:
  static constexpr std::int64_t kOneHotStates = 64;

  explicit IrlFeatures(const Model& model);

  bool oneHot() const { return one_hot_; }
  std::int64_t rewardInputs() const { return stateInputs() + A_ + fieldInputs(); }
  std::int64_t potentialInputs() const { return stateInputs() + fieldInputs(); }
  std::int64_t policyInputs() const { return potentialInputs() + 1; }
  std::int64_t trajectoryInputs() const { return T_ * (stateInputs() + localInputs() + A_) + stateInputs() + localInputs(); }

  /// [T, n, A, rewardInputs] for the states [first, last) and every action, against μ̂_t = flow[t].
  torch::Tensor rewardGrid(const GlobalTable& flow, std::int64_t first, std::int64_t last) const;
  /// Rows (t_k, s_k, a_k) → [B, rewardInputs].
  torch::Tensor rewardRows(const GlobalTable& flow, const std::vector<std::int64_t>& t,
                           const std::vector<std::int64_t>& s, const std::vector<std::int64_t>& a) const;
  /// Rows (t_k, s_k) → [B, potentialInputs] (t may be T: the last state of a trajectory).
  torch::Tensor potentialRows(const GlobalTable& flow, const std::vector<std::int64_t>& t,
                              const std::vector<std::int64_t>& s) const;
  /// [n, policyInputs] for the states [first, last) at step t (behaviour cloning).
  torch::Tensor policyGrid(const GlobalTable& flow, int t, std::int64_t first, std::int64_t last) const;
  /// Rows (t_k, s_k) → [B, policyInputs].
  torch::Tensor policyRows(const GlobalTable& flow, const std::vector<std::int64_t>& t,
                           const std::vector<std::int64_t>& s) const;
  /// What a play's agents did, averaged over them: at every step the mean state features (shares of
  /// each state, or mean coordinates) and the share of each action. Without the local density, whose
  /// empirical value (agents in the zone / N · |S|) is mostly sampling noise on large grids. Summed in
  /// a fixed order: the same bits on every rank.
  /// `noise` is the variance of that average's sampling error summed over its entries,
  /// Σ_d Var_i(feature_d)/N with the agents' sample variances: what the spread of summaries between
  /// plays of one type would be if the agents were independent draws.
  struct Summary {
    std::vector<double> mean;
    double noise = 0.0;
  };
  Summary behaviourSummary(const std::int64_t* states, const std::int64_t* actions, std::int64_t agents) const;
  /// One row per agent trajectory (states [N][T+1], actions [N][T]) → [N, trajectoryInputs].
  torch::Tensor trajectories(const GlobalTable& flow, const std::int64_t* states, const std::int64_t* actions,
                             std::int64_t agents) const;

 private:
  std::int64_t stateInputs() const { return one_hot_ ? S_ : static_cast<std::int64_t>(shape_.size()); }
  /// What the mean field adds to a (t, s) row: μ̂_t itself, or the density at s and the moments.
  std::int64_t fieldInputs() const { return one_hot_ ? S_ : 1 + static_cast<std::int64_t>(shape_.size()); }
  /// What a trajectory step adds besides the state and action: the local density (large models).
  std::int64_t localInputs() const { return one_hot_ ? 0 : 1; }
  void writeState(std::int64_t s, double* out) const;
  /// Mean coordinates of μ̂_t for every t (large models; empty otherwise).
  std::vector<std::vector<double>> moments(const GlobalTable& flow) const;
  void writeField(const GlobalTable& flow, const std::vector<std::vector<double>>& moments, std::int64_t t,
                  std::int64_t s, double* out) const;

  std::int64_t S_, A_, T_;
  std::vector<std::int64_t> shape_;
  bool one_hot_;
  std::vector<std::vector<double>> coords_;  ///< normalised coordinates per state (large models)
};

}  // namespace mfg::irl
