#include "solver/stationary/LotterySolver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "parallel/Collectives.hpp"
#include "solver/stationary/Distribution.hpp"
#include "solver/stationary/LocalVectors.hpp"
#include "solver/stationary/PolicyEvaluation.hpp"

namespace mfg::stationary {

namespace {

/// The best choice on one cell for resources m: the holding and its objective value.
struct CellChoice {
  double holding, value;
};

}  // namespace

LotterySolver::LotterySolver(const SavingsProblem& problem, const parallel::StateLayout& layout,
                             StationarySettings settings)
    : problem_(problem),
      layout_(layout),
      settings_(settings),
      grid_(problem.holdings()),
      chain_(problem.exogenous()),
      n_exo_(static_cast<std::int64_t>(problem.exogenous().size())),
      gamma_(problem.discount()) {
  if (grid_.size() < 2) throw std::logic_error("savings problem: the holding grid needs at least two points");
  for (std::size_t i = 1; i < grid_.size(); ++i)
    if (!(grid_[i] > grid_[i - 1])) throw std::logic_error("savings problem: the holding grid is not ascending");
  if (!(gamma_ >= 0.0 && gamma_ < 1.0))
    throw std::logic_error("savings problem: discount " + std::to_string(gamma_) + " is not in [0, 1)");
  if (layout.globalStates() != problem.numStates())
    throw std::logic_error("savings problem: the layout does not have the problem's states");
}

std::pair<std::int64_t, double> LotterySolver::cell(double holding) const {
  const auto n = static_cast<std::int64_t>(grid_.size());
  const double x = std::clamp(holding, grid_.front(), grid_.back());
  auto k = static_cast<std::int64_t>(std::upper_bound(grid_.begin(), grid_.end(), x) - grid_.begin()) - 1;
  k = std::clamp<std::int64_t>(k, 0, n - 2);
  const double lambda = (x - grid_[static_cast<std::size_t>(k)]) /
                        (grid_[static_cast<std::size_t>(k + 1)] - grid_[static_cast<std::size_t>(k)]);
  return {k, std::clamp(lambda, 0.0, 1.0)};
}

PetscMat LotterySolver::policyMatrix(std::span<const double> policy, double scale, double shift) const {
  const std::int64_t ns = layout_.localStates(), begin = layout_.begin();
  const auto N = static_cast<PetscInt>(layout_.globalStates());
  // This rank's rows in compressed sparse row form, columns ascending: the successors (k or
  // k + 1, e') of each state with their lottery weights, and the diagonal, merged where they meet.
  std::vector<PetscInt> offsets(static_cast<std::size_t>(ns) + 1, 0), cols;
  std::vector<PetscScalar> vals;
  cols.reserve(static_cast<std::size_t>(ns * (2 * n_exo_ + 1)));
  vals.reserve(cols.capacity());
  std::vector<std::pair<PetscInt, double>> row;
  for (std::int64_t i = 0; i < ns; ++i) {
    const std::int64_t s = begin + i, j = s % n_exo_;
    const auto [k, lambda] = cell(policy[static_cast<std::size_t>(i)]);
    row.clear();
    row.push_back({static_cast<PetscInt>(s), shift});
    const auto& pj = chain_[static_cast<std::size_t>(j)];
    for (std::int64_t jn = 0; jn < n_exo_; ++jn) {
      const double p = pj[static_cast<std::size_t>(jn)];
      if (p <= 0.0) continue;
      row.push_back({static_cast<PetscInt>(k * n_exo_ + jn), scale * p * (1.0 - lambda)});
      row.push_back({static_cast<PetscInt>((k + 1) * n_exo_ + jn), scale * p * lambda});
    }
    std::sort(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& [c, v] : row) {
      if (cols.size() > static_cast<std::size_t>(offsets[static_cast<std::size_t>(i)]) && cols.back() == c) {
        vals.back() += v;
      } else {
        cols.push_back(c);
        vals.push_back(v);
      }
    }
    offsets[static_cast<std::size_t>(i) + 1] = static_cast<PetscInt>(cols.size());
  }
  PetscMat M;
  // Copies the arrays into a distributed AIJ matrix with exact preallocation.
  MFG_PETSC_CALL(MatCreateMPIAIJWithArrays(layout_.comm(), static_cast<PetscInt>(ns), static_cast<PetscInt>(ns), N, N,
                                           offsets.data(), cols.data(), vals.data(), M.out()));
  return M;
}

std::vector<double> LotterySolver::policyRewards(std::span<const double> policy) const {
  std::vector<double> r(policy.size());
  for (std::size_t i = 0; i < r.size(); ++i)
    r[i] = problem_.utility(problem_.resources(layout_.begin() + static_cast<std::int64_t>(i)) - policy[i]);
  return r;
}

void LotterySolver::evaluate(std::span<const double> policy, std::vector<double>& value, double rtol) const {
  const PetscMat A = policyMatrix(policy, -gamma_, 1.0);  // I − γ P_π
  solvePolicyEvaluation(A, policyRewards(policy), value, rtol);
}

std::vector<double> LotterySolver::greedy(std::span<const double> value) const {
  const auto n = static_cast<std::int64_t>(grid_.size());
  std::vector<double> V;
  parallel::allGather(layout_, value, 1, V);
  // W(k, e) = Σ_e' Π(e, e') V(k, e'): the expected value of landing on grid point k.
  std::vector<double> W(V.size(), 0.0);
  for (std::int64_t k = 0; k < n; ++k)
    for (std::int64_t j = 0; j < n_exo_; ++j) {
      const auto& pj = chain_[static_cast<std::size_t>(j)];
      double w = 0;
      for (std::int64_t jn = 0; jn < n_exo_; ++jn) w += pj[static_cast<std::size_t>(jn)] * V[static_cast<std::size_t>(k * n_exo_ + jn)];
      W[static_cast<std::size_t>(k * n_exo_ + j)] = w;
    }

  // W's slope on cell k for exogenous state j, and whether those slopes never rise.
  auto slope = [&](const std::vector<double>& w, std::int64_t k, std::int64_t j) {
    return (w[static_cast<std::size_t>((k + 1) * n_exo_ + j)] - w[static_cast<std::size_t>(k * n_exo_ + j)]) /
           (grid_[static_cast<std::size_t>(k + 1)] - grid_[static_cast<std::size_t>(k)]);
  };
  auto concave = [&](const std::vector<double>& w, std::int64_t j) {
    for (std::int64_t k = 0; k + 2 < n; ++k)
      if (slope(w, k + 1, j) > slope(w, k, j)) return false;
    return true;
  };

  auto best_on_cell = [&](double m, std::int64_t k, std::int64_t j) -> CellChoice {
    const double x0 = grid_[static_cast<std::size_t>(k)], x1 = grid_[static_cast<std::size_t>(k + 1)];
    const double w0 = W[static_cast<std::size_t>(k * n_exo_ + j)], w1 = W[static_cast<std::size_t>((k + 1) * n_exo_ + j)];
    const double slope = (w1 - w0) / (x1 - x0);
    double x = x0;
    // Interior optimum where u'(m − x) = γ W'; none when W does not rise on the cell.
    if (slope > 0.0) x = std::clamp(m - problem_.consumptionForMarginalUtility(gamma_ * slope), x0, std::min(x1, m));
    if (x >= m) x = x0;  // only when the whole cell is beyond the resources: never chosen
    return {x, problem_.utility(m - x) + gamma_ * (w0 + slope * (x - x0))};
  };

  const std::int64_t begin = layout_.begin(), end = layout_.end();
  std::vector<double> policy(static_cast<std::size_t>(layout_.localStates()), grid_.front());
  for (std::int64_t j = 0; j < n_exo_; ++j) {
    // This rank's states with exogenous state j: holdings i in [ilo, ihi].
    if (end - 1 - j < 0) continue;
    const std::int64_t ilo = (begin - j + n_exo_ - 1) / n_exo_, ihi = (end - 1 - j) / n_exo_;  // begin − j > −|E|
    if (concave(W, j)) {
      // W concave in x': so is the whole objective, and its best cell is the first k whose
      // right end no longer pays, γ W'_k ≤ u'(m − x_{k+1}), or that ends the domain. In terms
      // of c*_k = (u')⁻¹(γ W'_k), the consumption at which cell k's slope is worth it, cell k is
      // passed while c*_k < m − x_{k+1}; c*_k depends on the cell only, so it is computed once
      // per cell. Passing is monotone in k (c*_k rises, m − x_{k+1} falls), so the first
      // state's cell is found by bisection, and it only moves right as resources rise: one
      // pointer serves the rest, O(|grid|) in all.
      std::int64_t cached = -1;
      double c_star = 0;
      auto passes = [&](std::int64_t k, double m) {
        const double x1 = grid_[static_cast<std::size_t>(k + 1)];
        if (k >= n - 2 || !(x1 < m)) return false;
        const double g = slope(W, k, j);
        if (!(g > 0.0)) return false;
        if (k != cached) {
          c_star = problem_.consumptionForMarginalUtility(gamma_ * g);
          cached = k;
        }
        return c_star < m - x1;
      };
      // The best holding on cell k: best_on_cell's, without its objective value (no utility).
      auto holding_on = [&](std::int64_t k, double m) {
        const double x0 = grid_[static_cast<std::size_t>(k)], x1 = grid_[static_cast<std::size_t>(k + 1)];
        const double g = slope(W, k, j);
        if (!(g > 0.0)) return x0;
        if (k != cached) {
          c_star = problem_.consumptionForMarginalUtility(gamma_ * g);
          cached = k;
        }
        const double x = std::clamp(m - c_star, x0, std::min(x1, m));
        return x >= m ? x0 : x;
      };
      const double m_first = problem_.resources(ilo * n_exo_ + j);
      std::int64_t k = 0, hi_k = n - 2;  // the first k that does not pass lies in [k, hi_k]
      while (k < hi_k) {
        const std::int64_t mid = k + (hi_k - k) / 2;
        if (passes(mid, m_first)) k = mid + 1;
        else hi_k = mid;
      }
      for (std::int64_t i = ilo; i <= ihi; ++i) {
        const std::int64_t s = i * n_exo_ + j;
        const double m = problem_.resources(s);
        while (passes(k, m)) ++k;
        policy[static_cast<std::size_t>(s - begin)] = holding_on(k, m);
      }
      continue;
    }
    // Otherwise divide and conquer: the best cell of the middle state bounds those of its halves.
    struct Range {
      std::int64_t ilo, ihi, klo, khi;
    };
    std::vector<Range> stack{{ilo, ihi, 0, n - 2}};
    while (!stack.empty()) {
      const Range r = stack.back();
      stack.pop_back();
      if (r.ilo > r.ihi) continue;
      const std::int64_t mid = r.ilo + (r.ihi - r.ilo) / 2, s = mid * n_exo_ + j;
      const double m = problem_.resources(s);
      CellChoice best{grid_.front(), -std::numeric_limits<double>::infinity()};
      std::int64_t best_k = r.klo;
      for (std::int64_t k = r.klo; k <= r.khi && grid_[static_cast<std::size_t>(k)] < m; ++k) {
        const CellChoice c = best_on_cell(m, k, j);
        if (c.value > best.value) {
          best = c;
          best_k = k;
        }
      }
      policy[static_cast<std::size_t>(s - begin)] = best.holding;
      stack.push_back({r.ilo, mid - 1, r.klo, best_k});
      stack.push_back({mid + 1, r.ihi, best_k, r.khi});
    }
  }
  return policy;
}

int LotterySolver::bestResponse(std::vector<double>& policy, std::vector<double>& value) const {
  const auto ns = static_cast<std::size_t>(layout_.localStates());
  if (policy.size() != ns) policy.assign(ns, grid_.front());
  for (std::size_t i = 0; i < ns; ++i) {
    const double m = problem_.resources(layout_.begin() + static_cast<std::int64_t>(i));
    if (!(policy[i] >= grid_.front() && policy[i] <= grid_.back() && policy[i] < m)) policy[i] = grid_.front();
  }
  evaluate(policy, value);
  double rtol = settings_.evaluation_rtol;
  for (int it = 1; it <= settings_.max_policy_iterations; ++it) {
    std::vector<double> next = greedy(value), next_value = value;
    evaluate(next, next_value, rtol);
    double change = 0;
    for (std::size_t i = 0; i < ns; ++i)
      change = std::max(change, std::abs(next_value[i] - value[i]) / std::max(1.0, std::abs(value[i])));
    change = parallel::max(layout_.comm(), change);
    policy.swap(next);
    value.swap(next_value);
    // Done once a full-precision evaluation moves nothing; until then, solve only as
    // precisely as the policy's progress needs.
    if (change <= settings_.value_tolerance && rtol == settings_.evaluation_rtol) return it + 1;
    rtol = std::clamp(1e-2 * change, settings_.evaluation_rtol, 1e-4);
    if (change <= settings_.value_tolerance) rtol = settings_.evaluation_rtol;
  }
  throw std::runtime_error("policy iteration did not settle in " + std::to_string(settings_.max_policy_iterations) +
                           " iterations");
}

long LotterySolver::stationaryDistribution(std::span<const double> policy, std::vector<double>& mu) const {
  const PetscMat P = policyMatrix(policy, 1.0, 0.0);
  return mfg::stationary::stationaryDistribution(P, layout_, mu, settings_).iterations();
}

}  // namespace mfg::stationary
