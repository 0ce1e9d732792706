#pragma once
// The 95% confidence interval of the mean of equally weighted Monte Carlo units (sampled paths or
// subtrees). Student's t with n − 1 degrees of freedom, not the normal 1.96, so that small samples
// are not reported as more certain than they are; below kMinIntervalUnits units no interval is
// reported at all (NaN), since a handful of draws (possibly the same scenario twice) says nothing
// reliable about the spread.
#include <vector>

namespace mfg {

/// Fewest units for which a sampled bound carries a confidence interval.
inline constexpr int kMinIntervalUnits = 5;

/// Half-width t_{0.975, n−1} · s / √n of the interval around the mean of `values`; NaN when there
/// are fewer than kMinIntervalUnits values.
double halfWidth95(const std::vector<double>& values);

/// The 0.975 quantile of Student's t with `dof` degrees of freedom (dof >= 1).
double studentT975(int dof);

}  // namespace mfg
