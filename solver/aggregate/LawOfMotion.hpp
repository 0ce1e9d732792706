#pragma once
// Krusell & Smith's aggregate law of motion and its accuracy (docs/methods.md §9), from a simulated
// path of aggregate capital K_t and the regime (bad / good) of each quarter: log K_{t+1} regressed
// on log K_t separately in each regime, and Den Haan's test, which iterates the fitted law along the
// same regimes from the same start without feeding back the simulated K. Pure arithmetic.
#include <vector>

namespace mfg {

struct LogLinearFit {
  double intercept = 0.0, slope = 0.0, r2 = 0.0;
  long observations = 0;
};

/// Ordinary least squares of y on (1, x); R² = 1 − SSR/SST (1 when SST = 0 and the fit is exact).
/// Needs at least two distinct x values (std::invalid_argument otherwise).
LogLinearFit fitLine(const std::vector<double>& x, const std::vector<double>& y);

struct LawOfMotion {
  LogLinearFit bad, good;
  double den_haan_max_pct = 0.0, den_haan_mean_pct = 0.0;
  double mean_K = 0.0, sd_K = 0.0;  ///< over K_0..K_n; sd_K with the n − 1 divisor (n + 1 values)
  std::vector<double> fitted_log_K;  ///< the fitted law iterated from log K_0 (Den Haan's path)
};

/// K[t] for t = 0..n and good[t] (the regime of quarter t, for t = 0..n−1 at least): the pairs
/// (log K_t, log K_{t+1}) of quarters with good[t] false are the bad-times regression, the others
/// the good-times one. Den Haan's gaps are 100·|log K_t − log K̂_t| for t = 0..n, K̂_0 = K_0.
LawOfMotion lawOfMotion(const std::vector<double>& K, const std::vector<bool>& good);

}  // namespace mfg
