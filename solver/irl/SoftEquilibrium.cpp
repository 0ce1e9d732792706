#include "solver/irl/SoftEquilibrium.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "parallel/Collectives.hpp"

namespace mfg::irl {

Policy softPolicy(const Values& values, std::int64_t actions, double temperature) {
  Policy pi;
  pi.pi.resize(values.Q.size());
  for (std::size_t t = 0; t < values.Q.size(); ++t) {
    const auto& q = values.Q[t];
    const auto& v = values.V[t];
    auto& p = pi.pi[t];
    p.resize(q.size());
    for (std::size_t s = 0; s < v.size(); ++s) {
      double total = 0.0;
      for (std::int64_t a = 0; a < actions; ++a) {
        const auto i = s * static_cast<std::size_t>(actions) + static_cast<std::size_t>(a);
        p[i] = std::exp((q[i] - v[s]) / temperature);
        total += p[i];
      }
      // V is the log-sum-exp of the row, so the total is 1 up to rounding; renormalise it away.
      for (std::int64_t a = 0; a < actions; ++a) p[s * static_cast<std::size_t>(actions) + static_cast<std::size_t>(a)] /= total;
    }
  }
  return pi;
}

Policy softBestResponse(ExactEngine& engine, double temperature, const MeanFieldFlow& flow, Values* values) {
  const auto uniform = Policy::uniform(engine.layout(), engine.policySlices());
  Values v = engine.soft(temperature, flow, uniform);
  Policy pi = softPolicy(v, engine.layout().actions(), temperature);
  if (values) *values = std::move(v);
  return pi;
}

SoftEquilibrium solveSoftEquilibrium(ExactEngine& engine, const SoftEquilibriumSettings& settings,
                                     const std::function<void(const MeanFieldFlow&)>& before_backup) {
  if (!(settings.temperature > 0.0)) throw std::invalid_argument("soft equilibrium: the temperature must be > 0");
  const MPI_Comm comm = engine.layout().comm();
  SoftEquilibrium eq;
  eq.policy = Policy::uniform(engine.layout(), engine.policySlices());
  MeanFieldFlow mu = engine.forward(eq.policy);
  double previous = INFINITY;
  double step = 1.0;
  for (int k = 1; k <= settings.max_iterations; ++k) {
    if (before_backup) before_backup(mu);
    eq.values = engine.soft(settings.temperature, mu, eq.policy);
    eq.policy = softPolicy(eq.values, engine.layout().actions(), settings.temperature);
    MeanFieldFlow next = engine.forward(eq.policy);
    double local = 0.0;
    for (std::size_t t = 0; t < mu.mu.size(); ++t)
      for (std::size_t s = 0; s < mu.mu[t].size(); ++s) local = std::max(local, std::abs(next.mu[t][s] - mu.mu[t][s]));
    eq.residual = parallel::max(comm, local);
    eq.iterations = k;
    if (eq.residual < settings.tolerance) {
      eq.flow = std::move(next);
      eq.converged = true;
      eq.damping = step;
      return eq;
    }
    // The plain map μ ← Φ(μ) contracts for weak interactions; when it stops contracting (a cycle
    // between two flows), smaller steps toward Φ(μ) restore convergence. The rule uses only the
    // allreduced residual, so every rank takes the same branch.
    if (eq.residual >= previous) step = std::max(step * 0.5, 1.0 / 1024.0);
    previous = eq.residual;
    for (std::size_t t = 0; t < mu.mu.size(); ++t)
      for (std::size_t s = 0; s < mu.mu[t].size(); ++s) mu.mu[t][s] += step * (next.mu[t][s] - mu.mu[t][s]);
  }
  eq.flow = std::move(mu);
  eq.damping = step;
  return eq;
}

}  // namespace mfg::irl
