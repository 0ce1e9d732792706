// The lottery form of the stationary household problem (solver/stationary/LotterySolver,
// docs/methods.md §8) at 1, 2 and 3 ranks, against references written here:
//  - the exact improvement step against a scan of every grid cell for every state (no divide and
//    conquer) and against a brute-force search over 20 001 next holdings;
//  - policy evaluation against a dense LU solve of (I − γ P_π) V = R_π, with P_π built here from
//    the lottery weights;
//  - the best response as a fixed point of the Bellman operator computed here;
//  - the stationary distribution against a dense eigen-solve (Eigen);
//  - the aiyagari equilibrium with lottery choice, world communicator against one rank alone;
//  - the economy without income risk, whose equilibrium is r* = 1/β − 1 in closed form.
#define BOOST_TEST_MODULE mpi_lottery
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "parallel/Collectives.hpp"
#include "solver/models/SavingsProblem.hpp"
#include "solver/models/StationaryModel.hpp"
#include "solver/models/stationary/Aiyagari.hpp"
#include "solver/stationary/LotterySolver.hpp"
#include "solver/stationary/PriceEquilibrium.hpp"
#include "tests/EquilibriumHelpers.hpp"
#include "tests/MpiFixture.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

namespace {

using mfg::parallel::StateLayout;

/// A small savings problem written for this test: an uneven grid on [0, 8], three exogenous
/// states with an irregular chain, resources (1 + r) x + y_j, CRRA utility.
class SmallSavings final : public mfg::SavingsProblem {
 public:
  SmallSavings(int points, double crra) : crra_(crra) {
    for (int i = 0; i < points; ++i) grid_.push_back(8.0 * std::pow(i / (points - 1.0), 1.5));
    chain_ = {{0.7, 0.2, 0.1}, {0.15, 0.7, 0.15}, {0.05, 0.25, 0.7}};
  }
  const std::vector<double>& holdings() const override { return grid_; }
  const std::vector<std::vector<double>>& exogenous() const override { return chain_; }
  double discount() const override { return 0.93; }
  double resources(std::int64_t s) const override {
    static constexpr double y[] = {0.3, 1.0, 1.8};
    return 1.03 * grid_[static_cast<std::size_t>(s / 3)] + y[s % 3];
  }
  double utility(double c) const override {
    if (!(c > 0)) return -1e20;
    return crra_ == 1.0 ? std::log(c) : (std::pow(c, 1.0 - crra_) - 1.0) / (1.0 - crra_);
  }
  double marginalUtility(double c) const override { return std::pow(c, -crra_); }
  double consumptionForMarginalUtility(double m) const override { return std::pow(m, -1.0 / crra_); }

 private:
  double crra_;
  std::vector<double> grid_;
  std::vector<std::vector<double>> chain_;
};

std::vector<double> gather(const StateLayout& layout, const std::vector<double>& local) {
  std::vector<double> global;
  mfg::parallel::allGather(layout, local, 1, global);
  return global;
}

/// This rank's block of a global vector.
std::vector<double> block(const StateLayout& layout, const std::vector<double>& global) {
  return {global.begin() + layout.begin(), global.begin() + layout.end()};
}

/// Expected continuation W(x', e) = Σ_e' Π(e, e') V(x', e'), linear between grid points.
double continuation(const mfg::SavingsProblem& p, const std::vector<double>& V, double x, std::int64_t j) {
  const auto& g = p.holdings();
  const auto E = static_cast<std::int64_t>(p.exogenous().size());
  std::size_t k = 0;
  while (k + 2 < g.size() && g[k + 1] <= x) ++k;
  const double lambda = (x - g[k]) / (g[k + 1] - g[k]);
  double w = 0;
  for (std::int64_t jn = 0; jn < E; ++jn) {
    const double p_j = p.exogenous()[static_cast<std::size_t>(j)][static_cast<std::size_t>(jn)];
    w += p_j * ((1 - lambda) * V[k * E + jn] + lambda * V[(k + 1) * E + jn]);
  }
  return w;
}

double objective(const mfg::SavingsProblem& p, const std::vector<double>& V, std::int64_t s, double x) {
  const auto E = static_cast<std::int64_t>(p.exogenous().size());
  return p.utility(p.resources(s) - x) + p.discount() * continuation(p, V, x, s % E);
}

/// The best holding of state s by the first-order condition on every feasible cell, in order.
std::pair<double, double> scanAllCells(const mfg::SavingsProblem& p, const std::vector<double>& V, std::int64_t s) {
  const auto& g = p.holdings();
  const double m = p.resources(s), gamma = p.discount();
  const auto E = static_cast<std::int64_t>(p.exogenous().size());
  double best_x = g[0], best = -INFINITY;
  for (std::size_t k = 0; k + 1 < g.size() && g[k] < m; ++k) {
    const double w0 = continuation(p, V, g[k], s % E), w1 = continuation(p, V, g[k + 1], s % E);
    const double slope = (w1 - w0) / (g[k + 1] - g[k]);
    double x = g[k];
    if (slope > 0) x = std::clamp(m - p.consumptionForMarginalUtility(gamma * slope), g[k], std::min(g[k + 1], m));
    const double v = p.utility(m - x) + gamma * (w0 + slope * (x - g[k]));
    if (v > best) best = v, best_x = x;
  }
  return {best_x, best};
}

/// P_π from the lottery weights, dense.
Eigen::MatrixXd denseKernel(const mfg::SavingsProblem& p, const std::vector<double>& policy) {
  const auto& g = p.holdings();
  const auto E = static_cast<std::int64_t>(p.exogenous().size());
  const auto S = static_cast<Eigen::Index>(policy.size());
  Eigen::MatrixXd P = Eigen::MatrixXd::Zero(S, S);
  for (Eigen::Index s = 0; s < S; ++s) {
    const double x = policy[static_cast<std::size_t>(s)];
    std::size_t k = 0;
    while (k + 2 < g.size() && g[k + 1] <= x) ++k;
    const double lambda = (x - g[k]) / (g[k + 1] - g[k]);
    for (std::int64_t jn = 0; jn < E; ++jn) {
      const double pj = p.exogenous()[static_cast<std::size_t>(s % E)][static_cast<std::size_t>(jn)];
      P(s, static_cast<Eigen::Index>(k) * E + jn) += pj * (1 - lambda);
      P(s, static_cast<Eigen::Index>(k + 1) * E + jn) += pj * lambda;
    }
  }
  return P;
}

/// A wiggly, not concave value: the improvement must still be exact.
std::vector<double> testValue(std::int64_t n) {
  std::vector<double> V(static_cast<std::size_t>(n));
  for (std::int64_t s = 0; s < n; ++s) V[s] = std::log(1.0 + s / 3) + 0.05 * std::sin(1.3 * s) + 0.1 * (s % 3);
  return V;
}

}  // namespace

BOOST_AUTO_TEST_CASE(improvement_is_exact_on_every_cell_and_beats_a_fine_search) {
  for (double crra : {1.0, 3.0}) {
    BOOST_TEST_CONTEXT("crra " << crra) {
      const SmallSavings problem(25, crra);
      const StateLayout layout(MPI_COMM_WORLD, problem.numStates(), 1);
      const mfg::stationary::LotterySolver solver(problem, layout);
      const std::vector<double> V = testValue(problem.numStates());
      const std::vector<double> policy = gather(layout, solver.greedy(block(layout, V)));
      for (std::int64_t s = 0; s < problem.numStates(); ++s) {
        const auto [x_ref, v_ref] = scanAllCells(problem, V, s);
        const double x = policy[static_cast<std::size_t>(s)];
        BOOST_TEST(x < problem.resources(s), "state " << s);
        // Same maximum as the scan of every cell; the holding may differ only between ties.
        BOOST_TEST(std::abs(objective(problem, V, s, x) - v_ref) <= 1e-12 * std::max(1.0, std::abs(v_ref)),
                   "state " << s << ": " << x << " against " << x_ref);
        // No holding on a fine search does better.
        const double top = std::min(problem.holdings().back(), problem.resources(s));
        double brute = -INFINITY;
        for (int q = 0; q <= 20000; ++q) {
          const double xq = top * q / 20000.0 * (1 - 1e-12);
          brute = std::max(brute, objective(problem, V, s, xq));
        }
        BOOST_TEST(objective(problem, V, s, x) >= brute - 1e-12, "state " << s);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(evaluation_and_best_response_match_dense_references) {
  const SmallSavings problem(30, 2.0);
  const auto S = problem.numStates();
  const StateLayout layout(MPI_COMM_WORLD, S, 1);
  const mfg::stationary::LotterySolver solver(problem, layout);

  // A given policy: save a fixed share of resources, capped below the top of the grid.
  std::vector<double> global_policy(static_cast<std::size_t>(S));
  for (std::int64_t s = 0; s < S; ++s) global_policy[s] = std::min(0.37 * problem.resources(s), 7.9);
  std::vector<double> value;
  solver.evaluate(block(layout, global_policy), value);
  const Eigen::MatrixXd P = denseKernel(problem, global_policy);
  Eigen::VectorXd R(S);
  for (std::int64_t s = 0; s < S; ++s) R[s] = problem.utility(problem.resources(s) - global_policy[s]);
  const Eigen::VectorXd V_ref = (Eigen::MatrixXd::Identity(S, S) - 0.93 * P).partialPivLu().solve(R);
  const auto V = gather(layout, value);
  for (std::int64_t s = 0; s < S; ++s) BOOST_TEST(std::abs(V[s] - V_ref[s]) < 1e-10, "state " << s);

  // The best response is a fixed point of the Bellman operator: V*(s) = max_x' objective.
  std::vector<double> policy, best_value;
  const int evaluations = solver.bestResponse(policy, best_value);
  BOOST_TEST(evaluations >= 2);
  const auto Vb = gather(layout, best_value);
  const auto pib = gather(layout, policy);
  for (std::int64_t s = 0; s < S; ++s) {
    const auto [x_ref, v_ref] = scanAllCells(problem, Vb, s);
    BOOST_TEST(std::abs(Vb[s] - v_ref) < 1e-10, "state " << s);
    BOOST_TEST(Vb[s] >= V_ref[s] - 1e-10, "state " << s);  // no worse than the given policy
  }
  // And its value is the dense evaluation of its own policy.
  const Eigen::MatrixXd Pb = denseKernel(problem, pib);
  Eigen::VectorXd Rb(S);
  for (std::int64_t s = 0; s < S; ++s) Rb[s] = problem.utility(problem.resources(s) - pib[s]);
  const Eigen::VectorXd Vb_ref = (Eigen::MatrixXd::Identity(S, S) - 0.93 * Pb).partialPivLu().solve(Rb);
  for (std::int64_t s = 0; s < S; ++s) BOOST_TEST(std::abs(Vb[s] - Vb_ref[s]) < 1e-10, "state " << s);

  // Its stationary distribution against the eigenvector of P_πᵀ for eigenvalue 1.
  std::vector<double> mu;
  solver.stationaryDistribution(policy, mu);
  const auto mu_all = gather(layout, mu);
  Eigen::EigenSolver<Eigen::MatrixXd> eig(Pb.transpose());
  Eigen::Index k = 0;
  for (Eigen::Index i = 1; i < eig.eigenvalues().size(); ++i)
    if (std::abs(eig.eigenvalues()[i] - 1.0) < std::abs(eig.eigenvalues()[k] - 1.0)) k = i;
  BOOST_TEST(std::abs(eig.eigenvalues()[k] - 1.0) < 1e-12);
  Eigen::VectorXd v = eig.eigenvectors().col(k).real();
  v /= v.sum();
  double total = 0;
  for (std::int64_t s = 0; s < S; ++s) {
    BOOST_TEST(std::abs(mu_all[s] - v[s]) < 1e-12, "state " << s);
    BOOST_TEST(mu_all[s] >= 0.0);
    total += mu_all[s];
  }
  BOOST_TEST(std::abs(total - 1.0) < 1e-13);
}

using mfgtest::solveOn;

BOOST_AUTO_TEST_CASE(aiyagari_lottery_equilibrium_is_rank_invariant_and_clears_the_market) {
  const auto economy = mfg::makeEconomy("aiyagari", {{"asset_points", {150}}, {"asset_max", {40.0}}});
  const double tolerance = 1e-9;
  const auto world = solveOn(*economy, MPI_COMM_WORLD, tolerance);
  const auto alone = solveOn(*economy, MPI_COMM_SELF, tolerance);
  BOOST_TEST(world.choice == "lottery");
  BOOST_TEST(std::abs(world.price - alone.price) < 1e-10);
  BOOST_TEST(std::abs(world.supply - alone.supply) < 1e-10 * alone.supply);
  BOOST_TEST(std::abs(world.exploitability - alone.exploitability) < 1e-10);
  const StateLayout layout(MPI_COMM_WORLD, 150 * 7, 1);
  const auto mu = gather(layout, world.distribution), V = gather(layout, world.value);
  const auto pi = gather(layout, world.policy);
  for (std::size_t s = 0; s < mu.size(); ++s) {
    BOOST_TEST(std::abs(mu[s] - alone.distribution[s]) < 1e-10, "state " << s);
    BOOST_TEST(std::abs(V[s] - alone.value[s]) < 1e-10 * std::abs(alone.value[s]), "state " << s);
    BOOST_TEST(std::abs(pi[s] - alone.policy[s]) < 1e-10 * (1 + alone.policy[s]), "state " << s);
  }
  // The market clears: the supply at r* is the firms' demand within what the price tolerance
  // allows (supply moves by less than 2000 units of capital per unit of r here).
  BOOST_TEST(!world.at_bracket_end);
  BOOST_TEST(std::abs(world.supply - world.demand) < 2000 * tolerance + 1e-6);
  // Capital is the stationary mean of the assets, and the exploitability is (nearly) zero.
  const auto& a = dynamic_cast<const mfg::stationary::AiyagariEconomy&>(*economy);
  double capital = 0;
  for (std::size_t s = 0; s < mu.size(); ++s) capital += mu[s] * a.assets()[s / 7];
  BOOST_TEST(std::abs(capital - world.supply) < 1e-12 * capital);
  BOOST_TEST(world.exploitability >= -1e-9);
  BOOST_TEST(world.exploitability < 1e-6);
  // Every choice leaves positive consumption and stays on the grid.
  const double w = a.wage(world.price);
  for (std::size_t s = 0; s < pi.size(); ++s) {
    BOOST_TEST(pi[s] >= 0.0);
    BOOST_TEST(pi[s] <= 40.0);
    BOOST_TEST(pi[s] < a.cashOnHand(world.price, w, static_cast<std::int64_t>(s)));
  }
}

BOOST_AUTO_TEST_CASE(economy_without_income_risk_clears_at_the_time_preference_rate) {
  // With no risk and a continuous choice, a household facing r < ρ = 1/β − 1 runs its assets
  // down to the borrowing limit and stays there (consumption smoothing with a falling
  // marginal-utility path), so capital supply is 0 below ρ and the market clears only at ρ:
  // the solver's price ends within the tolerance below ρ, with no supply and no implied price.
  const double beta = 0.96, rho = 1 / beta - 1, tolerance = 1e-8;
  const auto economy = mfg::makeEconomy("aiyagari", {{"sigma", {0.0}}, {"income_points", {1}},
                                                     {"asset_points", {200}}, {"asset_max", {20.0}}});
  const auto eq = solveOn(*economy, MPI_COMM_WORLD, tolerance);
  BOOST_TEST(eq.price < rho);
  BOOST_TEST(eq.price > rho - 2 * tolerance);
  BOOST_TEST(eq.supply < 1e-12);
  BOOST_TEST(eq.at_bracket_end);
}
