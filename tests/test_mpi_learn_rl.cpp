// The sample-based baselines (docs/methods.md §14) on 1, 2 and 3 ranks: sampled mean-field sequences
// the same on any rank count, converging to the engine's exact flow as particles grow (a
// statistical test with a stated false-alarm rate, and a shrinking error where the kernel reads the
// mean field); IPPO, RIPPO and M-OMD with parameters bitwise identical on every rank, the first
// rollout the same on any rank count, and a resumed run equal to an uninterrupted one bit for bit.
#define BOOST_TEST_MODULE learn_rl
#include <cmath>
#include <filesystem>

#include "Gather.hpp"
#include "MpiFixture.hpp"
#include "TorchRankChecks.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/learn/NetworkEvaluation.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "solver/noise/ScenarioTree.hpp"
#include "solver/rl/ParticleFlow.hpp"
#include "solver/rl/MomdTrainer.hpp"
#include "solver/rl/PpoTrainer.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;
using Overrides = std::map<std::string, std::vector<double>>;

namespace {

const Overrides kSmallMacro = {{"wealth_points", {12}}, {"income_points", {2}}, {"action_points", {5}}, {"T", {5}}};

/// A fixed deterministic population: action (3s + 2t) mod |A| in state s at step t.
std::int64_t fixedAction(std::int64_t s, int t, std::int64_t A) { return (3 * s + 2 * t) % A; }

rl::PopulationRule fixedRule(const Model& model) {
  return [&model](int t, const MeanFieldView& view, std::vector<std::int64_t>& action) {
    for (std::size_t s = 0; s < action.size(); ++s)
      action[s] = fixedAction(static_cast<std::int64_t>(s), t, model.numActions());
    return sharedObservation(model, view, t);
  };
}

/// The engine's exact flow along one noise path under the fixed population, gathered on every rank.
std::vector<std::vector<double>> exactFlow(const Model& model, const std::vector<std::vector<double>>& z) {
  ExactEngine engine(model, MPI_COMM_WORLD, ScenarioTree::fromHistories({z}, 1.0));
  const auto& layout = engine.layout();
  const std::int64_t A = model.numActions();
  Policy pi;
  for (int t = 0; t < model.numSteps(); ++t) {
    std::vector<double> rows(static_cast<std::size_t>((layout.end() - layout.begin()) * A), 0.0);
    for (auto s = layout.begin(); s < layout.end(); ++s) rows[(s - layout.begin()) * A + fixedAction(s, t, A)] = 1.0;
    pi.pi.push_back(std::move(rows));
  }
  const auto flow = engine.forward(pi);
  std::vector<std::vector<double>> global;
  for (const auto& mu : flow.mu) global.push_back(testing::gatherStates(layout, mu));
  return global;
}

/// Small runs of each sample-based learner: 3 slots (learners split unevenly across ranks),
/// rollouts of 7 steps (episodes of T = 4 end inside a chunk and run across chunks), a replay memory
/// that wraps around. `particles` changes the run's identity.
std::unique_ptr<Trainer> smallLearner(const std::string& kind, const Model& model, MPI_Comm comm,
                                      std::int64_t particles = 301) {
  if (kind == "momd") {
    rl::MomdSettings s;
    s.paths = 3;
    s.learners_per_path = 5;
    s.particles = particles;
    s.rollout = 7;
    s.updates = 4;
    s.batch = 16;
    s.replay = 60;
    s.target_every = 3;
    s.learning_rate = 1e-2;
    s.iterations = 6;
    s.seed = 11;
    s.float64 = true;
    return std::make_unique<rl::MomdTrainer>(model, comm, s);
  }
  rl::PpoSettings s;
  s.recurrent = kind == "rippo";
  s.paths = 3;
  s.learners_per_path = 5;
  s.particles = particles;
  s.rollout = 7;
  s.minibatches = 3;
  s.epochs = 2;
  s.learning_rate = 1e-2;
  s.iterations = 6;
  s.seed = 11;
  s.float64 = true;
  return std::make_unique<rl::PpoTrainer>(model, comm, s);
}

/// Every parameter the learner trains, flattened.
torch::Tensor parametersOf(Trainer& trainer) {
  if (auto* ppo = dynamic_cast<rl::PpoTrainer*>(&trainer))
    return torch::cat({flatParameters(*ppo->actor()), flatParameters(*ppo->critic())});
  return flatParameters(*dynamic_cast<rl::MomdTrainer&>(trainer).network());
}

const std::vector<std::string> kLearners = {"ippo", "rippo", "momd"};

}  // namespace

BOOST_AUTO_TEST_CASE(sampled_sequences_are_the_same_on_any_rank_count) {
  for (const auto& [name, overrides] : std::vector<std::pair<std::string, Overrides>>{{"macro", kSmallMacro},
                                                                                      {"lq", {{"T", {6}}}}}) {
    const auto model = makeModel(name, overrides);
    const auto z = noiseHistories(*model, 1, 3)[0];
    const auto shared = rl::ParticleFlow(*model, MPI_COMM_WORLD, 5003).sample(z, 42, fixedRule(*model));
    const auto alone = rl::ParticleFlow(*model, MPI_COMM_SELF, 5003).sample(z, 42, fixedRule(*model));
    BOOST_REQUIRE_EQUAL(shared.mu.size(), static_cast<std::size_t>(model->numSteps() + 1));
    for (std::size_t t = 0; t < shared.mu.size(); ++t) {
      BOOST_TEST(shared.mu[t] == alone.mu[t], name << " t=" << t);  // bit for bit
      double mass = 0.0;
      for (double m : shared.mu[t]) mass += m;
      BOOST_TEST(std::abs(mass - 1.0) <= 1e-12, name << " t=" << t << " mass " << mass);
    }
    for (std::size_t t = 0; t < shared.observation.size(); ++t) BOOST_TEST(shared.observation[t] == alone.observation[t]);
    // Another seed draws another sequence (the draws are keyed by the seed).
    const auto other = rl::ParticleFlow(*model, MPI_COMM_WORLD, 5003).sample(z, 43, fixedRule(*model));
    BOOST_TEST(other.mu.back() != shared.mu.back());
  }
  BOOST_CHECK_THROW(rl::ParticleFlow(*makeModel("lq", {}), MPI_COMM_WORLD, 0), InputError);
}

BOOST_AUTO_TEST_CASE(particles_follow_the_exact_flow_where_the_kernel_ignores_the_mean_field) {
  // lq's kernel does not read μ: each particle is an independent chain whose law at t is exactly the
  // engine's μ_t, so M·μ̂_t(s) ~ Binomial(M, μ_t(s)). Bernstein's inequality bounds each deviation:
  // P(|μ̂ − μ| ≥ u) ≤ 2 exp(−M u² / (2 μ(1−μ) + 2u/3)); with ln(2/δ) = 30 per comparison and
  // fewer than 10⁴ comparisons, a correct sampler fails this test with probability below 1e-8.
  const auto model = makeModel("lq", {{"T", {8}}});
  const double L = 30.0;
  for (const std::int64_t M : {std::int64_t{2000}, std::int64_t{100000}}) {
    for (std::uint64_t path = 0; path < 2; ++path) {
      const auto z = noiseHistories(*model, 2, 9)[path];
      const auto exact = exactFlow(*model, z);
      const auto seq = rl::ParticleFlow(*model, MPI_COMM_WORLD, M).sample(z, 100 + path, fixedRule(*model));
      BOOST_REQUIRE_EQUAL(seq.mu.size(), exact.size());
      int failures = 0;
      double worst = 0.0;
      for (std::size_t t = 0; t < exact.size(); ++t)
        for (std::size_t s = 0; s < exact[t].size(); ++s) {
          const double p = exact[t][s], v = p * (1.0 - p), m = static_cast<double>(M);
          const double u = (L / 3.0 + std::sqrt(L * L / 9.0 + 2.0 * L * m * v)) / m;
          const double gap = std::abs(seq.mu[t][s] - p);
          worst = std::max(worst, gap / u);
          if (gap > u) ++failures;
        }
      BOOST_TEST(failures == 0, "M=" << M << " path " << path << ": worst deviation " << worst << " of the bound");
      // A bound that tight would be met by chance only if the sampler were right: a sampler that
      // ignored the policy (action 0 everywhere) is off by far more than u at M = 10⁵.
      if (M == 100000) {
        const auto wrong = rl::ParticleFlow(*model, MPI_COMM_WORLD, M)
                               .sample(z, 100 + path, [](int, const MeanFieldView&, std::vector<std::int64_t>& a) {
                                 std::fill(a.begin(), a.end(), 0);
                                 return std::vector<double>{};
                               });
        double off = 0.0;
        for (std::size_t s = 0; s < exact.back().size(); ++s) off += std::abs(wrong.mu.back()[s] - exact.back()[s]);
        BOOST_TEST(off > 0.1, "a policy-blind sampler is only " << off << " off in L1");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(particles_converge_to_the_exact_flow_where_the_kernel_reads_the_mean_field) {
  // macro's kernel reads the sampled μ̂_t (through prices), so the particles are no longer
  // independent; propagation of chaos still gives an L1 error of order 1/√M. Averaged over four
  // paths' sequences, 100× the particles must shrink the error by more than 3 (expected: about 10).
  const auto model = makeModel("macro", kSmallMacro);
  const auto histories = noiseHistories(*model, 4, 21);
  const auto error = [&](std::int64_t M) {
    double total = 0.0;
    for (std::size_t k = 0; k < histories.size(); ++k) {
      const auto exact = exactFlow(*model, histories[k]);
      const auto seq = rl::ParticleFlow(*model, MPI_COMM_WORLD, M).sample(histories[k], 7 + k, fixedRule(*model));
      for (std::size_t t = 1; t < exact.size(); ++t)
        for (std::size_t s = 0; s < exact[t].size(); ++s) total += std::abs(seq.mu[t][s] - exact[t][s]);
    }
    return total / static_cast<double>(histories.size());
  };
  const double coarse = error(1000), fine = error(100000);
  BOOST_TEST(fine < coarse / 3.0, "L1 error " << coarse << " at 10^3 particles, " << fine << " at 10^5");
  BOOST_TEST(fine < 0.2, "L1 error summed over t at 10^5 particles: " << fine);
}

BOOST_AUTO_TEST_CASE(parameters_are_bitwise_identical_on_every_rank) {
  for (const auto& kind : kLearners) {
    BOOST_TEST_CONTEXT(kind) {
      const auto model = makeModel("lq", {{"T", {4}}});
      auto trainer = smallLearner(kind, *model, MPI_COMM_WORLD);
      trainer->setup();
      const auto before = parametersOf(*trainer).clone();
      for (int k = 0; k < 2; ++k) BOOST_TEST(std::isfinite(trainer->iterate()));
      const auto after = parametersOf(*trainer);
      BOOST_TEST(identicalOnAllRanks(after));
      BOOST_TEST((after - before).abs().max().item<double>() > 0.0, "the networks did not move");
      BOOST_TEST(trainer->iteration() == 2);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_first_rollout_is_the_same_on_any_rank_count) {
  // Learners, particles and draws are keyed globally, so the first rollout (before any update) sees
  // the same rewards whether the work is split across the ranks or done by one.
  const auto model = makeModel("macro", kSmallMacro);
  for (const auto& kind : kLearners) {
    auto split = smallLearner(kind, *model, MPI_COMM_WORLD), alone = smallLearner(kind, *model, MPI_COMM_SELF);
    split->setup();
    alone->setup();
    const double a = split->iterate(), b = alone->iterate();
    BOOST_TEST(std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)), kind << ": mean reward " << a << " vs " << b);
  }
}

BOOST_AUTO_TEST_CASE(momd_explores_less_as_the_run_goes_on_and_keeps_a_bounded_memory) {
  const auto model = makeModel("lq", {{"T", {4}}});
  auto trainer = smallLearner("momd", *model, MPI_COMM_WORLD);
  auto& momd = dynamic_cast<rl::MomdTrainer&>(*trainer);
  momd.setup();
  BOOST_TEST(momd.epsilon() == 1.0);
  BOOST_TEST(momd.stored() == 0);
  momd.iterate();
  // 15 learners × 7 steps = 105 transitions, in a memory of ⌈60/15⌉ = 4 rows of 15.
  BOOST_TEST(momd.stored() == 60);
  for (int k = 1; k < 6; ++k) momd.iterate();
  BOOST_TEST(std::abs(momd.epsilon() - 0.1) <= 1e-15);  // iteration 6 of 6: the schedule's end
}

BOOST_AUTO_TEST_CASE(a_resumed_run_equals_an_uninterrupted_one_bit_for_bit) {
  const auto dir = std::filesystem::temp_directory_path() / ("mfg_test_learn_rl_np" + std::to_string(worldSize()));
  if (worldRank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  for (const auto& kind : kLearners) {
    BOOST_TEST_CONTEXT(kind) {
      const auto model = makeModel("lq", {{"T", {4}}});
      const auto path = (dir / (kind + ".pt")).string();
      auto whole = smallLearner(kind, *model, MPI_COMM_WORLD);
      whole->setup();
      std::vector<double> rewards;
      for (int k = 0; k < 2; ++k) whole->iterate();
      whole->save(path);
      for (int k = 0; k < 3; ++k) rewards.push_back(whole->iterate());

      auto resumed = smallLearner(kind, *model, MPI_COMM_WORLD);
      resumed->setup();
      resumed->load(path);
      BOOST_TEST(resumed->iteration() == 2);
      std::vector<double> again;
      for (int k = 0; k < 3; ++k) again.push_back(resumed->iterate());
      BOOST_TEST(again == rewards, boost::test_tools::per_element());
      BOOST_TEST(torch::equal(parametersOf(*whole), parametersOf(*resumed)));

      // Another run's checkpoint is refused with a message.
      auto stranger = smallLearner(kind, *model, MPI_COMM_WORLD, 302);
      stranger->setup();
      BOOST_CHECK_THROW(stranger->load(path), InputError);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0) std::filesystem::remove_all(dir);
}
