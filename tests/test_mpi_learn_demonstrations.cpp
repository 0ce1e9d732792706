// The network learners from demonstrations (solver/marl/networks): the MAMQL and IQ-Learn losses
// against hand computations from the critics' outputs, a planted reward recovered on a small game,
// parameters identical on every rank, and a resumed run identical to an uninterrupted one.
#define BOOST_TEST_MODULE mpi_learn_demonstrations
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>

#include "MpiFixture.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/marl/networks/DemonstrationLearner.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

// One LibTorch thread per rank, as `mfg` runs (io/cli/Threads): the results then do not depend on
// how many cores the machine has.
struct OneTorchThread {
  OneTorchThread() { torch::set_num_threads(1); }
};
BOOST_TEST_GLOBAL_FIXTURE(OneTorchThread);

using namespace mfg;

namespace {

/// Two players, one state, 4 actions each; player i is paid planted_i[a_i] whatever the other does.
class PlantedGame final : public games::MarkovGame {
 public:
  static constexpr double kReward[2][4] = {{0.0, 1.0, 2.0, 3.0}, {2.0, 0.0, 1.5, -1.0}};
  std::string name() const override { return "planted"; }
  int players() const override { return 2; }
  std::vector<int> actionCounts() const override { return {4, 4}; }
  std::vector<std::int64_t> observationShape() const override { return {1}; }
  int stepLimit() const override { return 10; }
  bool cooperative() const override { return false; }
  void reset(games::Rng&) override {}
  games::StepResult step(const std::vector<int>& joint, games::Rng&) override {
    return {{kReward[0][joint[0]], kReward[1][joint[1]]}, false};
  }
  void observe(float* out) const override { out[0] = 0.0f; }
};

/// Experts that play π_i ∝ exp(planted_i): the soft-optimal policy of a one-state game whose
/// reward does not depend on the future.
games::EpisodeData plantedDemonstrations(int episodes, std::uint64_t seed) {
  PlantedGame game;
  games::Rng rng(seed);
  return games::recordEpisodes(game, episodes, [](int, int, const float*, games::Rng& r) {
    std::vector<int> joint(2);
    for (int i = 0; i < 2; ++i) {
      double z = 0.0, c = 0.0;
      for (double x : PlantedGame::kReward[i]) z += std::exp(x);
      const double u = std::uniform_real_distribution<double>(0.0, 1.0)(r);
      joint[i] = 3;
      for (int a = 0; a < 4; ++a)
        if (u < (c += std::exp(PlantedGame::kReward[i][a]) / z)) { joint[i] = a; break; }
    }
    return joint;
  }, rng);
}

double logsumexp(const std::vector<double>& q, double alpha = 1.0) {
  double top = q[0];
  for (double x : q) top = std::max(top, x);
  double z = 0.0;
  for (double x : q) z += std::exp((x - top) / alpha);
  return top + alpha * std::log(z);
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < x.size(); ++k) mx += x[k] / x.size(), my += y[k] / y.size();
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t k = 0; k < x.size(); ++k)
    sxy += (x[k] - mx) * (y[k] - my), sxx += (x[k] - mx) * (x[k] - mx), syy += (y[k] - my) * (y[k] - my);
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

BOOST_AUTO_TEST_CASE(losses_match_hand_computations_from_the_critic_outputs) {
  PlantedGame game;
  const auto data = plantedDemonstrations(2, 1);
  for (auto method : {marl::IrlMethod::kMamql, marl::IrlMethod::kIqLearn}) {
    marl::IrlSettings s;
    s.method = method;
    s.gamma = 0.9;
    marl::DemonstrationLearner learner(game, marl::transitionsOf(data, 0, 2), s, MPI_COMM_SELF);
    auto expert = marl::transitionsOf(data, 0, 1).all();       // 10 steps of episode 0
    auto policy = marl::transitionsOf(data, 1, 2).all();       // 10 steps of episode 1 as "policy data"
    expert.terminated[9] = 1.0f;                               // one terminal step, to see (1 − d)
    const double loss = learner.loss(0, expert, policy, 20).item<double>();
    // By hand: one state, so every row has the same critic outputs q (evaluation mode: the MLP
    // critic has no dropout, so training and evaluation outputs agree).
    const auto out = learner.outputs(0, torch::zeros({1, 1}));
    std::vector<double> q(out.size(1));
    for (std::size_t a = 0; a < q.size(); ++a) q[a] = out[0][a].item<double>();
    const double alpha = method == marl::IrlMethod::kIqLearn ? 100.0 : 1.0;
    const double v = logsumexp(q, alpha);
    double hand = 0.0;
    for (int r = 0; r < 10; ++r) {
      const int a0 = expert.actions[r][0].item<int>(), a1 = expert.actions[r][1].item<int>();
      const int a = method == marl::IrlMethod::kMamql ? a0 : a0 * 4 + a1;
      const double d = r == 9 ? 1.0 : 0.0;
      const double x = q[a] - 0.9 * (1 - d) * v;
      hand -= x - x * x / 4.0;
      hand += v - 0.9 * v;  // policy rows: none terminal
    }
    hand /= 20.0;
    BOOST_TEST(std::abs(loss - hand) < 1e-5 * std::max(1.0, std::abs(hand)), marl::nameOf(method) << ": " << loss << " vs " << hand);
  }
}

BOOST_AUTO_TEST_CASE(mamql_recovers_a_planted_reward_and_keeps_ranks_identical) {
  PlantedGame game;
  const auto data = plantedDemonstrations(200, 2);  // 2 000 transitions
  marl::IrlSettings s;
  s.method = marl::IrlMethod::kMamql;
  s.batch = 128;
  s.seed = 3;
  marl::DemonstrationLearner learner(game, marl::transitionsOf(data, 0, 200), s, MPI_COMM_WORLD);
  for (int k = 0; k < 300; ++k) learner.iterate();
  // Identical parameters on every rank.
  const auto theta = learner.parameters().contiguous();
  auto root = theta.clone();
  MPI_Bcast(root.data_ptr<float>(), static_cast<int>(root.numel()), MPI_FLOAT, 0, MPI_COMM_WORLD);
  BOOST_TEST(torch::equal(root, theta));
  // Recovered rewards of each action against the planted ones: one state, so r̂_i(a) differs from
  // planted_i(a) by a constant (the soft value) at the optimum; the correlation is near 1.
  marl::TransitionStore probe({1}, 2, 4);
  const float zero = 0.0f;
  for (int a = 0; a < 4; ++a) probe.add(&zero, &zero, {a, a}, {0.0, 0.0}, false);
  const auto r = learner.recoveredRewards(probe.all());
  for (int i = 0; i < 2; ++i) {
    std::vector<double> got, truth;
    for (int a = 0; a < 4; ++a) got.push_back(r[a][i].item<double>()), truth.push_back(PlantedGame::kReward[i][a]);
    const double c = correlation(got, truth);
    BOOST_TEST_MESSAGE("player " << i << ": correlation of recovered and planted rewards " << c);
    BOOST_TEST(c > 0.95, "player " << i << " correlation " << c);
  }
}

BOOST_AUTO_TEST_CASE(resume_continues_bit_for_bit) {
  PlantedGame game;
  const auto data = plantedDemonstrations(20, 4);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("mfg-test-demo-resume-" + std::to_string(worldSize()) + ".pt")).string();
  for (auto method : {marl::IrlMethod::kMamql, marl::IrlMethod::kIqLearn, marl::IrlMethod::kBc}) {
    marl::IrlSettings s;
    s.method = method;
    s.batch = 32;
    marl::DemonstrationLearner straight(game, marl::transitionsOf(data, 0, 20), s, MPI_COMM_WORLD);
    for (int k = 0; k < 10; ++k) straight.iterate();
    marl::DemonstrationLearner first(game, marl::transitionsOf(data, 0, 20), s, MPI_COMM_WORLD);
    for (int k = 0; k < 5; ++k) first.iterate();
    first.save(path, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    s.seed = 99;  // everything that matters comes from the checkpoint
    marl::DemonstrationLearner resumed(game, marl::transitionsOf(data, 0, 20), s, MPI_COMM_WORLD);
    resumed.load(path);
    BOOST_TEST(resumed.iteration() == 5);
    for (int k = 0; k < 5; ++k) resumed.iterate();
    BOOST_TEST(torch::equal(resumed.parameters(), straight.parameters()), marl::nameOf(method));
    MPI_Barrier(MPI_COMM_WORLD);
  }
  if (worldRank() == 0) std::filesystem::remove(path);
}
