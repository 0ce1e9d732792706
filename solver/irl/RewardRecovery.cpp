#include "solver/irl/RewardRecovery.hpp"

#include <fmt/core.h>

#include <cmath>

#include "solver/irl/Plays.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::irl {

std::vector<double> trueTransitionRewards(const Model& model, const Demonstrations& d, std::int64_t play) {
  if (model.noise() != nullptr || model.usesStateAction())
    throw InputError(fmt::format("reward recovery: model '{}' has common noise or reads L_t", model.name()));
  const auto flow = empiricalFlow(d, play, model.numStates());
  std::vector<double> stats, out(static_cast<std::size_t>(d.agents * d.steps));
  for (std::int64_t t = 0; t < d.steps; ++t) {
    MeanFieldView view;
    view.t = static_cast<int>(t);
    view.mu = flow[static_cast<std::size_t>(t)];
    if (model.rewardUsesNext()) view.mu_next = flow[static_cast<std::size_t>(t + 1)];
    model.aggregate(view, stats);
    view.stats = stats;
    for (std::int64_t i = 0; i < d.agents; ++i)
      out[static_cast<std::size_t>(i * d.steps + t)] = model.reward(view, d.state(play, i, t), d.action(play, i, t));
  }
  return out;
}

RewardRecovery compareRewards(const std::vector<double>& learned, const std::vector<double>& truth) {
  if (learned.size() != truth.size())
    throw InputError(fmt::format("reward recovery: {} learned rewards for {} true ones", learned.size(), truth.size()));
  RewardRecovery r;
  r.transitions = static_cast<std::int64_t>(truth.size());
  if (truth.empty()) return r;
  const double n = static_cast<double>(truth.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t k = 0; k < truth.size(); ++k) {
    mx += learned[k] / n;
    my += truth[k] / n;
    r.mse += (learned[k] - truth[k]) * (learned[k] - truth[k]) / n;
  }
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t k = 0; k < truth.size(); ++k) {
    sxy += (learned[k] - mx) * (truth[k] - my);
    sxx += (learned[k] - mx) * (learned[k] - mx);
    syy += (truth[k] - my) * (truth[k] - my);
  }
  r.corr = sxx > 0.0 && syy > 0.0 ? sxy / std::sqrt(sxx * syy) : std::nan("");
  return r;
}

}  // namespace mfg::irl
