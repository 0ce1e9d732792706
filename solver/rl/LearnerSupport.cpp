#include "solver/rl/LearnerSupport.hpp"

#include <algorithm>
#include <memory>

#include "solver/learn/NetworkEvaluation.hpp"

namespace mfg::rl {

PopulationRuleFactory populationMode(const Model& model, PolicyNetwork net, int observation_size) {
  return [&model, net, observation_size]() mutable -> PopulationRule {
    torch::Tensor all_states;
    {
      torch::NoGradGuard no_grad;
      all_states = net->states(0, model.numStates());
    }
    auto hidden = std::make_shared<torch::Tensor>(net->initialHidden());
    return [&model, net, observation_size, all_states, hidden](int t, const MeanFieldView& view,
                                                               std::vector<std::int64_t>& action) mutable {
      torch::NoGradGuard no_grad;
      auto o = sharedObservation(model, view, t);
      const auto e = net->observationStep(torch::tensor(o, torch::kFloat64).view({1, observation_size}), *hidden);
      const auto mode = net->probabilities(all_states, e).squeeze(0).argmax(-1).to(torch::kLong).contiguous();
      action.assign(mode.data_ptr<std::int64_t>(), mode.data_ptr<std::int64_t>() + mode.numel());
      return o;
    };
  };
}

void broadcastParameters(PolicyNetwork& net, MPI_Comm comm) {
  auto flat = flatParameters(*net).contiguous();
  MPI_Bcast(flat.data_ptr(), static_cast<int>(flat.numel()), mpiType(flat), 0, comm);
  setFlatParameters(*net, flat);
}

double decayedRate(double initial, double final_fraction, long iteration, long iterations) {
  const double K = static_cast<double>(std::max(1L, iterations - 1));
  const double progress = std::min(1.0, static_cast<double>(iteration) / K);
  return initial * (1.0 - (1.0 - final_fraction) * progress);
}

void setLearningRate(torch::optim::Adam& adam, double rate) {
  for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
}

torch::Tensor clippedToNorm(torch::Tensor grad, double max_norm) {
  const double norm = grad.norm().item<double>();
  if (norm > max_norm) grad.mul_(max_norm / norm);
  return grad;
}

MPI_Datatype mpiType(const torch::Tensor& t) { return t.scalar_type() == torch::kFloat64 ? MPI_DOUBLE : MPI_FLOAT; }

}  // namespace mfg::rl
