#pragma once
// The regression target of Munchausen online mirror descent (M-OMD, docs/methods.md §14):
//   y = r + α τ log π_prev(a|s) + γ (1 − done) Σ_a' π_prev(a'|s') [Q_tgt(s', a') − τ log π_prev(a'|s')],
// with π_prev = softmax(Q_prev / τ). The Munchausen term α τ log π_prev(a|s) makes the learned Q the
// sum of past Q-functions, i.e. mirror descent on the policy, without storing the past networks.
#include <torch/torch.h>

namespace mfg::rl {

struct MunchausenSettings {
  double tau = 1.0;    ///< temperature of the softmax policy
  double alpha = 1.0;  ///< weight of the Munchausen term
  double gamma = 1.0;  ///< discount
};

/// Targets for a batch: `q_prev_s` [B, A] (Q_prev at s), `q_prev_next` [B, A] (Q_prev at s'),
/// `q_target_next` [B, A] (Q_tgt at s'), `actions` [B] int64, `rewards` [B], `done` [B] (1 at a
/// terminal step). No gradient flows through the target.
torch::Tensor munchausenTarget(const torch::Tensor& q_prev_s, const torch::Tensor& q_prev_next,
                               const torch::Tensor& q_target_next, const torch::Tensor& actions,
                               const torch::Tensor& rewards, const torch::Tensor& done, const MunchausenSettings& settings);

}  // namespace mfg::rl
