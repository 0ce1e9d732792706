// The tabular offline learners of solver/marl: InSPO's update against hand computations on XOR,
// its in-sample values, the outcomes the literature reports (a deterministic optimum on XOR, one
// equilibrium on mne, the Bridge optimum), the baselines' exact values by hand, and the empirical
// tables and learned policies bitwise identical on any number of ranks.
#define BOOST_TEST_MODULE mpi_marl
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "MpiFixture.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/games/MatrixGame.hpp"
#include "solver/marl/Inspo.hpp"
#include "solver/marl/VdnCql.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;

namespace {

/// XOR episodes that play `joints` in order, one step each, in one episode.
games::EpisodeData xorSteps(const std::vector<std::vector<int>>& joints) {
  auto game = games::makeGame("xor");
  games::Rng rng(0);
  games::EpisodeData data = games::recordEpisodes(
      *game, 1, [&](int, int t, const float*, games::Rng&) { return joints[t % joints.size()]; }, rng);
  // Keep exactly joints.size() steps.
  for (int t = static_cast<int>(joints.size()); t < data.steps; ++t) data.filled[data.stepIndex(0, t)] = 0;
  return data;
}

double xorValue(double p0a, double p1a) {  // expected payoff per step of independent play
  return p0a * (1 - p1a) + (1 - p0a) * p1a - 2.0 * (1 - p0a) * (1 - p1a);
}

}  // namespace

BOOST_AUTO_TEST_CASE(in_sample_values_by_hand) {
  // {AA, AB, BA} once each, γ = 0: Q = r; V = α log(⅓ e^{0} + ⅔ e^{1/α}).
  const auto data = xorSteps({{0, 0}, {0, 1}, {1, 0}});
  const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
  BOOST_TEST(game.stateCount() == 1);
  BOOST_TEST(game.samples(0).size() == 3u);
  const double alpha = 0.5;
  const auto v0 = marl::inSampleValues(game, alpha, 0.0);
  BOOST_TEST(std::abs(v0.v[0] - alpha * std::log(1.0 / 3.0 + 2.0 / 3.0 * std::exp(1.0 / alpha))) < 1e-13);
  // γ = 0.9: the one state is its own successor, Q = r + γV, so V solves V = α log E exp((r + γV)/α):
  // V = V0 + γV → V = V0 / (1 − γ).
  const auto v9 = marl::inSampleValues(game, alpha, 0.9);
  BOOST_TEST(std::abs(v9.v[0] - v0.v[0] / 0.1) < 1e-9);
  BOOST_TEST(std::abs(game.behaviour(0, 0, 0) - 2.0 / 3.0) < 1e-15);
  BOOST_TEST(std::abs(game.behaviour(1, 0, 1) - 1.0 / 3.0) < 1e-15);
}

BOOST_AUTO_TEST_CASE(inspo_target_on_xor_by_hand) {
  // {AB, BA}, γ = 0: Q(AB) = Q(BA) = 1; AA and BB never appear, valued at min Q − max|r|/(1−γ) = 0.
  // Teammate plays A with p: Q¹(A) = p·0 + (1−p)·1, Q¹(B) = p·1 + (1−p)·0; μ_b = ½ each, so
  // π(A) = e^{(1−p)/(α+β)} / (e^{(1−p)/(α+β)} + e^{p/(α+β)}).
  const auto data = xorSteps({{0, 1}, {1, 0}});
  const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
  marl::InspoSettings s;
  s.alpha = 1.0;
  s.beta = 0.5;
  s.gamma = 0.0;
  const marl::Inspo inspo(game, s);
  marl::TabularPolicy teammates(game);
  for (double p : {0.5, 0.3, 0.9}) {
    teammates.at(1, 0, 0) = p, teammates.at(1, 0, 1) = 1 - p;
    const auto pi = inspo.target(0, 0, teammates);
    const double expected = 1.0 / (1.0 + std::exp((2 * p - 1) / 1.5));
    BOOST_TEST(std::abs(pi[0] - expected) < 1e-14, "p = " << p);
    BOOST_TEST(std::abs(pi[0] + pi[1] - 1.0) < 1e-15);
  }
  // {AA, AB, BA}, γ = 0, β = 0: μ_b(A) = ⅔; BB is unseen, valued at min Q − max|r| = 0 − 1 = −1.
  // Teammate A with q: Q¹(A) = q·0 + (1−q)·1, Q¹(B) = q·1 + (1−q)·(−1); π ∝ μ_b exp(Q¹/α).
  const auto data3 = xorSteps({{0, 0}, {0, 1}, {1, 0}});
  const marl::EmpiricalGame game3(data3, MPI_COMM_WORLD);
  s.beta = 0.0;
  s.alpha = 0.7;
  const marl::Inspo inspo3(game3, s);
  marl::TabularPolicy mates3(game3);
  const double q = 0.4;
  mates3.at(1, 0, 0) = q, mates3.at(1, 0, 1) = 1 - q;
  const double wa = 2.0 / 3.0 * std::exp((1 - q) / 0.7), wb = 1.0 / 3.0 * std::exp((q - (1 - q)) / 0.7);
  BOOST_TEST(std::abs(inspo3.target(0, 0, mates3)[0] - wa / (wa + wb)) < 1e-14);
}

BOOST_AUTO_TEST_CASE(simultaneous_updates_miscoordinate_where_sequential_ones_do_not) {
  // Both players lean to A on {AB, BA}: updated together each goes to B (the other "plays A"),
  // while in turn the second sees the first's new B and goes to A.
  const auto data = xorSteps({{0, 1}, {1, 0}});
  const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
  marl::InspoSettings s;
  s.alpha = 0.01, s.beta = 0.001, s.gamma = 0.0;
  const marl::Inspo inspo(game, s);
  marl::TabularPolicy lean(game);
  for (int i = 0; i < 2; ++i) lean.at(i, 0, 0) = 0.6, lean.at(i, 0, 1) = 0.4;
  const auto first = inspo.target(0, 0, lean);   // against player 1 at 0.6 A
  BOOST_TEST(first[1] > 0.999);
  const auto second_sim = inspo.target(1, 0, lean);  // simultaneous: against player 0's old 0.6 A
  BOOST_TEST(second_sim[1] > 0.999);                 // → BB, the worst joint action
  marl::TabularPolicy updated = lean;
  updated.at(0, 0, 0) = first[0], updated.at(0, 0, 1) = first[1];
  const auto second_seq = inspo.target(1, 0, updated);  // sequential: against player 0's new B
  BOOST_TEST(second_seq[0] > 0.999);                    // → BA
}

BOOST_AUTO_TEST_CASE(inspo_reaches_a_deterministic_optimum_on_the_literature_datasets) {
  for (const char* kind : {"ab", "ab_ba", "aa_ab_ba", "random"}) {
    const auto data = games::makeDataset("xor", kind, 0);
    const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
    const auto xorGame = games::makeEnumerableGame("xor");
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      marl::InspoSettings s;
      s.seed = seed;
      marl::Inspo inspo(game, s);
      for (int k = 0; k < 20; ++k) inspo.iterate();
      const auto& pi = inspo.policy();
      const double a0 = pi.at(0, 0, 0), a1 = pi.at(1, 0, 0);
      // AB or BA, never a mix: each player deterministic, and opposite.
      BOOST_TEST((std::min(a0, 1 - a0) < 1e-9 && std::abs(a0 + a1 - 1.0) < 1e-9), kind << " seed " << seed);
      const auto r = marl::exactReturn(pi, game, *xorGame);
      BOOST_TEST(std::abs(r.return_per_step - xorValue(a0, a1)) < 1e-12);
      BOOST_TEST(std::abs(r.return_per_step - 1.0) < 1e-9, kind << " seed " << seed);
    }
  }
  for (const char* kind : {"balanced", "imbalanced"}) {
    const auto data = games::makeDataset("mne", kind, 0);
    const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      marl::InspoSettings s;
      s.seed = seed;
      marl::Inspo inspo(game, s);
      for (int k = 0; k < 20; ++k) inspo.iterate();
      const auto& pi = inspo.policy();
      // One equilibrium: both on action 0 or both on action 3, deterministic.
      const bool low = pi.at(0, 0, 0) > 1 - 1e-9 && pi.at(1, 0, 0) > 1 - 1e-9;
      const bool high = pi.at(0, 0, 3) > 1 - 1e-9 && pi.at(1, 0, 3) > 1 - 1e-9;
      BOOST_TEST((low || high), kind << " seed " << seed);
    }
  }
}

BOOST_AUTO_TEST_CASE(inspo_is_within_one_percent_of_the_bridge_optimum) {
  const auto bridge = games::makeEnumerableGame("bridge");
  // The optimum of the Bridge, −0.05 × the distances of the hand plan of test_games.
  const double optimum = -0.05 * (2 * std::sqrt(5.0) + 2 * std::sqrt(17.0) + 2 * std::sqrt(2.0) + 6.0 + std::sqrt(10.0));
  for (const char* kind : {"optimal", "mix"})
    for (std::uint64_t seed = 0; seed < 5; ++seed) {  // the dataset's seed and the learner's
      const auto data = games::makeDataset("bridge", kind, seed);
      const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
      marl::InspoSettings s;
      s.seed = seed;
      marl::Inspo inspo(game, s);
      for (int k = 0; k < 20; ++k) inspo.iterate();
      const auto r = marl::exactReturn(inspo.policy(), game, *bridge);
      BOOST_TEST(r.episode_return >= optimum * 1.01, kind << " seed " << seed << ": " << r.episode_return);
      BOOST_TEST(r.episode_return <= optimum + 1e-9);
    }
}

BOOST_AUTO_TEST_CASE(baselines_by_hand) {
  const auto xorGame = games::makeEnumerableGame("xor");
  // Behaviour cloning on {AB, BA}: both uniform, (0 + 1 + 1 − 2)/4 = 0 per step.
  {
    const marl::EmpiricalGame game(games::makeDataset("xor", "ab_ba", 0), MPI_COMM_WORLD);
    BOOST_TEST(std::abs(marl::exactReturn(marl::TabularPolicy(game), game, *xorGame).return_per_step) < 1e-12);
  }
  // On {AA, AB, BA} an additive Q_tot fits all three joint actions exactly, with
  // Q₁(B) − Q₁(A) = Q₂(B) − Q₂(A) = 1: the greedy players pick B, B, the unseen −2.
  const auto data = games::makeDataset("xor", "aa_ab_ba", 0);
  const marl::EmpiricalGame game(data, MPI_COMM_WORLD);
  marl::VdnCqlSettings v;
  v.conservative = 0.0;
  v.gamma = 0.0;  // targets = rewards: the exact fit exists
  const auto vdn = marl::vdnCql(game, v);
  BOOST_TEST(vdn.policy.at(0, 0, 1) == 1.0);
  BOOST_TEST(vdn.policy.at(1, 0, 1) == 1.0);
  BOOST_TEST(std::abs(vdn.q[0][1] - vdn.q[0][0] - 1.0) < 1e-6);
  BOOST_TEST(std::abs(marl::exactReturn(vdn.policy, game, *xorGame).return_per_step + 2.0) < 1e-12);
  // BC there: marginals from the data's own counts.
  const double p0 = game.behaviour(0, 0, 0), p1 = game.behaviour(1, 0, 0);
  BOOST_TEST(std::abs(marl::exactReturn(marl::TabularPolicy(game), game, *xorGame).return_per_step - xorValue(p0, p1)) <
             1e-12);
}

BOOST_AUTO_TEST_CASE(tables_and_policies_are_identical_on_any_number_of_ranks) {
  const auto data = games::makeDataset("bridge", "mix", 3);
  const marl::EmpiricalGame world(data, MPI_COMM_WORLD);
  const marl::EmpiricalGame self(data, MPI_COMM_SELF);
  BOOST_REQUIRE(world.stateCount() == self.stateCount());
  for (int s = 0; s < world.stateCount(); ++s) {
    BOOST_REQUIRE(world.observation(s) == self.observation(s));
    const auto& a = world.samples(s);
    const auto& b = self.samples(s);
    BOOST_REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      BOOST_TEST(a[k].joint == b[k].joint);
      BOOST_TEST(a[k].count == b[k].count);
      BOOST_TEST(a[k].reward == b[k].reward);  // bitwise
      BOOST_TEST(a[k].terminal == b[k].terminal);
      BOOST_TEST((a[k].next == b[k].next));
    }
  }
  marl::InspoSettings s;
  s.seed = 4;
  marl::Inspo on_world(world, s), on_self(self, s);
  for (int k = 0; k < 10; ++k) on_world.iterate(), on_self.iterate();
  BOOST_TEST(on_world.policy().table == on_self.policy().table);  // bitwise
  // And the same on every rank of the world.
  const auto& t = on_world.policy().table[0];
  std::vector<double> root = t;
  MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  BOOST_TEST(root == t);
}
