#include "solver/learn/Mlp.hpp"

namespace mfg {

MlpImpl::MlpImpl(std::int64_t inputs, std::int64_t hidden, int layers, std::int64_t outputs) {
  hidden_ = register_module("hidden", torch::nn::ModuleList());
  std::int64_t width = inputs;
  for (int k = 0; k < layers; ++k) {
    hidden_->push_back(torch::nn::Linear(width, hidden));
    width = hidden;
  }
  out_ = register_module("out", torch::nn::Linear(width, outputs));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  for (const auto& layer : *hidden_) h = torch::relu(layer->as<torch::nn::Linear>()->forward(h));
  return out_->forward(h);
}

}  // namespace mfg
