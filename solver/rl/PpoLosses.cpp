#include "solver/rl/PpoLosses.hpp"

namespace mfg::rl {

torch::Tensor clippedPolicyLoss(const torch::Tensor& log_prob_new, const torch::Tensor& log_prob_old,
                                const torch::Tensor& advantages, double clip) {
  const auto ratio = torch::exp(log_prob_new - log_prob_old);
  const auto unclipped = ratio * advantages;
  const auto clipped = torch::clamp(ratio, 1.0 - clip, 1.0 + clip) * advantages;
  return -torch::min(unclipped, clipped).mean();
}

torch::Tensor clippedValueLoss(const torch::Tensor& values, const torch::Tensor& old_values,
                               const torch::Tensor& returns, double clip) {
  const auto unclipped = (values - returns).pow(2);
  const auto moved = old_values + torch::clamp(values - old_values, -clip, clip);
  const auto clipped = (moved - returns).pow(2);
  return 0.5 * torch::max(unclipped, clipped).mean();
}

torch::Tensor meanEntropy(const torch::Tensor& logits) {
  const auto log_p = torch::log_softmax(logits, -1);
  return -(log_p.exp() * log_p).sum(-1).mean();
}

}  // namespace mfg::rl
