#pragma once
// A plain multilayer perceptron: Linear → ReLU repeated `layers` times, then a linear output. The
// small networks of inverse RL (rewards, potentials, encoders, cloned policies) are all of this form.
#include <torch/torch.h>

namespace mfg {

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(std::int64_t inputs, std::int64_t hidden, int layers, std::int64_t outputs);
  /// [..., inputs] → [..., outputs]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::ModuleList hidden_;
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace mfg
