#include "solver/irl/Plays.hpp"

#include <cmath>
#include <random>
#include <stdexcept>

namespace mfg::irl {

namespace {

/// Index of the first cumulative weight above u (the last entry absorbs rounding).
template <class Weight>
std::size_t draw(std::size_t n, double u, Weight weight) {
  double acc = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    acc += weight(i);
    if (u < acc) return i;
  }
  return n - 1;
}

constexpr double kFloor = 1e-300;

}  // namespace

GlobalTable empiricalFlow(const Demonstrations& d, std::int64_t play, std::int64_t num_states) {
  GlobalTable mu(static_cast<std::size_t>(d.steps + 1), std::vector<double>(static_cast<std::size_t>(num_states), 0.0));
  const double w = 1.0 / static_cast<double>(d.agents);
  for (std::int64_t i = 0; i < d.agents; ++i)
    for (std::int64_t t = 0; t <= d.steps; ++t) mu[static_cast<std::size_t>(t)][static_cast<std::size_t>(d.state(play, i, t))] += w;
  return mu;
}

GlobalTable empiricalOccupancy(const Demonstrations& d, std::int64_t play, std::int64_t num_states,
                               std::int64_t num_actions) {
  GlobalTable c(static_cast<std::size_t>(d.steps),
                std::vector<double>(static_cast<std::size_t>(num_states * num_actions), 0.0));
  const double w = 1.0 / static_cast<double>(d.agents);
  for (std::int64_t i = 0; i < d.agents; ++i)
    for (std::int64_t t = 0; t < d.steps; ++t)
      c[static_cast<std::size_t>(t)][static_cast<std::size_t>(d.state(play, i, t) * num_actions + d.action(play, i, t))] += w;
  return c;
}

std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t z = seed ^ (stream * 0x9E3779B97F4A7C15ULL) ^ (index * 0xD1B54A32D192ED03ULL);
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void samplePlay(const Model& model, const GlobalTable& policy, const GlobalTable& flow, std::int64_t agents,
                std::uint64_t seed, std::int64_t* states, std::int64_t* actions,
                const std::vector<std::int64_t>& initial) {
  if (model.usesStateAction()) throw std::invalid_argument("sampling plays: models that read L_t are not supported");
  const int T = model.numSteps();
  const std::int64_t S = model.numStates(), A = model.numActions();
  if (static_cast<int>(policy.size()) != T || static_cast<int>(flow.size()) != T + 1)
    throw std::invalid_argument("sampling plays: the policy needs T slices and the flow T + 1");
  std::mt19937_64 rng(seed);
  const auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  const auto mu0 = model.initialDistribution();
  // The view of each step is built once: the kernel reads the population flow, not the sample.
  std::vector<std::vector<double>> stats(static_cast<std::size_t>(T));
  for (int t = 0; t < T; ++t) {
    MeanFieldView v;
    v.t = t;
    v.mu = flow[static_cast<std::size_t>(t)];
    v.mu_next = flow[static_cast<std::size_t>(t + 1)];
    model.aggregate(v, stats[static_cast<std::size_t>(t)]);
  }
  std::vector<Transition> row;
  for (std::int64_t i = 0; i < agents; ++i) {
    std::int64_t s = initial.empty()
                         ? static_cast<std::int64_t>(draw(static_cast<std::size_t>(S), uniform(), [&](std::size_t k) { return mu0[k]; }))
                         : initial[static_cast<std::size_t>(i) % initial.size()];
    states[i * (T + 1)] = s;
    for (int t = 0; t < T; ++t) {
      const double* p = policy[static_cast<std::size_t>(t)].data() + s * A;
      const auto a = static_cast<std::int64_t>(draw(static_cast<std::size_t>(A), uniform(), [&](std::size_t k) { return p[k]; }));
      actions[i * T + t] = a;
      MeanFieldView v;
      v.t = t;
      v.mu = flow[static_cast<std::size_t>(t)];
      v.mu_next = flow[static_cast<std::size_t>(t + 1)];
      v.stats = stats[static_cast<std::size_t>(t)];
      model.transitions(v, s, a, row);
      s = row[draw(row.size(), uniform(), [&](std::size_t k) { return row[k].prob; })].next;
      states[i * (T + 1) + t + 1] = s;
    }
  }
  (void)S;
}

double policyKl(const GlobalTable& expert_flow, const GlobalTable& expert_policy, const GlobalTable& policy,
                std::int64_t num_actions) {
  double total = 0.0;
  for (std::size_t t = 0; t < expert_policy.size(); ++t) {
    const auto& pe = expert_policy[t];
    const auto& p = policy[t];
    for (std::size_t s = 0; s < expert_flow[t].size(); ++s) {
      const double m = expert_flow[t][s];
      if (m == 0.0) continue;
      double kl = 0.0;
      for (std::int64_t a = 0; a < num_actions; ++a) {
        const auto i = s * static_cast<std::size_t>(num_actions) + static_cast<std::size_t>(a);
        if (pe[i] > 0.0) kl += pe[i] * (std::log(pe[i]) - std::log(std::max(p[i], kFloor)));
      }
      total += m * kl;
    }
  }
  return total;
}

double flowKl(const GlobalTable& expert_flow, const GlobalTable& flow) {
  double total = 0.0;
  for (std::size_t t = 0; t < expert_flow.size(); ++t)
    for (std::size_t s = 0; s < expert_flow[t].size(); ++s) {
      const double m = expert_flow[t][s];
      if (m > 0.0) total += m * (std::log(m) - std::log(std::max(flow[t][s], kFloor)));
    }
  return total;
}

}  // namespace mfg::irl
