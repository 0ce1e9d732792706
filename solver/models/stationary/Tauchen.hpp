#pragma once
// Tauchen (1986): a finite Markov chain for the AR(1) x' = ρ x + σ_e ε, ε ~ N(0,1).
#include <vector>

namespace mfg::stationary {

struct MarkovChain {
  std::vector<double> points;              ///< x_i, ascending
  std::vector<std::vector<double>> prob;   ///< prob[i][j] = P(x' = x_j | x = x_i), rows sum to 1
  std::vector<double> stationary;          ///< π with π = πP, Σπ = 1
};

/// n points evenly spaced on ±width·σ_x, σ_x = σ_e/√(1−ρ²) the unconditional sd. Each interior
/// point takes the normal mass of the cell between the midpoints to its neighbours; the end
/// points take the tails. With n = 1 or σ_e = 0 the chain has no risk: every point is 0 and the
/// next point is drawn uniformly (the points are identical, so this only keeps the chain
/// irreducible, which makes its stationary law unique).
MarkovChain tauchen(int n, double rho, double sigma_e, double width);

/// The stationary law of a finite chain by power iteration (to 1e-15 in the 1-norm).
std::vector<double> stationaryLaw(const std::vector<std::vector<double>>& prob);

}  // namespace mfg::stationary
