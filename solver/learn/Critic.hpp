#pragma once
// Action-value networks of the multi-agent learners (docs/methods.md §12): one output per action
// (or per joint action) for an observation.
//   grid observations [C, H, W]: Conv(C→64, k5) → ReLU → Dropout 0.2 → Conv(64→64, k3) → ReLU →
//                                Dropout 0.2 → FC 1024 → ELU → FC 1024 → ELU → FC outputs;
//   vector observations [d]:     FC 256 → ReLU → FC 256 → ReLU → FC outputs.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mfg {

class CriticImpl : public torch::nn::Module {
 public:
  CriticImpl(const std::vector<std::int64_t>& observation_shape, std::int64_t outputs);
  /// [B, obs...] → [B, outputs].
  torch::Tensor forward(const torch::Tensor& observations);
  bool convolutional() const { return conv_; }

 private:
  bool conv_ = false;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Dropout drop1_{nullptr}, drop2_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr}, out_{nullptr};
};
TORCH_MODULE(Critic);

}  // namespace mfg
