#define BOOST_TEST_MODULE mpi_krusell_smith
// The long-path mean-field simulation of the law-of-motion report (solver/aggregate) on
// krusell_smith, at 1, 2 and 3 ranks, against a serial reference written here: μ_{t+1}(s') =
// Σ_{s,a} μ_t(s) π_t(a|s) P(s'|s,a) with the model's own kernel rows, no PETSc. The policy depends
// on the state, on K_t and on z_t, so any mistake in the gathered view, the decision or the
// transposed product shows in K_t; equality at every rank count is the rank invariance.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "tests/MpiFixture.hpp"
#include "solver/aggregate/AggregateSimulation.hpp"
#include "solver/aggregate/LawOfMotion.hpp"
#include "solver/models/Registry.hpp"
#include "solver/noise/ScenarioTree.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

namespace {

/// π(a|s; K, z): two neighbouring actions, mixed with a weight that moves with K and z.
void rulePolicy(std::int64_t first, std::int64_t last, std::int64_t A, double K, double z, std::vector<double>& pi) {
  pi.assign(static_cast<std::size_t>((last - first) * A), 0.0);
  for (std::int64_t s = first; s < last; ++s) {
    const std::int64_t a = (s / 2) % (A - 1);
    const double w = 0.5 + 0.4 * std::sin(K + 7.0 * z + static_cast<double>(s));
    pi[static_cast<std::size_t>((s - first) * A + a)] = w;
    pi[static_cast<std::size_t>((s - first) * A + a + 1)] = 1.0 - w;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(simulation_matches_a_serial_reference_at_any_rank_count) {
  const auto model = mfg::makeModel("krusell_smith", {{"capital_points", {30}}, {"action_points", {6}}});
  const auto S = model->numStates(), A = model->numActions();
  const int steps = 300;
  const auto noise = mfg::ScenarioTree::sampleHistories(*model->noise(), steps, 1, 7).front();

  mfg::AggregateSimulation sim(*model, MPI_COMM_WORLD);
  const auto& layout = sim.layout();
  const auto path = sim.run(
      noise,
      [&](const mfg::MeanFieldView& v, std::vector<double>& pi) {
        rulePolicy(layout.begin(), layout.end(), A, v.stats[0], v.z[0], pi);
      },
      {0, 150, steps});

  // The serial reference.
  std::vector<double> mu = model->initialDistribution(noise[0]), stats, pi;
  std::vector<double> K_ref;
  std::vector<mfg::Transition> row;
  for (int t = 0;; ++t) {
    mfg::MeanFieldView v;
    v.t = t;
    v.mu = mu;
    v.z = noise[static_cast<std::size_t>(t)];
    model->aggregate(v, stats);
    v.stats = stats;
    K_ref.push_back(stats[0]);
    if (t == steps) break;
    rulePolicy(0, S, A, stats[0], v.z[0], pi);
    std::vector<double> next(static_cast<std::size_t>(S), 0.0);
    for (std::int64_t s = 0; s < S; ++s)
      for (std::int64_t a = 0; a < A; ++a) {
        const double x = mu[static_cast<std::size_t>(s)] * pi[static_cast<std::size_t>(s * A + a)];
        if (x == 0.0) continue;
        model->transitions(v, s, a, row);
        for (const auto& [n, p] : row) next[static_cast<std::size_t>(n)] += x * p;
      }
    mu = std::move(next);
  }

  BOOST_REQUIRE_EQUAL(path.stats.size(), K_ref.size());
  double worst = 0.0;
  for (std::size_t t = 0; t < K_ref.size(); ++t)
    worst = std::max(worst, std::abs(path.stats[t][0] - K_ref[t]) / K_ref[t]);
  BOOST_TEST(worst < 1e-12, "largest relative gap in K_t: " << worst);
  // K moves: the test would not see a frozen simulation.
  BOOST_TEST(std::abs(K_ref.back() - K_ref.front()) > 1e-3 * K_ref.front());
  BOOST_REQUIRE_EQUAL(path.snapshots.size(), 3u);
  BOOST_TEST(path.snapshot_steps[2] == steps);
  double gap = 0.0, mass = 0.0;
  for (std::size_t s = 0; s < mu.size(); ++s) {
    gap = std::max(gap, std::abs(path.snapshots[2][s] - mu[s]));
    mass += path.snapshots[2][s];
  }
  BOOST_TEST(gap < 1e-13);
  BOOST_TEST(std::abs(mass - 1.0) < 1e-12);

  // The statistics of the path are the same on every rank (they read the gathered μ).
  std::vector<double> K;
  std::vector<bool> good;
  for (int t = 0; t <= steps; ++t) {
    K.push_back(path.stats[static_cast<std::size_t>(t)][0]);
    good.push_back(noise[static_cast<std::size_t>(t)][0] > 1.0);
  }
  const auto law = mfg::lawOfMotion(K, good);
  double slope = law.bad.slope;
  MPI_Bcast(&slope, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  BOOST_TEST(slope == law.bad.slope);
}
