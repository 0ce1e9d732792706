#include "solver/learn/Critic.hpp"

#include <stdexcept>

namespace mfg {

namespace nn = torch::nn;

CriticImpl::CriticImpl(const std::vector<std::int64_t>& shape, std::int64_t outputs) {
  if (shape.size() == 3) {
    if (shape[1] < 7 || shape[2] < 7) throw std::invalid_argument("convolutional critic: planes must be at least 7 x 7");
    conv_ = true;
    conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(shape[0], 64, 5)));
    conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(64, 64, 3)));
    drop1_ = register_module("drop1", nn::Dropout(0.2));
    drop2_ = register_module("drop2", nn::Dropout(0.2));
    fc1_ = register_module("fc1", nn::Linear(64 * (shape[1] - 6) * (shape[2] - 6), 1024));
    fc2_ = register_module("fc2", nn::Linear(1024, 1024));
    out_ = register_module("out", nn::Linear(1024, outputs));
  } else {
    std::int64_t d = 1;
    for (auto x : shape) d *= x;
    fc1_ = register_module("fc1", nn::Linear(d, 256));
    fc2_ = register_module("fc2", nn::Linear(256, 256));
    out_ = register_module("out", nn::Linear(256, outputs));
  }
}

torch::Tensor CriticImpl::forward(const torch::Tensor& x) {
  if (conv_) {
    auto h = drop1_->forward(torch::relu(conv1_->forward(x)));
    h = drop2_->forward(torch::relu(conv2_->forward(h)));
    h = torch::elu(fc1_->forward(h.flatten(1)));
    h = torch::elu(fc2_->forward(h));
    return out_->forward(h);
  }
  auto h = torch::relu(fc1_->forward(x.flatten(1)));
  h = torch::relu(fc2_->forward(h));
  return out_->forward(h);
}

}  // namespace mfg
