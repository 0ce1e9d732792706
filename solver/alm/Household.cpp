#include "solver/alm/Household.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mfg::alm {

double PerceivedLaw::next(int zi, double K) const {
  const auto z = static_cast<std::size_t>(zi);
  return std::exp(intercept[z] + slope[z] * std::log(K));
}

HouseholdPolicy::HouseholdPolicy(std::vector<double> capital, std::vector<double> aggregate)
    : capital_(std::move(capital)), aggregate_(std::move(aggregate)) {
  if (aggregate_.size() < 2) throw std::invalid_argument("the aggregate capital grid needs at least two points");
  next_.assign(2 * aggregate_.size() * capital_.size() * 2, 0.0);
}

std::pair<std::size_t, double> HouseholdPolicy::bracket(double K) const {
  const auto n = aggregate_.size();
  auto j = static_cast<std::size_t>(std::upper_bound(aggregate_.begin(), aggregate_.end(), K) - aggregate_.begin());
  j = std::clamp<std::size_t>(j == 0 ? 0 : j - 1, 0, n - 2);
  return {j, (K - aggregate_[j]) / (aggregate_[j + 1] - aggregate_[j])};
}

std::vector<double> aggregateGrid(const Economy& e, int points, double span) {
  if (points < 2) throw std::invalid_argument("the aggregate capital grid needs at least two points");
  const auto& P = e.employment.aggregate;
  const double good = P[0][1] / (P[0][1] + P[1][0]);  // stationary share of good quarters
  const double mean_u = (1.0 - good) * e.u[0] + good * e.u[1];
  const double centre = std::log(e.steadyStateCapital(e.labour * (1.0 - mean_u)));
  const double half = std::log(1.0 + span);
  std::vector<double> grid;
  for (int j = 0; j < points; ++j)
    grid.push_back(std::exp(centre - half + 2.0 * half * static_cast<double>(j) / static_cast<double>(points - 1)));
  return grid;
}

HouseholdPolicy eulerUpdate(const Economy& e, const PerceivedLaw& law, const HouseholdPolicy& current) {
  const auto& k = current.capital();
  const auto& Kgrid = current.aggregate();
  const std::size_t nk = k.size();
  HouseholdPolicy out(k, Kgrid);
  std::vector<double> xe(nk);
  for (int zi = 0; zi < 2; ++zi) {
    for (std::size_t j = 0; j < Kgrid.size(); ++j) {
      const Prices now = e.prices(zi, Kgrid[j]);
      // Next quarter's aggregate capital is what the households believe, whatever z' turns out to be.
      const double Kn = law.next(zi, Kgrid[j]);
      const auto bn = current.bracket(Kn);
      const std::array<Prices, 2> later{e.prices(0, Kn), e.prices(1, Kn)};
      for (int eps = 0; eps < 2; ++eps) {
        // Endogenous grid: for each k'_m on the capital grid, the Euler equation
        //   1/c = β Σ_{z',ε'} π(z'|z) p(ε'|ε,z,z') (1 + r' − δ)/c'(k'_m, ε', z', K')
        // gives today's c, hence the cash on hand x_m = c + k'_m from which k'_m is chosen. k'_m is a
        // grid point, so c' needs no interpolation in k, only in K'.
        for (std::size_t m = 0; m < nk; ++m) {
          double expectation = 0.0;
          bool starving = false;  // c' = 0 with positive probability: infinite marginal utility
          for (int zn = 0; zn < 2; ++zn) {
            const double pz = e.employment.aggregate[zi][zn];
            const double gross = 1.0 + later[static_cast<std::size_t>(zn)].r - e.delta;
            for (int en = 0; en < 2; ++en) {
              const double p = pz * e.employment(zi, zn, eps, en);
              if (!(p > 0.0)) continue;
              const double c_next = e.cashOnHand(later[static_cast<std::size_t>(zn)], k[m], en) -
                                    current.next(zn, bn, m, en);
              if (!(c_next > 0.0)) starving = true;
              else expectation += p * gross / c_next;
            }
          }
          const double c = starving ? 0.0 : 1.0 / (e.beta * expectation);
          xe[m] = c + k[m];
        }
        // Back onto the capital grid: k'(x) is linear between the endogenous points; below x_0 the
        // borrowing limit binds (k' = 0); above the last point the last segment is extended.
        std::size_t m = 0;
        for (std::size_t i = 0; i < nk; ++i) {
          const double x = e.cashOnHand(now, k[i], eps);
          double kp = 0.0;
          if (x > xe[0]) {
            while (m + 2 < nk && xe[m + 1] < x) ++m;
            const double dx = xe[m + 1] - xe[m];
            if (!(dx > 0.0))
              throw std::runtime_error("the endogenous grid is not increasing in k' (the Euler iteration has no "
                                       "concave solution for these parameters)");
            kp = k[m] + (x - xe[m]) / dx * (k[m + 1] - k[m]);
          }
          out.values()[out.index(zi, j, i, eps)] = std::clamp(kp, 0.0, std::max(x, 0.0));
        }
      }
    }
  }
  return out;
}

HouseholdSolution solveHousehold(const Economy& e, const PerceivedLaw& law, const std::vector<double>& aggregate,
                                 const HouseholdPolicy* start, const HouseholdOptions& options) {
  HouseholdSolution s;
  if (start && start->aggregate() == aggregate && start->capital() == e.capital) {
    s.policy = *start;
  } else {
    // Keep capital where cash on hand allows, consume at least a tenth of it: positive consumption
    // everywhere except at k = 0 unemployed, where there is nothing to consume.
    s.policy = HouseholdPolicy(e.capital, aggregate);
    for (int zi = 0; zi < 2; ++zi)
      for (std::size_t j = 0; j < aggregate.size(); ++j) {
        const Prices p = e.prices(zi, aggregate[j]);
        for (std::size_t i = 0; i < e.capital.size(); ++i)
          for (int eps = 0; eps < 2; ++eps)
            s.policy.values()[s.policy.index(zi, j, i, eps)] =
                std::min(e.capital[i], 0.9 * e.cashOnHand(p, e.capital[i], eps));
      }
  }
  while (s.iterations < options.max_iterations) {
    HouseholdPolicy next = eulerUpdate(e, law, s.policy);
    double change = 0.0;
    for (std::size_t n = 0; n < next.values().size(); ++n)
      change = std::max(change, std::abs(next.values()[n] - s.policy.values()[n]));
    s.policy = std::move(next);
    ++s.iterations;
    s.change = change;
    if (change < options.tolerance) {
      s.converged = true;
      break;
    }
  }
  return s;
}

}  // namespace mfg::alm
