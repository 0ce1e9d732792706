#include "solver/marl/InSampleValues.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mfg::marl {

InSampleValues inSampleValues(const EmpiricalGame& game, double alpha, double gamma, double tolerance,
                              int max_sweeps) {
  const int S = game.stateCount();
  InSampleValues out;
  out.q.resize(S);
  for (int s = 0; s < S; ++s) out.q[s].assign(game.samples(s).size(), 0.0);
  out.v.assign(S, 0.0);
  std::vector<double> v_new(S);
  for (out.sweeps = 1; out.sweeps <= max_sweeps; ++out.sweeps) {
    double change = 0.0, v_min = std::numeric_limits<double>::infinity();
    for (int s = 0; s < S; ++s) {
      const auto& samples = game.samples(s);
      if (samples.empty()) continue;
      double q_max = -std::numeric_limits<double>::infinity();
      for (std::size_t k = 0; k < samples.size(); ++k) {
        double future = 0.0;
        for (const auto& [next, p] : samples[k].next) future += p * out.v[next];
        out.q[s][k] = samples[k].reward + gamma * future;
        q_max = std::max(q_max, out.q[s][k]);
      }
      double z = 0.0;  // log-sum-exp shifted by the largest Q
      for (std::size_t k = 0; k < samples.size(); ++k)
        z += samples[k].count / game.visits(s) * std::exp((out.q[s][k] - q_max) / alpha);
      v_new[s] = q_max + alpha * std::log(z);
      v_min = std::min(v_min, v_new[s]);
    }
    for (int s = 0; s < S; ++s) {
      if (game.samples(s).empty()) v_new[s] = std::isfinite(v_min) ? v_min : 0.0;
      change = std::max(change, std::abs(v_new[s] - out.v[s]));
    }
    out.v.swap(v_new);
    if (change <= tolerance * std::max(1.0, 1.0 / (1.0 - gamma))) break;
  }
  return out;
}

}  // namespace mfg::marl
