#include "solver/marl/Inspo.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "solver/models/InputError.hpp"

namespace mfg::marl {

Inspo::Inspo(const EmpiricalGame& game, const InspoSettings& settings)
    : game_(game), settings_(settings), policy_(game) {
  if (!(settings.alpha > 0.0)) throw InputError(fmt::format("--alpha must be > 0 (got {})", settings.alpha));
  if (!(settings.beta >= 0.0)) throw InputError(fmt::format("--beta must be >= 0 (got {})", settings.beta));
  if (!(settings.gamma >= 0.0 && settings.gamma < 1.0))
    throw InputError(fmt::format("gamma must be in [0, 1) (got {})", settings.gamma));
  values_ = inSampleValues(game, settings.alpha, settings.gamma);
  const double margin = game.maxAbsReward() / (1.0 - settings.gamma);
  const int J = game.jointActionCount();
  for (int flat = 0; flat < J; ++flat) joints_.push_back(game.jointAction(flat));
  q_hat_.resize(game.stateCount());
  for (int s = 0; s < game.stateCount(); ++s) {
    const auto& samples = game.samples(s);
    if (samples.empty()) continue;
    const double floor = *std::min_element(values_.q[s].begin(), values_.q[s].end()) - margin;
    q_hat_[s].assign(J, floor);
    for (std::size_t k = 0; k < samples.size(); ++k) q_hat_[s][samples[k].joint] = values_.q[s][k];
  }
  // Starting policies: μ_b with seeded logit noise on the actions the data shows.
  std::mt19937_64 rng(settings.seed);
  std::normal_distribution<double> noise(0.0, settings.init_noise);
  for (int i = 0; i < game.players(); ++i)
    for (int s = 0; s < game.stateCount(); ++s) {
      if (game.samples(s).empty()) continue;
      double z = 0.0;
      for (int a = 0; a < policy_.action_counts[i]; ++a) {
        const double eps = noise(rng);
        double& p = policy_.at(i, s, a);
        p = p > 0.0 ? p * std::exp(eps) : 0.0;
        z += p;
      }
      for (int a = 0; a < policy_.action_counts[i]; ++a) policy_.at(i, s, a) /= z;
    }
}

std::vector<double> Inspo::target(int player, int state, const TabularPolicy& teammates) const {
  const int A = game_.actionCounts()[player];
  std::vector<double> local(A, 0.0);
  for (int flat = 0; flat < game_.jointActionCount(); ++flat) {
    const std::vector<int>& joint = joints_[flat];
    double w = 1.0;
    for (int j = 0; j < game_.players() && w != 0.0; ++j)
      if (j != player) w *= teammates.at(j, state, joint[j]);
    if (w != 0.0) local[joint[player]] += w * q_hat_[state][flat];
  }
  const double temperature = settings_.alpha + settings_.beta;
  std::vector<double> logit(A, -std::numeric_limits<double>::infinity());
  double top = -std::numeric_limits<double>::infinity();
  for (int a = 0; a < A; ++a) {
    const double mu = game_.behaviour(player, state, a);
    if (mu <= 0.0) continue;  // in-sample: never an action the data does not show here
    logit[a] = settings_.alpha / temperature * std::log(mu) + local[a] / temperature;
    top = std::max(top, logit[a]);
  }
  std::vector<double> p(A, 0.0);
  double z = 0.0;
  for (int a = 0; a < A; ++a)
    if (std::isfinite(logit[a])) z += p[a] = std::exp(logit[a] - top);
  for (double& x : p) x /= z;
  return p;
}

double Inspo::iterate() {
  const int N = game_.players();
  order_.resize(N);
  std::iota(order_.begin(), order_.end(), 0);
  // The permutation of iteration k comes from (seed, k), so a run is reproducible step by step.
  std::mt19937_64 rng(settings_.seed ^ (0x9E3779B97F4A7C15ULL * (++iteration_)));
  std::shuffle(order_.begin(), order_.end(), rng);
  const TabularPolicy before = policy_;
  TabularPolicy next = policy_;
  for (int player : order_) {
    // Sequential: teammates as they are now in `next` (updated or not); simultaneous: as before.
    const TabularPolicy& teammates = settings_.sequential ? next : before;
    for (int s = 0; s < game_.stateCount(); ++s) {
      if (game_.samples(s).empty()) continue;
      const std::vector<double> p = target(player, s, teammates);
      for (int a = 0; a < static_cast<int>(p.size()); ++a) next.at(player, s, a) = p[a];
    }
  }
  policy_ = std::move(next);
  return policy_.distance(before);
}

}  // namespace mfg::marl
