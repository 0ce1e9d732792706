// The exact passes of inverse RL (docs/methods.md §13) against an independent dense implementation
// inside the test: the soft equilibrium of the inverse-RL models, the adjoint occupancy that
// differentiates Σ log π through the soft best response (against finite differences), and the
// empirical flow of sampled plays converging to the equilibrium flow. At 1, 2 and 3 ranks.
#define BOOST_TEST_MODULE irl_exact
#include <boost/test/unit_test.hpp>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "DenseReference.hpp"
#include "MpiFixture.hpp"
#include "parallel/Collectives.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/irl/Plays.hpp"
#include "solver/irl/RewardTableModel.hpp"
#include "solver/irl/SoftEquilibrium.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;
using Table = std::vector<std::vector<double>>;

namespace {

MeanFieldView viewOf(const Model& m, int t, const Table& mu, std::vector<double>& stats) {
  MeanFieldView v;
  v.t = t;
  v.mu = mu[static_cast<std::size_t>(t)];
  if (t + 1 < static_cast<int>(mu.size())) v.mu_next = mu[static_cast<std::size_t>(t + 1)];
  m.aggregate(v, stats);
  v.stats = stats;
  return v;
}

/// Dense soft best response with rewards from `reward(t, s, a)` against the flow mu: π and Q.
template <class Reward>
Table denseSoft(const Model& m, const Table& mu, double beta, Reward reward) {
  const int T = m.numSteps();
  const auto S = m.numStates(), A = m.numActions();
  Table pi(static_cast<std::size_t>(T));
  Eigen::VectorXd V = Eigen::VectorXd::Zero(S);
  std::vector<double> stats;
  for (int t = T - 1; t >= 0; --t) {
    const auto v = viewOf(m, t, mu, stats);
    const Eigen::MatrixXd P = testing::denseKernel(m, v, S, A);
    const Eigen::VectorXd PV = P * V;
    Eigen::VectorXd Vt(S);
    pi[static_cast<std::size_t>(t)].resize(static_cast<std::size_t>(S * A));
    for (Eigen::Index s = 0; s < S; ++s) {
      std::vector<double> q(static_cast<std::size_t>(A));
      double top = -INFINITY;
      for (Eigen::Index a = 0; a < A; ++a) {
        q[static_cast<std::size_t>(a)] = reward(t, s, a, v) + m.discount() * PV[s * A + a];
        top = std::max(top, q[static_cast<std::size_t>(a)]);
      }
      double z = 0.0;
      for (double x : q) z += std::exp((x - top) / beta);
      Vt[s] = top + beta * std::log(z);
      for (Eigen::Index a = 0; a < A; ++a)
        pi[static_cast<std::size_t>(t)][static_cast<std::size_t>(s * A + a)] = std::exp((q[static_cast<std::size_t>(a)] - Vt[s]) / beta);
    }
    V = Vt;
  }
  return pi;
}

Table denseForward(const Model& m, const Table& pi) {
  const int T = m.numSteps();
  const auto S = m.numStates(), A = m.numActions();
  Table mu(static_cast<std::size_t>(T + 1));
  mu[0] = m.initialDistribution();
  std::vector<double> stats;
  for (int t = 0; t < T; ++t) {
    // The kernel of step t reads μ_t of the flow being built (the population is the flow).
    const auto v = viewOf(m, t, mu, stats);
    const Eigen::MatrixXd P = testing::denseKernel(m, v, S, A);
    Eigen::VectorXd x(S * A);
    for (Eigen::Index r = 0; r < S * A; ++r) x[r] = mu[static_cast<std::size_t>(t)][static_cast<std::size_t>(r / A)] * pi[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)];
    const Eigen::VectorXd next = P.transpose() * x;
    mu[static_cast<std::size_t>(t + 1)].assign(next.data(), next.data() + S);
  }
  return mu;
}

/// The dense fixed point: half steps toward Φ(μ) until nothing moves (1e-13).
std::pair<Table, Table> denseSoftEquilibrium(const Model& m, double beta) {
  Table pi = denseSoft(m, denseForward(m, Table(static_cast<std::size_t>(m.numSteps()),
                                                      std::vector<double>(static_cast<std::size_t>(m.numStates() * m.numActions()),
                                                                          1.0 / static_cast<double>(m.numActions())))),
                       beta, [&](int, Eigen::Index s, Eigen::Index a, const MeanFieldView& v) { return m.reward(v, s, a); });
  Table mu = denseForward(m, pi);
  for (int k = 0; k < 200000; ++k) {
    pi = denseSoft(m, mu, beta, [&](int, Eigen::Index s, Eigen::Index a, const MeanFieldView& v) { return m.reward(v, s, a); });
    const Table next = denseForward(m, pi);
    double change = 0.0;
    for (std::size_t t = 0; t < mu.size(); ++t)
      for (std::size_t s = 0; s < mu[t].size(); ++s) {
        change = std::max(change, std::abs(next[t][s] - mu[t][s]));
        mu[t][s] += 0.5 * (next[t][s] - mu[t][s]);
      }
    if (change < 1e-13) break;
  }
  return {pi, mu};
}

Table gather(const parallel::StateLayout& layout, const Table& local, int block) {
  Table out(local.size());
  for (std::size_t t = 0; t < local.size(); ++t) parallel::allGather(layout, local[t], block, out[t]);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(soft_equilibrium_matches_a_dense_fixed_point) {
  struct Case {
    const char* model;
    double beta;
  };
  for (const Case c : {Case{"malware", 1.0}, Case{"malware", 0.2}, Case{"investment", 0.5}, Case{"sis", 1.0}, Case{"sis", 0.3}}) {
    BOOST_TEST_CONTEXT(c.model << " beta " << c.beta) {
      const auto model = makeModel(c.model, {{"T", {12}}});
      ExactEngine engine(*model, MPI_COMM_WORLD);
      irl::SoftEquilibriumSettings settings;
      settings.temperature = c.beta;
      const auto eq = irl::solveSoftEquilibrium(engine, settings);
      BOOST_TEST(eq.converged);
      BOOST_TEST(eq.residual < 1e-10);
      const auto [pi_ref, mu_ref] = denseSoftEquilibrium(*model, c.beta);
      const auto mu = gather(engine.layout(), eq.flow.mu, 1);
      const auto pi = gather(engine.layout(), eq.policy.pi, static_cast<int>(model->numActions()));
      double dmu = 0.0, dpi = 0.0;
      for (std::size_t t = 0; t < mu.size(); ++t)
        for (std::size_t s = 0; s < mu[t].size(); ++s) dmu = std::max(dmu, std::abs(mu[t][s] - mu_ref[t][s]));
      for (std::size_t t = 0; t < pi.size(); ++t)
        for (std::size_t r = 0; r < pi[t].size(); ++r) dpi = std::max(dpi, std::abs(pi[t][r] - pi_ref[t][r]));
      BOOST_TEST(dmu < 1e-8);
      BOOST_TEST(dpi < 1e-8);
      // The equilibrium is not the uniform policy's flow: the check above would be vacuous otherwise.
      BOOST_TEST(std::abs(pi[0][0] - 0.5) > 1e-3);
    }
  }
}

BOOST_AUTO_TEST_CASE(occupancy_adjoint_is_the_gradient_of_the_log_likelihood) {
  // L(R) = Σ_t Σ_{s,a} c_t(s,a) log π^R_t(a|s), π^R the soft best response to the reward table R
  // against a fixed flow (investment: the kernel reads μ). dL/dR = ν/β, ν the occupancy of
  // c − c(s)π from zero; checked entry by entry against central differences of the dense L.
  const auto model = makeModel("investment", {{"T", {6}}, {"gamma", {0.9}}});
  const int T = model->numSteps();
  const auto S = model->numStates(), A = model->numActions();
  const double beta = 0.7;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Table R(static_cast<std::size_t>(T), std::vector<double>(static_cast<std::size_t>(S * A)));
  Table c = R;
  for (auto& row : R)
    for (auto& x : row) x = u(rng) - 0.5;
  for (auto& row : c)
    for (auto& x : row) x = u(rng);
  Table flow(static_cast<std::size_t>(T + 1), std::vector<double>(static_cast<std::size_t>(S)));
  for (auto& row : flow) {
    double total = 0.0;
    for (auto& x : row) total += (x = u(rng));
    for (auto& x : row) x /= total;
  }
  flow[3][7] += 5.0;  // ⟨μ⟩ ≥ 4 at t = 3: both branches of the kernel are exercised
  const auto L = [&](const Table& table) {
    const auto pi = denseSoft(*model, flow, beta, [&](int t, Eigen::Index s, Eigen::Index a, const MeanFieldView&) {
      return table[static_cast<std::size_t>(t)][static_cast<std::size_t>(s * A + a)];
    });
    double total = 0.0;
    for (int t = 0; t < T; ++t)
      for (std::int64_t r = 0; r < S * A; ++r) total += c[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)] * std::log(pi[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)]);
    return total;
  };
  irl::RewardTableModel table_model(*model);
  ExactEngine engine(table_model, MPI_COMM_WORLD);
  const auto& layout = engine.layout();
  Table local_R, local_c;
  for (int t = 0; t < T; ++t) {
    local_R.emplace_back(R[static_cast<std::size_t>(t)].begin() + layout.begin() * A, R[static_cast<std::size_t>(t)].begin() + layout.end() * A);
    local_c.emplace_back(c[static_cast<std::size_t>(t)].begin() + layout.begin() * A, c[static_cast<std::size_t>(t)].begin() + layout.end() * A);
  }
  table_model.setTable(local_R, layout.begin());
  MeanFieldFlow env;
  for (const auto& row : flow) env.mu.emplace_back(row.begin() + layout.begin(), row.begin() + layout.end());
  const auto pi = irl::softBestResponse(engine, beta, env);
  Table inject = local_c;
  for (int t = 0; t < T; ++t)
    for (std::int64_t s = 0; s < layout.localStates(); ++s) {
      double cs = 0.0;
      for (std::int64_t a = 0; a < A; ++a) cs += local_c[static_cast<std::size_t>(t)][static_cast<std::size_t>(s * A + a)];
      for (std::int64_t a = 0; a < A; ++a)
        inject[static_cast<std::size_t>(t)][static_cast<std::size_t>(s * A + a)] -= cs * pi.pi[static_cast<std::size_t>(t)][static_cast<std::size_t>(s * A + a)];
    }
  const auto uniform = Policy::uniform(layout, T);
  const auto nu = gather(layout, engine.occupancy(pi, env, uniform, {}, inject, model->discount()), static_cast<int>(A));
  double worst = 0.0, largest = 0.0;
  const double h = 1e-5;
  for (int t = 0; t < T; ++t)
    for (std::int64_t r = 0; r < S * A; ++r) {
      Table plus = R, minus = R;
      plus[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)] += h;
      minus[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)] -= h;
      const double fd = (L(plus) - L(minus)) / (2 * h);
      const double adjoint = nu[static_cast<std::size_t>(t)][static_cast<std::size_t>(r)] / beta;
      worst = std::max(worst, std::abs(fd - adjoint));
      largest = std::max(largest, std::abs(fd));
    }
  BOOST_TEST(largest > 0.1);  // the gradient is not trivially zero
  BOOST_TEST(worst < 1e-6 * std::max(1.0, largest));
}

BOOST_AUTO_TEST_CASE(sampled_flows_converge_to_the_equilibrium_flow) {
  // Agents of a play are independent given the population flow, so μ̂_t(s) is a mean of N Bernoulli
  // variables with mean μ_t(s): its z-score (μ̂ − μ)/sqrt(μ(1 − μ)/N). With m cells, the largest |z|
  // exceeds Φ^{-1}(1 − α/(2m)) with probability at most α (Bonferroni); α = 1e-4 is this check's
  // false-alarm rate for a random seed (the seed here is fixed). The largest error must also shrink
  // about as 1/sqrt(N): from N = 400 to N = 40000 by more than 4x (10x expected).
  const auto model = makeModel("malware", {{"T", {8}}});
  ExactEngine engine(*model, MPI_COMM_WORLD);
  irl::SoftEquilibriumSettings settings;
  settings.temperature = 0.5;
  const auto eq = irl::solveSoftEquilibrium(engine, settings);
  const auto mu = gather(engine.layout(), eq.flow.mu, 1);
  const auto pi = gather(engine.layout(), eq.policy.pi, 2);
  const int T = model->numSteps();
  const std::int64_t S = model->numStates();
  const double m = static_cast<double>((T + 1) * S);
  // Φ^{-1}(1 − 1e-4 / (2 m)) for m = 90 cells: 1 − 5.6e-7 → 4.87 (tables of the normal law).
  BOOST_REQUIRE_EQUAL(m, 90.0);
  const double z_limit = 4.87;
  double error_small = 0.0, error_large = 0.0;
  for (std::int64_t N : {400, 40000}) {
    std::vector<std::int64_t> states(static_cast<std::size_t>(N * (T + 1))), actions(static_cast<std::size_t>(N * T));
    irl::samplePlay(*model, pi, mu, N, 12345, states.data(), actions.data());
    irl::Demonstrations d;
    d.plays = 1;
    d.agents = N;
    d.steps = T;
    d.states = states;
    d.actions = actions;
    const auto hat = irl::empiricalFlow(d, 0, S);
    double z_max = 0.0, error = 0.0;
    for (int t = 0; t <= T; ++t)
      for (std::int64_t s = 0; s < S; ++s) {
        const double p = mu[static_cast<std::size_t>(t)][static_cast<std::size_t>(s)];
        const double e = std::abs(hat[static_cast<std::size_t>(t)][static_cast<std::size_t>(s)] - p);
        error = std::max(error, e);
        if (p > 0.0 && p < 1.0) z_max = std::max(z_max, e / std::sqrt(p * (1 - p) / static_cast<double>(N)));
      }
    BOOST_TEST_CONTEXT("N = " << N) { BOOST_TEST(z_max < z_limit); }
    (N == 400 ? error_small : error_large) = error;
  }
  BOOST_TEST(error_small > 4.0 * error_large);
}
