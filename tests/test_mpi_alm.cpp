#define BOOST_TEST_MODULE mpi_alm
// The exact law-of-motion method for krusell_smith (solver/alm), at 1, 2 and 3 ranks, against
// what is computed here by hand or by independent code: the Euler equation of the household at
// interior points, the permanent-income policy and the deterministic steady state without risk,
// mass and unemployment of the exact distribution, the distribution against a serial
// propagation written here (so equality at every rank count is the rank invariance), and the
// lottery over consumption shares that certify uses.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "tests/MpiFixture.hpp"
#include "solver/alm/AlmSolver.hpp"
#include "solver/alm/HouseholdRule.hpp"
#include "solver/models/Registry.hpp"
#include "solver/noise/ScenarioTree.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

namespace {

using mfg::alm::Economy;
using mfg::alm::HouseholdPolicy;
using mfg::alm::PerceivedLaw;

Economy economyOf(const std::map<std::string, std::vector<double>>& set) {
  return Economy::of(mfg::makeModel("krusell_smith", set)->parameters());
}

/// Prices written out from the model's documentation (docs/models.md §6.1), not from Economy.
void pricesByHand(const std::map<std::string, double>& p, int zi, double K, double& r, double& w) {
  const double z = zi ? p.at("z_good") : p.at("z_bad"), u = zi ? p.at("u_good") : p.at("u_bad");
  const double L = p.at("labour") * (1.0 - u);
  r = p.at("alpha") * z * std::pow(K / L, p.at("alpha") - 1.0);
  w = (1.0 - p.at("alpha")) * z * std::pow(K / L, p.at("alpha"));
}

/// k'' at an off-grid k': linear in k between capital grid points and linear in K (test's own code).
double interpolate(const HouseholdPolicy& pol, int zi, double K, double k, int eps) {
  const auto& g = pol.capital();
  const auto& A = pol.aggregate();
  std::size_t j = 0;
  while (j + 2 < A.size() && A[j + 1] <= K) ++j;
  const double wK = (K - A[j]) / (A[j + 1] - A[j]);
  std::size_t i = 0;
  while (i + 2 < g.size() && g[i + 1] <= k) ++i;
  const double wk = (k - g[i]) / (g[i + 1] - g[i]);
  auto at = [&](std::size_t jj, std::size_t ii) { return pol.values()[pol.index(zi, jj, ii, eps)]; };
  const double lo = at(j, i) + wk * (at(j, i + 1) - at(j, i));
  const double hi = at(j + 1, i) + wk * (at(j + 1, i + 1) - at(j + 1, i));
  return lo + wK * (hi - lo);
}

const std::map<std::string, double> kDefaults{{"alpha", 0.36}, {"beta", 0.99},   {"delta", 0.025},
                                              {"labour", 0.3271}, {"z_bad", 0.99}, {"z_good", 1.01},
                                              {"u_bad", 0.10},  {"u_good", 0.04}};

}  // namespace

BOOST_AUTO_TEST_CASE(household_policy_satisfies_the_euler_equation) {
  // A fine capital grid so that linear interpolation between grid points is accurate; a law with
  // the persistence of the regimes' capital (any law will do for the Euler equation).
  const auto e = economyOf({{"capital_points", {400}}});
  PerceivedLaw law;
  law.intercept = {0.09, 0.10};
  law.slope = {0.963, 0.961};
  const auto grid = mfg::alm::aggregateGrid(e, 5, 0.15);
  const auto sol = mfg::alm::solveHousehold(e, law, grid);
  BOOST_REQUIRE(sol.converged);
  BOOST_TEST(sol.change < 1e-8);
  // The employment chain of the spec: π(z'|z) 0.875 / 0.125; p(ε'|ε, z, z') from its rows.
  const double P[4][4] = {{0.525, 0.35, 0.03125, 0.09375},
                          {0.038889, 0.836111, 0.002083, 0.122917},
                          {0.09375, 0.03125, 0.291667, 0.583333},
                          {0.009115, 0.115885, 0.024306, 0.850694}};
  double worst = 0.0;
  int checked = 0;
  for (int zi = 0; zi < 2; ++zi)
    for (std::size_t j = 0; j < grid.size(); ++j)
      for (int eps = 0; eps < 2; ++eps)
        for (std::size_t i = 0; i < e.capital.size(); ++i) {
          const double k = e.capital[i];
          if (k < 1.0 || k > 40.0) continue;  // interior: well above the borrowing limit, well inside the grid
          double r, w;
          pricesByHand(kDefaults, zi, grid[j], r, w);
          const double x = (1.0 + r - 0.025) * k + w * 0.3271 * eps;
          const double kp = sol.policy.values()[sol.policy.index(zi, j, i, eps)];
          const double c = x - kp;
          BOOST_REQUIRE(c > 0.0);
          const double Kn = std::exp(law.intercept[zi] + law.slope[zi] * std::log(grid[j]));
          double rhs = 0.0;
          for (int zn = 0; zn < 2; ++zn) {
            double rn, wn;
            pricesByHand(kDefaults, zn, Kn, rn, wn);
            const double pz = P[2 * zi][2 * zn] + P[2 * zi][2 * zn + 1];
            for (int en = 0; en < 2; ++en) {
              // Employment move as models.md §6.1 states it: unemployed rows as printed, employed rows
              // by the law of large numbers.
              const double u = zi ? 0.04 : 0.10, un = zn ? 0.04 : 0.10;
              const double uu = P[2 * zi][2 * zn] / pz;
              const double eu = (un - u * uu) / (1.0 - u);
              const double pe = eps == 0 ? (en == 0 ? uu : 1.0 - uu) : (en == 0 ? eu : 1.0 - eu);
              const double xn = (1.0 + rn - 0.025) * kp + wn * 0.3271 * en;
              const double cn = xn - interpolate(sol.policy, zn, Kn, kp, en);
              rhs += pz * pe * (1.0 + rn - 0.025) / cn;
            }
          }
          worst = std::max(worst, std::abs(1.0 - c * 0.99 * rhs));  // relative consumption error
          ++checked;
        }
  BOOST_TEST(checked > 500);
  // Linear interpolation of k'' between grid points is the only approximation left (grid spacing
  // about 0.3 near k = 10 with 400 points): well below 1e-3 in units of consumption.
  BOOST_TEST_MESSAGE("max relative Euler error " << worst << " over " << checked << " interior points");
  BOOST_TEST(worst < 1e-3);
}

BOOST_AUTO_TEST_CASE(without_risk_the_policy_keeps_capital_at_the_steady_state) {
  // No unemployment (u = 0 in both regimes: nobody ever loses a job) and z = 1 ± 1e-6: a
  // deterministic economy. K* = L (α/(1/β − 1 + δ))^{1/(1−α)}, L = labour, by hand:
  const double L = 0.3271, Kstar = L * std::pow(0.36 / (1.0 / 0.99 - 1.0 + 0.025), 1.0 / 0.64);
  const auto e = economyOf({{"u_bad", {0.0}}, {"u_good", {0.0}}, {"z_bad", {1.0 - 1e-6}}, {"z_good", {1.0 + 1e-6}},
                            {"capital_points", {200}}});
  // The aggregate grid is centred on K* (odd number of points); with K' = K perceived and
  // (1 + r − δ) β = 1 at K*, consumption is flat: k' = k for every household (permanent income).
  const auto grid = mfg::alm::aggregateGrid(e, 5, 0.1);
  BOOST_TEST(grid[2] == Kstar, boost::test_tools::tolerance(1e-12));
  const auto sol = mfg::alm::solveHousehold(e, PerceivedLaw{}, grid);
  BOOST_REQUIRE(sol.converged);
  for (std::size_t i = 0; i < e.capital.size(); ++i) {
    const double k = e.capital[i];
    if (k < 0.5 || k > 60.0) continue;
    BOOST_TEST(sol.policy.values()[sol.policy.index(1, 2, i, 1)] == k, boost::test_tools::tolerance(2e-3));
  }
  // The whole method then stays at the steady state (everyone starts at K*, split on the grid).
  const auto model = mfg::makeModel("krusell_smith", {{"u_bad", {0.0}}, {"u_good", {0.0}},
                                                      {"z_bad", {1.0 - 1e-6}}, {"z_good", {1.0 + 1e-6}},
                                                      {"capital_points", {200}}});
  const auto noise = mfg::ScenarioTree::sampleHistories(*model->noise(), 300, 1, 5).front();
  std::vector<int> regimes;
  for (const auto& z : noise) regimes.push_back(e.regime(z[0]));
  mfg::alm::ExactDistribution dist(e, MPI_COMM_WORLD);
  const auto path = dist.run(model->initialDistribution(noise.front()), regimes, sol.policy);
  BOOST_TEST(path.K.front() == Kstar, boost::test_tools::tolerance(1e-12));
  for (double K : path.K) BOOST_TEST(K == Kstar, boost::test_tools::tolerance(2e-3));
}

BOOST_AUTO_TEST_CASE(exact_distribution_against_a_serial_propagation) {
  const auto model = mfg::makeModel("krusell_smith", {{"capital_points", {40}}});
  const auto e = Economy::of(model->parameters());
  const auto grid = mfg::alm::aggregateGrid(e, 4, 0.2);
  PerceivedLaw law;
  law.intercept = {0.08, 0.1};
  law.slope = {0.965, 0.96};
  const auto sol = mfg::alm::solveHousehold(e, law, grid);
  const int steps = 400;
  const auto noise = mfg::ScenarioTree::sampleHistories(*model->noise(), steps, 1, 11).front();
  std::vector<int> regimes, all;
  for (const auto& z : noise) regimes.push_back(z[0] == 1.01 ? 1 : 0);
  for (int t = 0; t <= steps; ++t) all.push_back(t);
  const auto mu0 = model->initialDistribution(noise.front());
  mfg::alm::ExactDistribution dist(e, MPI_COMM_WORLD);
  const auto path = dist.run(mu0, regimes, sol.policy, all);
  BOOST_REQUIRE_EQUAL(path.snapshots.size(), static_cast<std::size_t>(steps + 1));

  // Serial reference: each state's k' (policy linear in K), split between its grid neighbours by a
  // linear search, employment by the model's transition (the law of large numbers rows).
  const auto& k = e.capital;
  std::vector<double> mu = mu0;
  for (int t = 0; t <= steps; ++t) {
    double K = 0.0, mass = 0.0, unemployed = 0.0;
    for (std::size_t s = 0; s < mu.size(); ++s) K += mu[s] * k[s / 2];
    for (std::size_t s = 0; s < mu.size(); ++s) mass += path.snapshots[t][s];
    for (std::size_t s = 0; s < mu.size(); s += 2) unemployed += path.snapshots[t][s];
    BOOST_TEST(path.K[t] == K, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(mass == 1.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(unemployed == (regimes[t] ? 0.04 : 0.10), boost::test_tools::tolerance(1e-12));
    if (t == steps) break;
    std::vector<double> next(mu.size(), 0.0);
    const int z = regimes[t], zn = regimes[t + 1];
    for (std::size_t s = 0; s < mu.size(); ++s) {
      const int eps = static_cast<int>(s % 2);
      const double kp = sol.policy.next(z, K, s / 2, eps);
      std::size_t lo = 0;
      double whi = 0.0;
      if (kp >= k.back()) lo = k.size() - 1;
      else if (kp > 0.0) {
        while (k[lo + 1] <= kp) ++lo;
        whi = (kp - k[lo]) / (k[lo + 1] - k[lo]);
      }
      for (int en = 0; en < 2; ++en) {
        const double p = e.employment(z, zn, eps, en);
        next[2 * lo + en] += mu[s] * p * (1.0 - whi);
        if (whi > 0.0) next[2 * lo + 2 + en] += mu[s] * p * whi;
      }
    }
    mu = next;
  }
  // The distribution spreads: K moves with the shocks and the policy.
  BOOST_TEST(path.max_K - path.min_K > 0.05);
}

BOOST_AUTO_TEST_CASE(fixed_point_is_rank_invariant_and_reproduces_its_own_law) {
  // A short path and a coarse grid: the outer loop converges, and its final law is the regression
  // of its own simulated path (checked here with the regression code on the returned K).
  const auto model = mfg::makeModel("krusell_smith", {{"capital_points", {40}}});
  const auto e = Economy::of(model->parameters());
  const auto noise = mfg::ScenarioTree::sampleHistories(*model->noise(), 600, 1, 3).front();
  std::vector<int> regimes;
  for (const auto& z : noise) regimes.push_back(e.regime(z[0]));
  mfg::alm::AlmOptions options;
  options.burn_in = 100;
  options.tolerance = 1e-7;
  options.max_iterations = 200;
  const auto r = mfg::alm::solveAlm(e, model->initialDistribution(noise.front()), regimes, options, MPI_COMM_WORLD);
  BOOST_REQUIRE(r.converged);
  BOOST_TEST(std::abs(r.law.bad.slope - r.perceived.slope[0]) < 1e-7);
  BOOST_TEST(std::abs(r.law.good.intercept - r.perceived.intercept[1]) < 1e-7);
  // Every rank holds the same numbers; rank 0's are broadcast and compared (the same on 1, 2, 3 ranks
  // up to the summation order of the pushed mass, compared below against a 1-rank run).
  std::vector<double> mine{r.law.bad.intercept, r.law.bad.slope, r.law.good.intercept, r.law.good.slope,
                           r.law.mean_K, r.path.K.back()};
  std::vector<double> root = mine;
  MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  for (std::size_t n = 0; n < mine.size(); ++n) BOOST_TEST(mine[n] == root[n]);
  // The same computation on a communicator of one rank.
  MPI_Comm self;
  MPI_Comm_split(MPI_COMM_WORLD, worldRank(), 0, &self);
  const auto one = mfg::alm::solveAlm(e, model->initialDistribution(noise.front()), regimes, options, self);
  MPI_Comm_free(&self);
  BOOST_TEST(one.history.size() == r.history.size());
  BOOST_TEST(one.law.bad.intercept == r.law.bad.intercept, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(one.law.bad.slope == r.law.bad.slope, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(one.law.good.intercept == r.law.good.intercept, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(one.law.good.slope == r.law.good.slope, boost::test_tools::tolerance(1e-12));
  for (std::size_t t = 0; t < r.path.K.size(); ++t)
    BOOST_TEST(one.path.K[t] == r.path.K[t], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(share_lottery_keeps_the_mean_share) {
  const std::vector<double> shares{0.01, 0.04, 0.09, 0.16};
  std::vector<double> pi(4);
  mfg::alm::shareLottery(shares, 0.05, pi.data());
  // 0.05 = 0.8 · 0.04 + 0.2 · 0.09
  BOOST_TEST(pi[1] == 0.8, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(pi[2] == 0.2, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(pi[0] + pi[3] == 0.0);
  mfg::alm::shareLottery(shares, 0.001, pi.data());
  BOOST_TEST(pi[0] == 1.0);
  mfg::alm::shareLottery(shares, 0.5, pi.data());
  BOOST_TEST(pi[3] == 1.0);
}
