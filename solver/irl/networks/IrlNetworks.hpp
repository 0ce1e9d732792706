#pragma once
// The networks of the inverse-RL methods (docs/methods.md §13), in one module so that one archive
// and one optimiser hold them all:
//   reward    r_ω(s, a, μ̂_t, m)   MLP, hidden 64 × 2, one output;
//   potential h_φ(s, μ̂_t, m)      MLP, hidden 64 × 2 (adversarial methods);
//   encoder   q_ψ(m | play)       per-trajectory MLP (64 × 2) averaged over the play's agents, then a
//                                 linear head: K logits (categorical) or mean and log-std (Gaussian);
//   policy    π_θ(a | s, μ̂_t, t)  MLP, hidden 64 × 2, |A| logits (behaviour cloning only).
#include <torch/torch.h>

#include "solver/learn/Mlp.hpp"

namespace mfg::irl {

enum class IrlMethod { Pemmfirl = 0, MfAirl = 1, Mfirl = 2, Bc = 3 };

const char* methodName(IrlMethod m);
/// InputError naming the valid methods.
IrlMethod parseMethod(const std::string& name);

struct NetworkShape {
  IrlMethod method = IrlMethod::Pemmfirl;
  std::int64_t reward_inputs = 0, potential_inputs = 0, policy_inputs = 0, trajectory_inputs = 0;
  std::int64_t actions = 0;
  int types = 0;    ///< K > 0: categorical context over K types; 0: Gaussian
  int latent = 3;   ///< Gaussian latent dimension
  int hidden = 64;
  /// Length of m as the reward and potential see it (0 without a context).
  std::int64_t contextSize() const;
  bool hasContext() const { return method == IrlMethod::Pemmfirl; }
  bool hasPotential() const { return method == IrlMethod::Pemmfirl || method == IrlMethod::MfAirl; }
};

/// What the encoder says about one play.
struct ContextEstimate {
  torch::Tensor logits;    ///< [K] (categorical)
  torch::Tensor mean;      ///< [latent] (Gaussian)
  torch::Tensor log_std;   ///< [latent] (Gaussian)
};

class IrlNetworksImpl : public torch::nn::Module {
 public:
  explicit IrlNetworksImpl(const NetworkShape& shape);
  const NetworkShape& shape() const { return shape_; }

  /// r for rows [..., reward_inputs] with context m ([contextSize] or empty) → [...].
  torch::Tensor reward(const torch::Tensor& x, const torch::Tensor& m);
  torch::Tensor potential(const torch::Tensor& x, const torch::Tensor& m);
  /// The encoder over a play's trajectories [N, trajectory_inputs].
  ContextEstimate encode(const torch::Tensor& trajectories);
  /// log q(m | play): for a categorical context, m is the index of the type as a one-element
  /// integer tensor; for a Gaussian one, the latent vector.
  torch::Tensor logContextProbability(const ContextEstimate& q, const torch::Tensor& m) const;
  /// log π_θ(·|x) for rows [..., policy_inputs] → [..., |A|].
  torch::Tensor policyLogits(const torch::Tensor& x);

 private:
  static torch::Tensor withContext(const torch::Tensor& x, const torch::Tensor& m);
  NetworkShape shape_;
  Mlp reward_{nullptr}, potential_{nullptr}, trajectory_{nullptr}, policy_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(IrlNetworks);

}  // namespace mfg::irl
