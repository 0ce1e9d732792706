#include "solver/irl/networks/IrlNetworks.hpp"

#include <cmath>

#include "solver/models/InputError.hpp"

namespace mfg::irl {

const char* methodName(IrlMethod m) {
  switch (m) {
    case IrlMethod::Pemmfirl: return "pemmfirl";
    case IrlMethod::MfAirl: return "mf-airl";
    case IrlMethod::Mfirl: return "mfirl";
    case IrlMethod::Bc: return "bc";
  }
  return "?";
}

IrlMethod parseMethod(const std::string& name) {
  for (auto m : {IrlMethod::Pemmfirl, IrlMethod::MfAirl, IrlMethod::Mfirl, IrlMethod::Bc})
    if (name == methodName(m)) return m;
  throw InputError("unknown --method '" + name + "' (valid: pemmfirl, mf-airl, mfirl, bc)");
}

std::int64_t NetworkShape::contextSize() const {
  if (!hasContext()) return 0;
  return types > 0 ? types : latent;
}

IrlNetworksImpl::IrlNetworksImpl(const NetworkShape& shape) : shape_(shape) {
  const auto m = shape.contextSize();
  if (shape.method == IrlMethod::Bc) {
    policy_ = register_module("policy", Mlp(shape.policy_inputs, shape.hidden, 2, shape.actions));
    return;
  }
  reward_ = register_module("reward", Mlp(shape.reward_inputs + m, shape.hidden, 2, 1));
  if (shape.hasPotential()) potential_ = register_module("potential", Mlp(shape.potential_inputs + m, shape.hidden, 2, 1));
  if (shape.hasContext()) {
    trajectory_ = register_module("trajectory", Mlp(shape.trajectory_inputs, shape.hidden, 1, shape.hidden));
    head_ = register_module("head", torch::nn::Linear(shape.hidden, shape.types > 0 ? shape.types : 2 * shape.latent));
  }
}

torch::Tensor IrlNetworksImpl::withContext(const torch::Tensor& x, const torch::Tensor& m) {
  if (!m.defined() || m.numel() == 0) return x;
  auto sizes = x.sizes().vec();
  sizes.back() = m.size(0);
  return torch::cat({x, m.expand(sizes)}, -1);
}

torch::Tensor IrlNetworksImpl::reward(const torch::Tensor& x, const torch::Tensor& m) {
  return reward_->forward(withContext(x, m)).squeeze(-1);
}

torch::Tensor IrlNetworksImpl::potential(const torch::Tensor& x, const torch::Tensor& m) {
  return potential_->forward(withContext(x, m)).squeeze(-1);
}

ContextEstimate IrlNetworksImpl::encode(const torch::Tensor& trajectories) {
  // Mean pooling over agents: the play is a set of exchangeable trajectories.
  const auto pooled = torch::relu(trajectory_->forward(trajectories)).mean(0);
  const auto out = head_->forward(pooled);
  ContextEstimate q;
  if (shape_.types > 0) {
    q.logits = out;
  } else {
    q.mean = out.slice(0, 0, shape_.latent);
    q.log_std = out.slice(0, shape_.latent, 2 * shape_.latent).clamp(-5.0, 2.0);
  }
  return q;
}

torch::Tensor IrlNetworksImpl::logContextProbability(const ContextEstimate& q, const torch::Tensor& m) const {
  if (shape_.types > 0) return torch::log_softmax(q.logits, 0).index({m.item<std::int64_t>()});
  const auto z = (m - q.mean) * torch::exp(-q.log_std);
  return (-0.5 * z * z - q.log_std - 0.5 * std::log(2.0 * M_PI)).sum();
}

torch::Tensor IrlNetworksImpl::policyLogits(const torch::Tensor& x) {
  return torch::log_softmax(policy_->forward(x), -1);
}

}  // namespace mfg::irl
