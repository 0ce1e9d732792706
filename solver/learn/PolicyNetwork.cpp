#include "solver/learn/PolicyNetwork.hpp"

namespace mfg {

namespace nn = torch::nn;

PolicyNetworkImpl::PolicyNetworkImpl(const Model& model, int observation_size, NetworkConfig config)
    : config_(config),
      num_states_(model.numStates()),
      num_actions_(model.numActions()),
      state_shape_(model.stateShape()) {
  const int Es = config_.state_embedding;
  if (config_.state_as_index) {
    state_table_ = register_module("state_table", nn::Embedding(num_states_, Es));
  } else {
    state_layer_ = register_module("state_layer", nn::Linear(static_cast<std::int64_t>(state_shape_.size()), Es));
  }
  int Eo = config_.observation_embedding;
  if (config_.recurrent) {
    gru_ = register_module("gru", nn::GRU(nn::GRUOptions(observation_size, config_.gru_hidden)));
    Eo = config_.gru_hidden;
    observation_layer_ = register_module("observation_layer", nn::Linear(config_.gru_hidden, Eo));
  } else {
    observation_layer_ = register_module("observation_layer", nn::Linear(observation_size, Eo));
  }
  first_state_ = register_module("first_state", nn::Linear(Es, config_.hidden));
  first_observation_ = register_module("first_observation", nn::Linear(nn::LinearOptions(Eo, config_.hidden).bias(false)));
  second_ = register_module("second", nn::Linear(config_.hidden, config_.hidden));
  head_ = register_module("head", nn::Linear(config_.hidden, config_.value_head ? 1 : config_.beta_head ? 2 : num_actions_));
  if (config_.beta_head) {
    // Grid points of an ordered action in (0, 1): the bin midpoints (k + 1/2) / |A|.
    auto grid = (torch::arange(num_actions_, torch::kFloat64) + 0.5) / static_cast<double>(num_actions_);
    log_grid_ = grid.log();
    log_one_minus_grid_ = (1.0 - grid).log();
  }
}

torch::Tensor PolicyNetworkImpl::coordinates(const std::int64_t* flat, std::int64_t n) const {
  // Normalised coordinates of flat indices (row-major, last dimension fastest).
  const auto dims = static_cast<std::int64_t>(state_shape_.size());
  auto coords = torch::empty({n, dims}, torch::kFloat64);
  auto acc = coords.accessor<double, 2>();
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t rest = flat[i];
    for (std::int64_t d = dims - 1; d >= 0; --d) {
      const auto size = state_shape_[static_cast<std::size_t>(d)];
      acc[i][d] = size > 1 ? static_cast<double>(rest % size) / static_cast<double>(size - 1) : 0.0;
      rest /= size;
    }
  }
  return coords;
}

torch::Tensor PolicyNetworkImpl::states(std::int64_t first, std::int64_t last) {
  return statesAt(torch::arange(first, last, torch::kLong));
}

torch::Tensor PolicyNetworkImpl::statesAt(const torch::Tensor& indices) {
  if (config_.state_as_index) return state_table_->forward(indices);
  const auto flat = indices.to(torch::kLong).contiguous();
  const auto coords = coordinates(flat.data_ptr<std::int64_t>(), flat.numel());
  return torch::relu(state_layer_->forward(coords.to(state_layer_->weight.dtype())));
}

torch::Tensor PolicyNetworkImpl::observations(const torch::Tensor& sequence) {
  // [T, d] is one path; [T, B, d] is B paths side by side.
  const bool one = sequence.dim() == 2;
  const auto x = (one ? sequence.unsqueeze(1) : sequence).to(observation_layer_->weight.dtype());
  torch::Tensor out;
  if (!config_.recurrent) {
    out = torch::relu(observation_layer_->forward(x));
  } else {
    const auto h0 = torch::zeros({1, x.size(1), config_.gru_hidden}, observation_layer_->weight.options());
    out = torch::relu(observation_layer_->forward(std::get<0>(gru_->forward(x, h0))));
  }
  return one ? out.squeeze(1) : out;
}

torch::Tensor PolicyNetworkImpl::initialHidden() const {
  return torch::zeros({1, 1, config_.gru_hidden}, observation_layer_->weight.options());
}

torch::Tensor PolicyNetworkImpl::observationStep(const torch::Tensor& o, torch::Tensor& hidden) {
  // o: [d] for one node or [B, d] for B nodes; hidden: [1, B, H].
  const bool one = o.dim() == 1;
  const auto x = (one ? o.unsqueeze(0) : o).to(observation_layer_->weight.dtype());
  torch::Tensor out;
  if (!config_.recurrent) {
    out = torch::relu(observation_layer_->forward(x));
  } else {
    auto [y, h] = gru_->forward(x.unsqueeze(0), hidden);
    hidden = h;
    out = torch::relu(observation_layer_->forward(y.squeeze(0)));
  }
  return one ? out.squeeze(0) : out;
}

namespace {

/// Softmax over the last dimension. LibTorch's kernel is slow on short rows (|A| = 7–20: 4–5× the
/// time of these three passes on the CPU); the shift by the detached row maximum leaves both the
/// value and the gradient unchanged.
torch::Tensor softmaxLastDim(const torch::Tensor& logits) {
  const auto e = (logits - std::get<0>(logits.detach().max(-1, true))).exp();
  return e / e.sum(-1, true);
}

}  // namespace

torch::Tensor PolicyNetworkImpl::firstStatePart(const torch::Tensor& state_embeddings) {
  return first_state_->forward(state_embeddings);
}

torch::Tensor PolicyNetworkImpl::firstObservationPart(const torch::Tensor& observation_embeddings) {
  return first_observation_->forward(observation_embeddings);
}

torch::Tensor PolicyNetworkImpl::probabilities(const torch::Tensor& state_embeddings,
                                               const torch::Tensor& observation_embeddings) {
  // h1[t, s] = relu(W_s e_s + b + W_o e_t): [T, n, H].
  auto h = torch::relu(firstStatePart(state_embeddings).unsqueeze(0) +
                       firstObservationPart(observation_embeddings).unsqueeze(1));
  return softmaxLastDim(logits(torch::relu(second_->forward(h))));
}

torch::Tensor PolicyNetworkImpl::probabilities(const torch::Tensor& state_embeddings,
                                               const torch::Tensor& observation_embeddings, TrunkActivations& keep,
                                               int level, int levels) {
  torch::NoGradGuard no_grad;
  const auto H = config_.hidden;
  const auto B = observation_embeddings.size(0), n = state_embeddings.size(0);
  const auto heads = head_->weight.size(0);
  if (!keep.first.defined() || keep.first.size(0) != levels || keep.first.size(1) != B || keep.first.size(2) != n ||
      keep.first.scalar_type() != second_->weight.scalar_type()) {
    const auto options = second_->weight.options();
    keep.first = torch::empty({levels, B, n, H}, options);
    keep.second = torch::empty({levels, B, n, H}, options);
    keep.out = torch::empty({levels, B, n, heads}, options);
    keep.probs = torch::empty({levels, B, n, num_actions_}, options);
  }
  // The same operations as the graph's forward pass (nn::Linear is addmm on the flattened rows),
  // written into the level's slices: the rollout's π is the same whether activations are kept.
  auto first = keep.first[level], second = keep.second[level], out = keep.out[level];
  torch::add_out(first, firstStatePart(state_embeddings).unsqueeze(0),
                 firstObservationPart(observation_embeddings).unsqueeze(1));
  first.relu_();
  auto second_rows = second.view({B * n, H}), out_rows = out.view({B * n, heads});
  torch::addmm_out(second_rows, second_->bias, first.view({B * n, H}), second_->weight.t());
  second.relu_();
  torch::addmm_out(out_rows, head_->bias, second.view({B * n, H}), head_->weight.t());
  auto probs = keep.probs[level];
  probs.copy_(softmaxLastDim(headLogits(out)));
  return probs;
}

void PolicyNetworkImpl::backwardTrunk(const TrunkActivations& kept, int begin, int end, const torch::Tensor& grad_probs,
                                      torch::Tensor& grad_state_part, torch::Tensor& grad_observation_part) {
  torch::NoGradGuard no_grad;
  const auto H = config_.hidden;
  // Through the softmax: ∂L/∂l_a = π_a (g_a − Σ_b π_b g_b).
  const auto pi = kept.probs.slice(0, begin, end);
  auto grad = pi * (grad_probs - (pi * grad_probs).sum(-1, true));
  if (config_.beta_head) {  // through the Beta head's map from (α, β) to log-densities: a small graph
    torch::AutoGradMode with_grad(true);
    auto out = kept.out.slice(0, begin, end).detach().requires_grad_(true);
    headLogits(out).backward(grad);
    grad = out.grad();
  }
  const auto first = kept.first.slice(0, begin, end), second = kept.second.slice(0, begin, end);
  const auto rows = second.numel() / H;
  const auto g_out = grad.reshape({rows, grad.size(-1)});  // rows may be 0 (a rank without states)
  const auto h2 = second.reshape({rows, H}), h1 = first.reshape({rows, H});
  const auto accumulate = [](torch::Tensor& param, const torch::Tensor& g) {
    if (param.grad().defined()) param.mutable_grad().add_(g);
    else param.mutable_grad() = g.clone();
  };
  accumulate(head_->weight, g_out.t().mm(h2));
  accumulate(head_->bias, g_out.sum(0));
  // Through the second layer: the ReLU's mask is where its output is positive.
  auto g2 = torch::threshold_backward(g_out.mm(head_->weight), h2, 0);
  accumulate(second_->weight, g2.t().mm(h1));
  accumulate(second_->bias, g2.sum(0));
  auto g1 = torch::threshold_backward(g2.mm(second_->weight), h1, 0).view(first.sizes());  // [L, B, n, H]
  grad_state_part.add_(g1.sum(std::vector<std::int64_t>{0, 1}));
  grad_observation_part = g1.sum(2);
}

torch::Tensor PolicyNetworkImpl::paired(const torch::Tensor& state_embeddings,
                                        const torch::Tensor& observation_embeddings) {
  auto h = torch::relu(first_state_->forward(state_embeddings) + first_observation_->forward(observation_embeddings));
  h = torch::relu(second_->forward(h));
  if (config_.value_head) return head_->forward(h).squeeze(-1);
  return torch::log_softmax(logits(h), -1);
}

torch::Tensor PolicyNetworkImpl::pairedLogits(const torch::Tensor& state_embeddings,
                                              const torch::Tensor& observation_embeddings) {
  if (config_.value_head) throw std::logic_error("pairedLogits needs a policy head");
  auto h = torch::relu(first_state_->forward(state_embeddings) + first_observation_->forward(observation_embeddings));
  return logits(torch::relu(second_->forward(h)));
}

torch::Tensor PolicyNetworkImpl::logits(const torch::Tensor& h) { return headLogits(head_->forward(h)); }

torch::Tensor PolicyNetworkImpl::headLogits(const torch::Tensor& out) {
  if (!config_.beta_head) return out;
  const auto alpha = 1.0 + torch::softplus(out.select(-1, 0)).unsqueeze(-1);
  const auto beta = 1.0 + torch::softplus(out.select(-1, 1)).unsqueeze(-1);
  // log Beta(a_k; α, β) up to the normaliser, which the softmax removes.
  return (alpha - 1.0) * log_grid_.to(out.dtype()) + (beta - 1.0) * log_one_minus_grid_.to(out.dtype());
}

torch::Tensor flatParameters(torch::nn::Module& module) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : module.parameters()) parts.push_back(p.detach().reshape({-1}));
  return torch::cat(parts);
}

torch::Tensor flatGradients(torch::nn::Module& module) {
  std::vector<torch::Tensor> parts;
  for (const auto& p : module.parameters())
    parts.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
  return torch::cat(parts);
}

void setFlatGradients(torch::nn::Module& module, const torch::Tensor& flat) {
  std::int64_t offset = 0;
  for (auto& p : module.parameters()) {
    const auto n = p.numel();
    p.mutable_grad() = flat.slice(0, offset, offset + n).view_as(p).clone();
    offset += n;
  }
}

void setFlatParameters(torch::nn::Module& module, const torch::Tensor& flat) {
  torch::NoGradGuard guard;
  std::int64_t offset = 0;
  for (auto& p : module.parameters()) {
    const auto n = p.numel();
    p.copy_(flat.slice(0, offset, offset + n).view_as(p));
    offset += n;
  }
}

}  // namespace mfg
