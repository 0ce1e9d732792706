#include "solver/aggregate/LawOfMotion.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mfg {

LogLinearFit fitLine(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("fitLine: x and y differ in length");
  const auto n = static_cast<double>(x.size());
  if (x.size() < 2) throw std::invalid_argument("fitLine: fewer than two observations");
  // Centred sums, which lose less precision than raw ones when the x cluster far from 0.
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (!(sxx > 0.0)) throw std::invalid_argument("fitLine: all x are equal; the slope is not identified");
  LogLinearFit fit;
  fit.slope = sxy / sxx;
  fit.intercept = my - fit.slope * mx;
  double ssr = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double e = y[i] - fit.intercept - fit.slope * x[i];
    ssr += e * e;
  }
  fit.r2 = syy > 0.0 ? 1.0 - ssr / syy : 1.0;
  fit.observations = static_cast<long>(x.size());
  return fit;
}

LawOfMotion lawOfMotion(const std::vector<double>& K, const std::vector<bool>& good) {
  if (K.size() < 2) throw std::invalid_argument("lawOfMotion: a path needs at least two quarters");
  if (good.size() + 1 < K.size()) throw std::invalid_argument("lawOfMotion: a regime is missing for some quarter");
  std::vector<double> logK(K.size());
  for (std::size_t t = 0; t < K.size(); ++t) {
    if (!(K[t] > 0.0) || !std::isfinite(K[t]))
      throw std::invalid_argument("lawOfMotion: K_" + std::to_string(t) + " = " + std::to_string(K[t]) +
                                  " is not a positive number");
    logK[t] = std::log(K[t]);
  }
  std::vector<double> xb, yb, xg, yg;
  for (std::size_t t = 0; t + 1 < K.size(); ++t) {
    (good[t] ? xg : xb).push_back(logK[t]);
    (good[t] ? yg : yb).push_back(logK[t + 1]);
  }
  LawOfMotion law;
  law.bad = fitLine(xb, yb);
  law.good = fitLine(xg, yg);

  law.fitted_log_K.assign(K.size(), 0.0);
  law.fitted_log_K[0] = logK[0];
  for (std::size_t t = 0; t + 1 < K.size(); ++t) {
    const auto& f = good[t] ? law.good : law.bad;
    law.fitted_log_K[t + 1] = f.intercept + f.slope * law.fitted_log_K[t];
  }
  double sum_gap = 0.0;
  for (std::size_t t = 0; t < K.size(); ++t) {
    const double gap = 100.0 * std::abs(logK[t] - law.fitted_log_K[t]);
    law.den_haan_max_pct = std::max(law.den_haan_max_pct, gap);
    sum_gap += gap;
  }
  law.den_haan_mean_pct = sum_gap / static_cast<double>(K.size());

  const auto n = static_cast<double>(K.size());
  for (double k : K) law.mean_K += k / n;
  double ss = 0.0;
  for (double k : K) ss += (k - law.mean_K) * (k - law.mean_K);
  law.sd_K = std::sqrt(ss / (n - 1.0));
  return law;
}

}  // namespace mfg
