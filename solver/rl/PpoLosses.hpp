#pragma once
// The losses of PPO as IPPO and RIPPO use them (docs/methods.md §14): the clipped surrogate of the
// policy, the clipped value loss and the entropy bonus, each a mean over a minibatch.
#include <torch/torch.h>

namespace mfg::rl {

/// −mean min(ρ Â, clip(ρ, 1 − ε, 1 + ε) Â), ρ = exp(log π_new − log π_old).
torch::Tensor clippedPolicyLoss(const torch::Tensor& log_prob_new, const torch::Tensor& log_prob_old,
                                const torch::Tensor& advantages, double clip);

/// ½ mean max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²): the value may not move further than
/// ε from the rollout's estimate to lower the loss.
torch::Tensor clippedValueLoss(const torch::Tensor& values, const torch::Tensor& old_values,
                               const torch::Tensor& returns, double clip);

/// Mean entropy −Σ_a π log π of the rows of `logits` (normalised here).
torch::Tensor meanEntropy(const torch::Tensor& logits);

}  // namespace mfg::rl
