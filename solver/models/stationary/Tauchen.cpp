#include "solver/models/stationary/Tauchen.hpp"

#include <cmath>
#include <stdexcept>

namespace mfg::stationary {

namespace {
double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
}  // namespace

MarkovChain tauchen(int n, double rho, double sigma_e, double width) {
  if (n < 1) throw std::invalid_argument("tauchen: needs at least one point");
  MarkovChain chain;
  chain.points.assign(static_cast<std::size_t>(n), 0.0);
  chain.prob.assign(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n), 0.0));
  if (n == 1 || sigma_e == 0.0) {
    for (auto& row : chain.prob) row.assign(static_cast<std::size_t>(n), 1.0 / n);
    chain.stationary.assign(static_cast<std::size_t>(n), 1.0 / n);
    return chain;
  }
  const double sigma_x = sigma_e / std::sqrt(1.0 - rho * rho);
  const double step = 2.0 * width * sigma_x / (n - 1);
  for (int i = 0; i < n; ++i) chain.points[i] = -width * sigma_x + i * step;
  for (int i = 0; i < n; ++i) {
    const double mean = rho * chain.points[i];
    for (int j = 0; j < n; ++j) {
      // Mass of N(mean, σ_e²) in the cell of x_j: (x_j − step/2, x_j + step/2], open at the ends.
      const double upper = j == n - 1 ? 1.0 : normalCdf((chain.points[j] + step / 2 - mean) / sigma_e);
      const double lower = j == 0 ? 0.0 : normalCdf((chain.points[j] - step / 2 - mean) / sigma_e);
      chain.prob[i][j] = upper - lower;
    }
  }
  chain.stationary = stationaryLaw(chain.prob);
  return chain;
}

std::vector<double> stationaryLaw(const std::vector<std::vector<double>>& prob) {
  const std::size_t n = prob.size();
  std::vector<double> pi(n, 1.0 / static_cast<double>(n)), next(n);
  for (int it = 0; it < 1000000; ++it) {
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) next[j] += pi[i] * prob[i][j];
    double total = 0, change = 0;
    for (double x : next) total += x;
    for (std::size_t j = 0; j < n; ++j) {
      next[j] /= total;
      change += std::abs(next[j] - pi[j]);
    }
    pi.swap(next);
    if (change < 1e-15) return pi;
  }
  throw std::runtime_error("stationaryLaw: power iteration did not converge");
}

}  // namespace mfg::stationary
