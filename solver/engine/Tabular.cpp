#include "solver/engine/Tabular.hpp"

#include <algorithm>
#include <cmath>

namespace mfg {

Policy Policy::uniform(const parallel::StateLayout& layout, int steps) {
  Policy p;
  p.pi.assign(steps, std::vector<double>(static_cast<std::size_t>(layout.localRows()),
                                         1.0 / static_cast<double>(layout.actions())));
  return p;
}

Policy greedyPolicy(const Values& values, std::int64_t A) {
  Policy p;
  p.pi.resize(values.Q.size());
  for (std::size_t t = 0; t < values.Q.size(); ++t) {
    const auto& Q = values.Q[t];
    auto& pi = p.pi[t];
    pi.assign(Q.size(), 0.0);
    for (std::size_t row = 0; row < Q.size(); row += A) {
      const double best = *std::max_element(Q.begin() + row, Q.begin() + row + A);
      const double tol = 1e-12 * std::max(1.0, std::abs(best));
      for (std::int64_t a = 0; a < A; ++a)
        if (Q[row + a] >= best - tol) {
          pi[row + a] = 1.0;
          break;
        }
    }
  }
  return p;
}

void softmaxRows(const std::vector<double>& y, std::int64_t A, std::vector<double>& pi) {
  pi.resize(y.size());
  for (std::size_t row = 0; row < y.size(); row += A) {
    const double top = *std::max_element(y.begin() + row, y.begin() + row + A);
    double total = 0.0;
    for (std::int64_t a = 0; a < A; ++a) total += (pi[row + a] = std::exp(y[row + a] - top));
    for (std::int64_t a = 0; a < A; ++a) pi[row + a] /= total;
  }
}

}  // namespace mfg
