#include "solver/certify/MeanInterval.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace mfg {

double studentT975(int dof) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(static_cast<double>(dof)), 0.975);
}

double halfWidth95(const std::vector<double>& values) {
  const int count = static_cast<int>(values.size());
  if (count < kMinIntervalUnits) return std::numeric_limits<double>::quiet_NaN();
  const auto n = static_cast<double>(count);
  double mean = 0.0;
  for (double v : values) mean += v / n;
  double var = 0.0;
  for (double v : values) var += (v - mean) * (v - mean);
  return studentT975(count - 1) * std::sqrt(var / (n - 1.0) / n);
}

}  // namespace mfg
