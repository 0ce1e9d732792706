#include "solver/rl/ParticleFlow.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "solver/models/InputError.hpp"

namespace mfg::rl {

namespace {

std::uint64_t splitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

MeanFieldView SampledSequence::kernelView(int t) const {
  MeanFieldView v;
  v.t = t;
  v.mu = mu[static_cast<std::size_t>(t)];
  if (!L.empty()) v.L = L[static_cast<std::size_t>(t)];
  v.stats = kernel_stats[static_cast<std::size_t>(t)];
  v.z = z[static_cast<std::size_t>(t)];
  return v;
}

MeanFieldView SampledSequence::rewardView(int t) const {
  MeanFieldView v = kernelView(t);
  if (reward_uses_next) v.mu_next = mu[static_cast<std::size_t>(t) + 1];
  v.z_next = z[static_cast<std::size_t>(t) + 1];
  v.stats = reward_stats[static_cast<std::size_t>(t)];
  return v;
}

double ParticleFlow::uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t step) {
  const std::uint64_t bits = splitMix(splitMix(seed ^ splitMix(stream)) + step);
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

std::int64_t ParticleFlow::pick(const double* weights, std::int64_t n, double u) {
  double total = 0.0;
  for (std::int64_t i = 0; i < n; ++i) total += weights[i];
  const double target = u * total;
  double run = 0.0;
  std::int64_t last_positive = -1;
  for (std::int64_t i = 0; i < n; ++i) {
    if (weights[i] <= 0.0) continue;
    run += weights[i];
    last_positive = i;
    if (target < run) return i;
  }
  // Rounding left u·Σ at the very top: the last entry with mass.
  if (last_positive < 0) throw std::runtime_error("cannot sample from an all-zero distribution");
  return last_positive;
}

ParticleFlow::ParticleFlow(const Model& model, MPI_Comm comm, std::int64_t particles)
    : model_(model), comm_(comm), particles_(particles) {
  if (particles < 1 || particles > (std::int64_t{1} << 40))
    throw InputError("particles = " + std::to_string(particles) + " is invalid (valid: 1..2^40)");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  first_ = particles * rank / size;
  last_ = particles * (rank + 1) / size;
}

SampledSequence ParticleFlow::sample(const std::vector<std::vector<double>>& z, std::uint64_t seed,
                                     const PopulationRule& rule) const {
  const int T = model_.numSteps();
  if (static_cast<int>(z.size()) != T + 1)
    throw std::invalid_argument("a noise path needs z_0..z_T (" + std::to_string(T + 1) + " entries)");
  const std::int64_t S = model_.numStates(), A = model_.numActions();
  const double M = static_cast<double>(particles_);
  SampledSequence seq;
  seq.z = z;
  seq.reward_uses_next = model_.rewardUsesNext();

  // Particles start from μ_0(z_0); state of particle k is kept for this rank's block only.
  const auto mu0 = model_.initialDistribution(z[0]);
  std::vector<std::int64_t> state(static_cast<std::size_t>(last_ - first_));
  std::vector<double> cumulative(mu0.size());
  double run = 0.0;
  for (std::size_t s = 0; s < mu0.size(); ++s) cumulative[s] = run += mu0[s];
  for (std::int64_t k = first_; k < last_; ++k) {
    const double u = uniform(seed, static_cast<std::uint64_t>(k), 0) * run;
    auto at = std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
    at = std::min<std::int64_t>(at, S - 1);
    while (mu0[static_cast<std::size_t>(at)] <= 0.0 && at > 0) --at;  // never start where μ_0 has no mass
    state[static_cast<std::size_t>(k - first_)] = at;
  }
  std::vector<std::int64_t> counts(static_cast<std::size_t>(S));
  const auto histogram = [&] {
    std::fill(counts.begin(), counts.end(), 0);
    for (auto s : state) ++counts[static_cast<std::size_t>(s)];
    MPI_Allreduce(MPI_IN_PLACE, counts.data(), static_cast<int>(S), MPI_INT64_T, MPI_SUM, comm_);
    std::vector<double> mu(static_cast<std::size_t>(S));
    for (std::int64_t s = 0; s < S; ++s) mu[static_cast<std::size_t>(s)] = static_cast<double>(counts[s]) / M;
    return mu;
  };
  seq.mu.push_back(histogram());

  std::vector<std::vector<Transition>> rows(static_cast<std::size_t>(S));
  std::vector<char> built(static_cast<std::size_t>(S));
  std::vector<double> probs;
  const std::vector<double> uniform_pi(static_cast<std::size_t>(S * A), 1.0 / static_cast<double>(A));
  for (int t = 0; t < T; ++t) {
    const auto& mu = seq.mu.back();
    // The observation is read as the engine's forward pass reads it: before π_t is known (L from
    // the uniform policy).
    std::vector<double> L_uniform, stats;
    MeanFieldView view;
    view.t = t;
    view.mu = mu;
    view.z = z[static_cast<std::size_t>(t)];
    if (model_.usesStateAction()) {
      L_uniform.resize(static_cast<std::size_t>(S * A));
      for (std::int64_t s = 0; s < S; ++s)
        for (std::int64_t a = 0; a < A; ++a) L_uniform[s * A + a] = mu[s] * uniform_pi[s * A + a];
      view.L = L_uniform;
    }
    model_.aggregate(view, stats);
    view.stats = stats;
    std::vector<std::int64_t> action(static_cast<std::size_t>(S), 0);
    seq.observation.push_back(rule(t, view, action));
    for (auto a : action)
      if (a < 0 || a >= A) throw std::runtime_error("population rule chose action " + std::to_string(a));
    if (model_.usesStateAction()) {
      std::vector<double> L(static_cast<std::size_t>(S * A), 0.0);
      for (std::int64_t s = 0; s < S; ++s) L[s * A + action[s]] = mu[s];
      seq.L.push_back(std::move(L));
    }
    seq.action.push_back(std::move(action));
    const auto kernel_view = [&] {
      MeanFieldView v;
      v.t = t;
      v.mu = seq.mu[static_cast<std::size_t>(t)];
      if (!seq.L.empty()) v.L = seq.L.back();
      v.z = z[static_cast<std::size_t>(t)];
      return v;
    };
    MeanFieldView kv = kernel_view();
    std::vector<double> kstats;
    model_.aggregate(kv, kstats);
    seq.kernel_stats.push_back(kstats);
    kv.stats = seq.kernel_stats.back();

    // Move: one kernel row per occupied state (every particle there plays the same action).
    std::fill(built.begin(), built.end(), 0);
    for (std::size_t i = 0; i < state.size(); ++i) {
      const auto s = state[i];
      auto& r = rows[static_cast<std::size_t>(s)];
      if (!built[static_cast<std::size_t>(s)]) {
        model_.transitions(kv, s, seq.action.back()[static_cast<std::size_t>(s)], r);
        built[static_cast<std::size_t>(s)] = 1;
      }
      probs.resize(r.size());
      for (std::size_t e = 0; e < r.size(); ++e) probs[e] = r[e].prob;
      const double u = uniform(seed, static_cast<std::uint64_t>(first_) + i, static_cast<std::uint64_t>(t) + 1);
      state[i] = r[static_cast<std::size_t>(pick(probs.data(), static_cast<std::int64_t>(probs.size()), u))].next;
    }
    seq.mu.push_back(histogram());
  }
  // The reward's view at t knows μ̂_{t+1} and z_{t+1}.
  for (int t = 0; t < T; ++t) {
    MeanFieldView v = seq.kernelView(t);
    if (seq.reward_uses_next) v.mu_next = seq.mu[static_cast<std::size_t>(t) + 1];
    v.z_next = z[static_cast<std::size_t>(t) + 1];
    std::vector<double> rstats;
    model_.aggregate(v, rstats);
    seq.reward_stats.push_back(std::move(rstats));
  }
  return seq;
}

}  // namespace mfg::rl
