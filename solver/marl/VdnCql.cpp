#include "solver/marl/VdnCql.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mfg::marl {

VdnCqlResult vdnCql(const EmpiricalGame& game, const VdnCqlSettings& settings) {
  const int N = game.players(), S = game.stateCount();
  const auto& A = game.actionCounts();
  VdnCqlResult out;
  out.q.resize(N);
  for (int i = 0; i < N; ++i) out.q[i].assign(static_cast<std::size_t>(S) * A[i], 0.0);
  auto q = [&](int i, int s, int a) -> double& { return out.q[i][static_cast<std::size_t>(s) * A[i] + a]; };
  std::vector<double> best(S);
  std::vector<std::vector<double>> target(S);
  std::vector<std::vector<double>> grad(N);
  for (int it = 0; it < settings.iterations; ++it) {
    for (int s = 0; s < S; ++s) {
      best[s] = 0.0;  // Σ_i max_a Q_i(s, a); 0 where the data never acts
      if (game.samples(s).empty()) continue;
      for (int i = 0; i < N; ++i) best[s] += *std::max_element(&q(i, s, 0), &q(i, s, 0) + A[i]);
    }
    for (int s = 0; s < S; ++s) {
      target[s].clear();
      for (const auto& sample : game.samples(s)) {
        double future = 0.0;
        for (const auto& [next, p] : sample.next) future += p * best[next];
        target[s].push_back(sample.reward + settings.gamma * future);
      }
    }
    for (int step = 0; step < settings.inner; ++step) {
      for (int i = 0; i < N; ++i) grad[i].assign(out.q[i].size(), 0.0);
      for (int s = 0; s < S; ++s) {
        const auto& samples = game.samples(s);
        if (samples.empty()) continue;
        for (std::size_t k = 0; k < samples.size(); ++k) {
          const std::vector<int>& joint = samples[k].actions;
          double total = 0.0;
          for (int i = 0; i < N; ++i) total += q(i, s, joint[i]);
          const double d = samples[k].count / game.visits(s);
          for (int i = 0; i < N; ++i) {
            grad[i][static_cast<std::size_t>(s) * A[i] + joint[i]] += d * 2.0 * (total - target[s][k]);
            grad[i][static_cast<std::size_t>(s) * A[i] + joint[i]] -= settings.conservative * d;
          }
        }
        for (int i = 0; i < N; ++i) {  // gradient of logsumexp: the softmax
          const double top = *std::max_element(&q(i, s, 0), &q(i, s, 0) + A[i]);
          double z = 0.0;
          for (int a = 0; a < A[i]; ++a) z += std::exp(q(i, s, a) - top);
          for (int a = 0; a < A[i]; ++a)
            grad[i][static_cast<std::size_t>(s) * A[i] + a] += settings.conservative * std::exp(q(i, s, a) - top) / z;
        }
      }
      // With the targets frozen the states decouple; the step is split over the players so that
      // Q_tot moves by `step` times its residual.
      for (int i = 0; i < N; ++i)
        for (std::size_t k = 0; k < out.q[i].size(); ++k) out.q[i][k] -= settings.step / (2.0 * N) * grad[i][k];
    }
  }
  out.policy = TabularPolicy(game);
  for (int i = 0; i < N; ++i)
    for (int s = 0; s < S; ++s) {
      if (game.samples(s).empty()) continue;
      const int greedy = static_cast<int>(std::max_element(&q(i, s, 0), &q(i, s, 0) + A[i]) - &q(i, s, 0));
      for (int a = 0; a < A[i]; ++a) out.policy.at(i, s, a) = a == greedy ? 1.0 : 0.0;
    }
  return out;
}

}  // namespace mfg::marl
