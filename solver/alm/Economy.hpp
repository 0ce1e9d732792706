#pragma once
// The Krusell-Smith economy as the exact law-of-motion method sees it (docs/methods.md §10.2):
// the primitives of a `krusell_smith` parameter set (technology, preferences, the capital grid,
// the employment chain) and the prices at an aggregate state (z, K). Taken from the model's own
// parameters and helpers (capitalGrid, employmentTransition), so that the household problem, the
// exact distribution and the MFG that certifies the result are one and the same economy.
#include <array>
#include <vector>

#include "solver/models/Parameters.hpp"
#include "solver/models/macro/KrusellSmith.hpp"

namespace mfg::alm {

struct Prices {
  double r = 0.0, w = 0.0;
};

struct Economy {
  double alpha = 0.36, beta = 0.99, delta = 0.025, labour = 0.3271;
  std::array<double, 2> z{0.99, 1.01};  ///< productivity, bad then good
  std::array<double, 2> u{0.10, 0.04};  ///< unemployment rate, bad then good
  macro::EmploymentTransition employment{};
  std::vector<double> capital;  ///< the model's capital grid k_0 = 0 < ... < capital_max

  /// From a krusell_smith parameter set (InputError for an employment chain that cannot hold u_z).
  static Economy of(const ParameterSet& parameters);

  /// L_z = labour (1 − u_z): the labour of the employed, whose share is exactly 1 − u_z.
  double aggregateLabour(int zi) const { return labour * (1.0 - u[static_cast<std::size_t>(zi)]); }
  /// r = α z (K/L_z)^{α−1}, w = (1 − α) z (K/L_z)^α, as the model prices a quarter.
  Prices prices(int zi, double K) const;
  /// Cash on hand (1 + r − δ) k + w labour ε.
  double cashOnHand(const Prices& p, double k, int eps) const {
    return (1.0 + p.r - delta) * k + p.w * labour * static_cast<double>(eps);
  }
  /// The deterministic steady state at z = 1 and labour L: L (α/(1/β − 1 + δ))^{1/(1−α)}.
  double steadyStateCapital(double L) const;
  /// The index (0 bad, 1 good) of a productivity value of the model's noise (logic_error otherwise).
  int regime(double zvalue) const;
};

}  // namespace mfg::alm
