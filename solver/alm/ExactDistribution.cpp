#include "solver/alm/ExactDistribution.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mfg::alm {

ExactDistribution::ExactDistribution(const Economy& economy, MPI_Comm comm)
    : economy_(economy), layout_(comm, 2 * static_cast<std::int64_t>(economy.capital.size()), 1) {}

std::pair<std::size_t, double> ExactDistribution::split(double k) const {
  const auto& grid = economy_.capital;
  const std::size_t n = grid.size();
  if (!(k < grid.back())) return {n - 1, 0.0};
  if (!(k > grid.front())) return {0, 0.0};
  const auto hi = static_cast<std::size_t>(std::upper_bound(grid.begin(), grid.end(), k) - grid.begin());
  const std::size_t lo = hi - 1;
  return {lo, (k - grid[lo]) / (grid[hi] - grid[lo])};
}

ExactPath ExactDistribution::run(const std::vector<double>& mu0, const std::vector<int>& regimes,
                                 const HouseholdPolicy& policy, const std::vector<int>& snapshot_steps) const {
  const auto& k = economy_.capital;
  const std::size_t n = 2 * k.size();
  if (mu0.size() != n) throw std::invalid_argument("the initial distribution has the wrong number of states");
  if (regimes.empty()) throw std::invalid_argument("a shock path needs z_0");
  if (policy.capital() != k) throw std::invalid_argument("the household policy is on another capital grid");
  ExactPath out;
  std::vector<double> mu = mu0, pushed(n);
  const int steps = static_cast<int>(regimes.size()) - 1;
  for (int t = 0;; ++t) {
    const int zi = regimes[static_cast<std::size_t>(t)];
    // Every rank holds all of μ_t and sums it in the same order: K_t is the same number everywhere.
    double K = 0.0, mass = 0.0, unemployed = 0.0;
    for (std::size_t s = 0; s < n; ++s) {
      K += mu[s] * k[s / 2];
      mass += mu[s];
      if (s % 2 == 0) unemployed += mu[s];
    }
    out.K.push_back(K);
    out.max_mass_error = std::max(out.max_mass_error, std::abs(mass - 1.0));
    out.max_unemployment_error =
        std::max(out.max_unemployment_error, std::abs(unemployed - economy_.u[static_cast<std::size_t>(zi)]));
    if (std::find(snapshot_steps.begin(), snapshot_steps.end(), t) != snapshot_steps.end()) {
      out.snapshots.push_back(mu);
      out.snapshot_steps.push_back(t);
    }
    if (t == steps) break;
    const int zn = regimes[static_cast<std::size_t>(t + 1)];
    const auto b = policy.bracket(K);
    std::fill(pushed.begin(), pushed.end(), 0.0);
    for (auto s = static_cast<std::size_t>(layout_.begin()); s < static_cast<std::size_t>(layout_.end()); ++s) {
      if (mu[s] == 0.0) continue;
      const std::size_t i = s / 2;
      const int eps = static_cast<int>(s % 2);
      const auto [lo, w_hi] = split(policy.next(zi, b, i, eps));
      for (int en = 0; en < 2; ++en) {
        const double m = mu[s] * economy_.employment(zi, zn, eps, en);
        pushed[2 * lo + static_cast<std::size_t>(en)] += m * (1.0 - w_hi);
        if (w_hi > 0.0) pushed[2 * (lo + 1) + static_cast<std::size_t>(en)] += m * w_hi;
      }
    }
    MPI_Allreduce(pushed.data(), mu.data(), static_cast<int>(n), MPI_DOUBLE, MPI_SUM, layout_.comm());
  }
  double lo = out.K.front(), hi = out.K.front();
  for (double K : out.K) lo = std::min(lo, K), hi = std::max(hi, K);
  out.min_K = lo;
  out.max_K = hi;
  return out;
}

}  // namespace mfg::alm
