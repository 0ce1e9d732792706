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

namespace {

/// Solves the small symmetric system (G + ridge·I) γ = b by Gaussian elimination with partial pivoting.
std::vector<double> solveSmall(std::vector<double> G, std::vector<double> b, std::size_t n) {
  double trace = 0.0;
  for (std::size_t i = 0; i < n; ++i) trace += G[i * n + i];
  for (std::size_t i = 0; i < n; ++i) G[i * n + i] += 1e-10 * trace + 1e-300;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(G[r * n + c]) > std::abs(G[p * n + c])) p = r;
    for (std::size_t k = 0; k < n; ++k) std::swap(G[c * n + k], G[p * n + k]);
    std::swap(b[c], b[p]);
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = G[r * n + c] / G[c * n + c];
      for (std::size_t k = c; k < n; ++k) G[r * n + k] -= f * G[c * n + k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (std::size_t c = n; c-- > 0;) {
    double v = b[c];
    for (std::size_t k = c + 1; k < n; ++k) v -= G[c * n + k] * x[k];
    x[c] = v / G[c * n + c];
  }
  return x;
}

std::vector<double> flatten(const MeanFieldFlow& f) {
  std::vector<double> v;
  for (const auto& row : f.mu) v.insert(v.end(), row.begin(), row.end());
  return v;
}

}  // namespace

SoftEquilibrium solveSoftEquilibrium(ExactEngine& engine, const SoftEquilibriumSettings& settings,
                                     const std::function<void(const MeanFieldFlow&)>& before_backup) {
  if (!(settings.temperature > 0.0)) throw std::invalid_argument("soft equilibrium: the temperature must be > 0");
  const MPI_Comm comm = engine.layout().comm();
  SoftEquilibrium eq;
  eq.policy = Policy::uniform(engine.layout(), engine.policySlices());
  MeanFieldFlow mu = engine.forward(eq.policy);
  const std::size_t slices = mu.mu.size(), nS = mu.mu[0].size();
  // Anderson acceleration of the map x ↦ Φ(x) (x the flow, Φ the flow of the soft best response to
  // it): the next flow combines the last `memory` iterates so as to cancel their residuals in the
  // least-squares sense. Where the plain iteration cycles (a sharp best response, a reward that
  // reads μ strongly) this converges in tens of iterations instead of thousands of damped ones.
  // Iterates are projected back onto flows (non-negative, each slice with Φ's mass); when the
  // residual grows tenfold past the best one, the history restarts from the best flow with half
  // the mixing. Every decision uses allreduced numbers, so every rank takes the same branch.
  constexpr std::size_t kMemory = 6;
  std::vector<std::vector<double>> dX, dG;
  std::vector<double> x = flatten(mu), x_prev, g_prev, x_best, g_best;
  double best = INFINITY, mixing = 1.0;
  bool have_previous = false;  // not x_prev.empty(): a rank may own no state at all
  const auto unflatten = [&](const std::vector<double>& v, MeanFieldFlow& f) {
    for (std::size_t t = 0; t < slices; ++t) std::copy(v.begin() + t * nS, v.begin() + (t + 1) * nS, f.mu[t].begin());
  };
  // Past half the budget, Anderson mixing gives way to fictitious play on the flows (the next flow
  // the running average of the best responses' flows, x ← x + g / (j + 1) from the best iterate):
  // slow, but it does not cycle where the accelerated iteration keeps restarting (a learned reward
  // whose equilibrium the plain map circles).
  const int averaging_from = settings.max_iterations / 2;
  int averaged = 0;
  for (int k = 1; k <= settings.max_iterations; ++k) {
    unflatten(x, mu);
    if (before_backup) before_backup(mu);
    eq.values = engine.soft(settings.temperature, mu, eq.policy);
    eq.policy = softPolicy(eq.values, engine.layout().actions(), settings.temperature);
    MeanFieldFlow next = engine.forward(eq.policy);
    const std::vector<double> fx = flatten(next);
    std::vector<double> g(x.size());
    double local = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      g[i] = fx[i] - x[i];
      local = std::max(local, std::abs(g[i]));
    }
    eq.residual = parallel::max(comm, local);
    eq.iterations = k;
    eq.damping = mixing;
    if (eq.residual < settings.tolerance) {
      eq.flow = std::move(next);
      eq.converged = true;
      return eq;
    }
    if (eq.residual < best) {
      best = eq.residual;
      x_best = x;
      g_best = g;
    }
    if (k > averaging_from) {
      if (averaged == 0) {  // start from the best iterate so far
        x = x_best;
        g = g_best;
      }
      ++averaged;
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += g[i] / static_cast<double>(averaged + 1);
      continue;
    }
    if (eq.residual > 10.0 * best) {
      dX.clear();
      dG.clear();
      have_previous = false;
      mixing = std::max(0.5 * mixing, 1.0 / 64.0);
      x = x_best;
      g = g_best;
    }
    if (have_previous) {
      std::vector<double> dx(x.size()), dg(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        dx[i] = x[i] - x_prev[i];
        dg[i] = g[i] - g_prev[i];
      }
      dX.push_back(std::move(dx));
      dG.push_back(std::move(dg));
      if (dX.size() > kMemory) {
        dX.erase(dX.begin());
        dG.erase(dG.begin());
      }
    }
    x_prev = x;
    g_prev = g;
    have_previous = true;
    std::vector<double> x_new(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) x_new[i] = x[i] + mixing * g[i];
    if (!dG.empty()) {
      const std::size_t m = dG.size();
      std::vector<double> sums(m * m + m, 0.0);  // ΔGᵀΔG and ΔGᵀg, one allreduce
      for (std::size_t a = 0; a < m; ++a) {
        for (std::size_t b = 0; b <= a; ++b) {
          double v = 0.0;
          for (std::size_t i = 0; i < x.size(); ++i) v += dG[a][i] * dG[b][i];
          sums[a * m + b] = sums[b * m + a] = v;
        }
        double v = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) v += dG[a][i] * g[i];
        sums[m * m + a] = v;
      }
      MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM, comm);
      const auto gamma = solveSmall(std::vector<double>(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(m * m)),
                                    std::vector<double>(sums.begin() + static_cast<std::ptrdiff_t>(m * m), sums.end()), m);
      for (std::size_t a = 0; a < m; ++a)
        for (std::size_t i = 0; i < x.size(); ++i) x_new[i] -= gamma[a] * (dX[a][i] + mixing * dG[a][i]);
    }
    // Back onto flows: no negative mass, each slice with the mass Φ gave it.
    std::vector<double> mass(2 * slices, 0.0);
    for (std::size_t t = 0; t < slices; ++t)
      for (std::size_t s = 0; s < nS; ++s) {
        double& v = x_new[t * nS + s];
        if (v < 0.0) v = 0.0;
        mass[t] += v;
        mass[slices + t] += fx[t * nS + s];
      }
    MPI_Allreduce(MPI_IN_PLACE, mass.data(), static_cast<int>(mass.size()), MPI_DOUBLE, MPI_SUM, comm);
    for (std::size_t t = 0; t < slices; ++t)
      if (mass[t] > 0.0)
        for (std::size_t s = 0; s < nS; ++s) x_new[t * nS + s] *= mass[slices + t] / mass[t];
    x = std::move(x_new);
  }
  // Not converged: the best iterate, with its own best response and that policy's flow (a
  // consistent pair; its residual is the smallest seen).
  if (best < INFINITY) {
    unflatten(x_best, mu);
    if (before_backup) before_backup(mu);
    eq.values = engine.soft(settings.temperature, mu, eq.policy);
    eq.policy = softPolicy(eq.values, engine.layout().actions(), settings.temperature);
    eq.residual = best;
  }
  eq.flow = engine.forward(eq.policy);
  return eq;
}

}  // namespace mfg::irl
