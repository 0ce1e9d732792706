// Stationary (infinite-horizon) solver, docs/methods.md §8, at 1, 2 and 3 ranks: policy
// iteration against a dense value iteration and a dense linear solve, the stationary
// distribution against a dense eigen-solve (Eigen), the aiyagari equilibrium on the world
// communicator against the same on one rank (rank invariance), market clearing around the
// equilibrium, and the economy without income risk.
#define BOOST_TEST_MODULE mpi_stationary
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "parallel/Collectives.hpp"
#include "solver/models/StationaryModel.hpp"
#include "solver/models/stationary/Aiyagari.hpp"
#include "solver/stationary/PriceEquilibrium.hpp"
#include "solver/stationary/StationarySolver.hpp"
#include "tests/EquilibriumHelpers.hpp"
#include "tests/MpiFixture.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

namespace {

using mfg::parallel::StateLayout;

/// A small irregular chain written for this test: every row moves to s itself, s + 1 and a third
/// state picked by a hash, so every policy's chain is irreducible and aperiodic; rewards from the
/// same hash; the last action is infeasible in every third state; some successors repeat.
class HashChain final : public mfg::StationaryModel {
 public:
  HashChain(std::int64_t n, std::int64_t m, double gamma) : n_(n), m_(m), gamma_(gamma) {}
  std::vector<std::int64_t> stateShape() const override { return {n_}; }
  std::vector<std::int64_t> actionShape() const override { return {m_}; }
  double discount() const override { return gamma_; }
  void transitions(std::int64_t s, std::int64_t a, std::vector<mfg::Transition>& out) const override {
    const double h = hash(s, a);
    const double p_stay = 0.1 + 0.3 * h, p_next = 0.2 + 0.2 * hash(a, s);
    out = {{s, p_stay}, {(s + 1) % n_, p_next}, {(s * 7 + a * 13 + 3) % n_, 1.0 - p_stay - p_next}};
  }
  double reward(std::int64_t s, std::int64_t a) const override {
    return feasible(s, a) ? std::sin(1.0 + 3.0 * s + 1.7 * a) + hash(s + 11, a) : -1e6;
  }
  bool feasible(std::int64_t s, std::int64_t a) const override { return !(a == m_ - 1 && s % 3 == 0); }

 private:
  static double hash(std::int64_t i, std::int64_t j) {
    std::uint64_t x = static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(j) * 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 31;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 29;
    return static_cast<double>(x >> 11) * 0x1.0p-53;
  }
  std::int64_t n_, m_;
  double gamma_;
};

struct Dense {
  Eigen::MatrixXd P;  // |S||A| × |S|
  Eigen::VectorXd R;
  std::vector<bool> ok;
  std::int64_t S, A;
  double gamma;
  explicit Dense(const mfg::StationaryModel& m)
      : P(Eigen::MatrixXd::Zero(m.numStates() * m.numActions(), m.numStates())),
        R(m.numStates() * m.numActions()),
        S(m.numStates()),
        A(m.numActions()),
        gamma(m.discount()) {
    std::vector<mfg::Transition> row;
    for (std::int64_t s = 0; s < S; ++s)
      for (std::int64_t a = 0; a < A; ++a) {
        m.transitions(s, a, row);
        for (const auto& t : row) P(s * A + a, t.next) += t.prob;
        R[s * A + a] = m.reward(s, a);
        ok.push_back(m.feasible(s, a));
      }
  }
  /// Value iteration to a sup-norm change below 1e-14.
  Eigen::VectorXd valueIteration() const {
    Eigen::VectorXd V = Eigen::VectorXd::Zero(S);
    for (int it = 0; it < 100000; ++it) {
      const Eigen::VectorXd Q = R + gamma * P * V;
      Eigen::VectorXd next(S);
      for (std::int64_t s = 0; s < S; ++s) {
        double best = -INFINITY;
        for (std::int64_t a = 0; a < A; ++a)
          if (ok[s * A + a]) best = std::max(best, Q[s * A + a]);
        next[s] = best;
      }
      const double change = (next - V).cwiseAbs().maxCoeff();
      V = next;
      if (change < 1e-14) break;
    }
    return V;
  }
  std::vector<std::int64_t> greedy(const Eigen::VectorXd& V) const {
    const Eigen::VectorXd Q = R + gamma * P * V;
    std::vector<std::int64_t> pi(S);
    for (std::int64_t s = 0; s < S; ++s) {
      std::int64_t best = 0;
      for (std::int64_t a = 1; a < A; ++a)
        if (ok[s * A + a] && Q[s * A + a] > Q[s * A + best]) best = a;
      pi[s] = best;
    }
    return pi;
  }
  Eigen::MatrixXd policyKernel(const std::vector<std::int64_t>& pi) const {
    Eigen::MatrixXd Ppi(S, S);
    for (std::int64_t s = 0; s < S; ++s) Ppi.row(s) = P.row(s * A + pi[s]);
    return Ppi;
  }
  Eigen::VectorXd evaluate(const std::vector<std::int64_t>& pi) const {
    Eigen::VectorXd Rpi(S);
    for (std::int64_t s = 0; s < S; ++s) Rpi[s] = R[s * A + pi[s]];
    const Eigen::MatrixXd M = Eigen::MatrixXd::Identity(S, S) - gamma * policyKernel(pi);
    return M.partialPivLu().solve(Rpi);
  }
  /// The eigenvector of P_πᵀ for the eigenvalue closest to 1, scaled to sum 1.
  Eigen::VectorXd stationary(const std::vector<std::int64_t>& pi) const {
    Eigen::EigenSolver<Eigen::MatrixXd> eig(policyKernel(pi).transpose());
    Eigen::Index k = 0;
    for (Eigen::Index i = 1; i < eig.eigenvalues().size(); ++i)
      if (std::abs(eig.eigenvalues()[i] - 1.0) < std::abs(eig.eigenvalues()[k] - 1.0)) k = i;
    BOOST_TEST(std::abs(eig.eigenvalues()[k] - 1.0) < 1e-12);
    Eigen::VectorXd v = eig.eigenvectors().col(k).real();
    return v / v.sum();
  }
};

std::vector<double> gather(const StateLayout& layout, const std::vector<double>& local) {
  std::vector<double> global;
  mfg::parallel::allGather(layout, local, 1, global);
  return global;
}

std::vector<double> gather(const StateLayout& layout, const std::vector<std::int64_t>& local) {
  return gather(layout, std::vector<double>(local.begin(), local.end()));
}

}  // namespace

BOOST_AUTO_TEST_CASE(policy_iteration_matches_dense_value_iteration_and_solve) {
  for (auto [n, m, gamma] : {std::tuple{7L, 3L, 0.9}, std::tuple{41L, 5L, 0.97}}) {
    BOOST_TEST_CONTEXT("states " << n << ", actions " << m << ", gamma " << gamma) {
      const HashChain model(n, m, gamma);
      const Dense dense(model);
      const StateLayout layout(MPI_COMM_WORLD, n, m);
      const mfg::stationary::StationarySolver solver(model, layout);
      std::vector<std::int64_t> policy;
      std::vector<double> value;
      const int iterations = solver.bestResponse(policy, value);
      BOOST_TEST(iterations >= 2);
      const auto pi = gather(layout, policy);
      const auto V = gather(layout, value);

      const Eigen::VectorXd V_vi = dense.valueIteration();
      const auto pi_vi = dense.greedy(V_vi);
      for (std::int64_t s = 0; s < n; ++s) {
        BOOST_TEST(pi[s] == static_cast<double>(pi_vi[s]), "state " << s);
        BOOST_TEST(std::abs(V[s] - V_vi[s]) < 1e-10 * std::max(1.0, std::abs(V_vi[s])), "state " << s);
      }
      std::vector<std::int64_t> pi_int(pi.begin(), pi.end());
      const Eigen::VectorXd V_lu = dense.evaluate(pi_int);
      for (std::int64_t s = 0; s < n; ++s) BOOST_TEST(std::abs(V[s] - V_lu[s]) < 1e-11 * std::max(1.0, std::abs(V_lu[s])));

      // The stationary distribution of the optimal policy against the dense eigenvector.
      std::vector<double> mu;
      solver.stationaryDistribution(policy, mu);
      const auto mu_all = gather(layout, mu);
      const Eigen::VectorXd mu_eig = dense.stationary(pi_int);
      double total = 0;
      for (std::int64_t s = 0; s < n; ++s) {
        BOOST_TEST(std::abs(mu_all[s] - mu_eig[s]) < 1e-11, "state " << s);
        total += mu_all[s];
      }
      BOOST_TEST(std::abs(total - 1.0) < 1e-13);
    }
  }
}

BOOST_AUTO_TEST_CASE(evaluation_of_a_given_policy_matches_dense_solve) {
  // Every state takes its last action, infeasible in every third state: evaluated with the
  // model's penalty, like the dense solve.
  const HashChain model(23, 4, 0.95);
  const Dense dense(model);
  const StateLayout layout(MPI_COMM_WORLD, 23, 4);
  const mfg::stationary::StationarySolver solver(model, layout);
  std::vector<std::int64_t> policy(static_cast<std::size_t>(layout.localStates()), 3);
  std::vector<double> value;
  solver.evaluate(policy, value);
  const auto V = gather(layout, value);
  const Eigen::VectorXd V_lu = dense.evaluate(std::vector<std::int64_t>(23, 3));
  for (std::int64_t s = 0; s < 23; ++s) BOOST_TEST(std::abs(V[s] - V_lu[s]) < 1e-10 * std::abs(V_lu[s]));
  // The greedy policy never picks the infeasible action, whatever the values.
  const auto greedy = solver.greedy(value);  // collective: once on every rank
  for (std::int64_t i = 0; i < layout.localStates(); ++i)
    if ((layout.begin() + i) % 3 == 0) BOOST_TEST(greedy[static_cast<std::size_t>(i)] != 3);
}

using mfgtest::solveOn;

BOOST_AUTO_TEST_CASE(aiyagari_equilibrium_is_rank_invariant_and_clears_the_market) {
  // The grid choice (lottery = 0): policies are action indices, equal on every rank count.
  const auto economy =
      mfg::makeEconomy("aiyagari", {{"asset_points", {120}}, {"asset_max", {30.0}}, {"lottery", {0.0}}});
  const double tolerance = 1e-7;
  const auto world = solveOn(*economy, MPI_COMM_WORLD, tolerance);
  // The same problem on this rank alone: every rank of the world run must agree with it.
  const auto alone = solveOn(*economy, MPI_COMM_SELF, tolerance);
  const StateLayout world_layout(MPI_COMM_WORLD, 120 * 7, 120);
  BOOST_TEST(std::abs(world.price - alone.price) < 1e-10);
  BOOST_TEST(std::abs(world.supply - alone.supply) < 1e-10 * alone.supply);
  BOOST_TEST(std::abs(world.exploitability - alone.exploitability) < 1e-10);
  BOOST_TEST(world.history.size() == alone.history.size());
  BOOST_TEST(world.choice == "grid");
  const auto mu = gather(world_layout, world.distribution), V = gather(world_layout, world.value);
  const auto pi = gather(world_layout, world.policy);  // action indices, as doubles
  for (std::size_t s = 0; s < mu.size(); ++s) {
    BOOST_TEST(std::abs(mu[s] - alone.distribution[s]) < 1e-10, "state " << s);
    BOOST_TEST(std::abs(V[s] - alone.value[s]) < 1e-10 * std::abs(alone.value[s]), "state " << s);
    BOOST_TEST(pi[s] == alone.policy[s], "state " << s);
  }

  // Market clearing: the price lies in (−δ, 1/β − 1); just below it the households supply less
  // capital than the firms demand and just above it more (supply rises with r, demand falls).
  BOOST_TEST(!world.at_bracket_end);
  BOOST_TEST(world.price > -0.08);
  BOOST_TEST(world.price < 1 / 0.96 - 1);
  const mfg::stationary::PriceEquilibriumSolver solver(*economy, MPI_COMM_WORLD);
  std::vector<double> policy, value, dist;
  const auto below = solver.supplyAt(world.price - 2 * tolerance, policy, value, dist);
  policy.clear();
  value.clear();
  dist.clear();
  const auto above = solver.supplyAt(world.price + 2 * tolerance, policy, value, dist);
  BOOST_TEST(below.supply < below.demand);
  BOOST_TEST(above.supply > above.demand);
  // The stationary mass is a distribution and the reported figures agree with it.
  double total = 0, capital = 0, top = 0;
  const auto& assets = dynamic_cast<const mfg::stationary::AiyagariEconomy&>(*economy).assets();
  for (std::size_t s = 0; s < mu.size(); ++s) {
    BOOST_TEST(mu[s] >= -1e-15);
    total += mu[s];
    capital += mu[s] * assets[s / 7];
    if (s / 7 == 119) top += mu[s];
  }
  BOOST_TEST(std::abs(total - 1.0) < 1e-12);
  BOOST_TEST(std::abs(capital - world.supply) < 1e-12 * capital);
  BOOST_TEST(std::abs(world.top_cell_mass - top) < 1e-14);
  BOOST_TEST(world.exploitability >= -1e-9);
}

BOOST_AUTO_TEST_CASE(economy_without_income_risk_clears_just_below_the_time_preference_rate) {
  // With no risk and a borrowing limit 0, households decumulate to 0 whenever r < ρ = 1/β − 1
  // and would accumulate without bound when r > ρ: in the continuum the equilibrium is r* = ρ.
  // On a grid, households stay put at r slightly below ρ because a one-step move trades a
  // first-order interest gain against a second-order smoothing loss. Staying at a_i can only be
  // optimal if it beats moving down one cell and staying there, which by concavity needs
  // r ≥ ρ ((c − ρΔ)/(c + Δ))^crra with c = r a_i + w ≥ w(ρ) (w falls with r). So bisection, which
  // only tries r < ρ, ends in [ρ ((w − ρΔ)/(w + Δ))^crra − tol, ρ): r* = ρ within the grid's resolution.
  // (The stationary distribution is not unique here: every point where staying is optimal is
  // absorbing. Warm-started from the first price, where everyone ends at a = 0, the mass stays at
  // 0, K = 0 < demand at every price tried, and the result is ρ − tol, inside the interval; any
  // other choice can only raise K, which needs an absorbing interior point, hence r ≥ the bound.)
  const double beta = 0.96, rho = 1 / beta - 1, crra = 3, tolerance = 1e-7;
  for (int points : {51, 201}) {
    BOOST_TEST_CONTEXT("asset points " << points) {
      const auto economy = mfg::makeEconomy("aiyagari", {{"sigma", {0.0}}, {"income_points", {1}},
                                                         {"asset_points", {static_cast<double>(points)}},
                                                         {"asset_max", {20.0}}, {"asset_curvature", {1.0}},
                                                         {"lottery", {0.0}}});
      const auto& a = dynamic_cast<const mfg::stationary::AiyagariEconomy&>(*economy);
      const double delta_a = 20.0 / (points - 1), w = a.wage(rho);
      const double bound = rho * std::pow((w - rho * delta_a) / (w + delta_a), crra) - tolerance;
      const auto eq = solveOn(*economy, MPI_COMM_WORLD, tolerance);
      BOOST_TEST(eq.price < rho);
      BOOST_TEST(std::isnan(eq.exploitability) == (eq.supply == 0.0));  // no supply, no implied price
      BOOST_TEST(eq.price >= bound, "r* " << eq.price << " below the grid bound " << bound);
      BOOST_TEST_MESSAGE("asset points " << points << ": r* = " << eq.price << ", bound " << bound << ", rho " << rho);
    }
  }
}
