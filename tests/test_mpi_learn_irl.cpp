// The inverse-RL learners (docs/methods.md §13): the loss gradient through the networks and the
// exact soft best response against finite differences, a planted reward recovered on a tiny model,
// and parameters bitwise identical on every rank and for any number of ranks. At 1, 2 and 3 ranks.
#define BOOST_TEST_MODULE learn_irl
#include <boost/test/unit_test.hpp>

#include <torch/torch.h>

#include <cmath>

#include "MpiFixture.hpp"
#include "parallel/Collectives.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/irl/Plays.hpp"
#include "solver/irl/SoftEquilibrium.hpp"
#include "solver/irl/networks/IrlLearner.hpp"
#include "solver/irl/networks/IrlScoring.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;

namespace {

/// Plays of the soft equilibrium of each type (malware with overrides), types alternating.
irl::Demonstrations makeDemos(const std::vector<std::map<std::string, std::vector<double>>>& types, int plays,
                              int agents, int T, double beta) {
  irl::Demonstrations d;
  d.plays = plays;
  d.agents = agents;
  d.steps = T;
  d.beta = beta;
  d.model = "malware";
  d.states.resize(static_cast<std::size_t>(plays * agents * (T + 1)));
  d.actions.resize(static_cast<std::size_t>(plays * agents * T));
  for (std::size_t k = 0; k < types.size(); ++k) {
    auto params = types[k];
    params["T"] = {static_cast<double>(T)};
    const auto model = makeModel("malware", params);
    ExactEngine engine(*model, MPI_COMM_SELF);
    irl::SoftEquilibriumSettings settings;
    settings.temperature = beta;
    const auto eq = irl::solveSoftEquilibrium(engine, settings);
    for (int p = static_cast<int>(k); p < plays; p += static_cast<int>(types.size())) {
      irl::samplePlay(*model, eq.policy.pi, eq.flow.mu, agents, irl::streamSeed(99, 0, static_cast<std::uint64_t>(p)),
                      d.states.data() + static_cast<std::size_t>(p * agents * (T + 1)),
                      d.actions.data() + static_cast<std::size_t>(p * agents * T));
      d.type.push_back(0);
    }
  }
  for (int p = 0; p < plays; ++p) d.type[static_cast<std::size_t>(p)] = p % static_cast<int>(types.size());
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(maxent_gradient_matches_finite_differences) {
  // mfirl's loss is the experts' negative log-likelihood under the exact soft best response; its
  // gradient (networks → reward table → adjoint occupancy) must match central differences of that
  // likelihood in a few network parameters (double networks: a 0.1% relative tolerance).
  torch::set_num_threads(1);
  const int T = 5;
  const auto demos = makeDemos({{}}, 2, 200, T, 1.0);
  const auto model = makeModel("malware", {{"T", {T}}});
  irl::IrlSettings settings;
  settings.method = irl::IrlMethod::Mfirl;
  settings.batch_plays = 0;
  settings.hidden = 16;
  irl::IrlLearner learner(*model, demos, settings, MPI_COMM_WORLD);
  const auto theta = learner.flatParameters().clone();
  const auto g = learner.gradient();
  BOOST_REQUIRE_EQUAL(static_cast<std::int64_t>(g.size()), theta.numel());
  // The parameters with the largest gradients (those of the output layer's neighbourhood).
  std::vector<std::size_t> order(g.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::partial_sort(order.begin(), order.begin() + 4, order.end(),
                    [&](std::size_t a, std::size_t b) { return std::abs(g[a]) > std::abs(g[b]); });
  BOOST_TEST(std::abs(g[order[0]]) > 1e-3);
  const double h = 1e-4;
  for (int k = 0; k < 4; ++k) {
    const auto i = static_cast<std::int64_t>(order[static_cast<std::size_t>(k)]);
    irl::IrlIterationRecord plus, minus;
    auto t = theta.clone();
    t[i] += h;
    learner.setFlatParameters(t);
    learner.gradient(&plus);
    t[i] -= 2 * h;
    learner.setFlatParameters(t);
    learner.gradient(&minus);
    const double fd = (plus.expert_nll - minus.expert_nll) / (2 * h);
    BOOST_TEST_CONTEXT("parameter " << i << ": adjoint " << g[static_cast<std::size_t>(i)] << ", differences " << fd) {
      BOOST_TEST(std::abs(fd - g[static_cast<std::size_t>(i)]) < 1e-3 * std::abs(g[static_cast<std::size_t>(i)]) + 1e-8);
    }
  }
  learner.setFlatParameters(theta);
}

BOOST_AUTO_TEST_CASE(planted_reward_is_recovered) {
  // One type of malware with a planted cost of repair l = 0.9 (the default is 0.5). Exact MaxEnt
  // IRL must find a reward whose soft equilibrium matches the experts': policy KL below 0.02 (the
  // untrained network starts 10x above that) and the true return within 2%.
  torch::set_num_threads(1);
  const int T = 6;
  const auto demos = makeDemos({{{"l", {0.9}}}}, 4, 2000, T, 0.5);
  const auto model = makeModel("malware", {{"T", {T}}});
  irl::IrlSettings settings;
  settings.method = irl::IrlMethod::Mfirl;
  settings.batch_plays = 0;
  settings.learning_rate = 1e-2;
  irl::IrlLearner learner(*model, demos, settings, MPI_COMM_WORLD);
  irl::ScoringInput input;
  input.model = "malware";
  input.parameters = {{"T", {static_cast<double>(T)}}};
  input.types = {{{"l", 0.9}}};
  input.labels = demos.type;
  input.transfer = {{"repair_prob", {0.7}}};
  input.temperature = 0.5;
  const auto before = irl::scoreIrl(learner, input, MPI_COMM_WORLD);
  for (int k = 0; k < 300; ++k) learner.step();
  const auto after = irl::scoreIrl(learner, input, MPI_COMM_WORLD);
  const auto& o = after.types[0].original;
  BOOST_TEST_MESSAGE("policy KL " << before.types[0].original.policy_kl << " -> " << o.policy_kl << ", return gap "
                                  << o.return_gap << ", transfer policy KL " << after.types[0].transfer.policy_kl);
  BOOST_TEST(before.types[0].original.policy_kl > 0.2);
  BOOST_TEST(o.policy_kl < 0.02);
  BOOST_TEST(o.return_gap < 0.02);
  BOOST_TEST(o.mean_field_kl < 0.01);
}

BOOST_AUTO_TEST_CASE(parameters_are_identical_on_every_rank_and_for_any_number_of_ranks) {
  // PEMMFIRL with a categorical context over two types: a few iterations on the first k ranks for
  // k = 1..size; every rank of a run holds the same parameters bit for bit, and runs on different
  // numbers of ranks agree bit for bit (gradients are summed in fixed point).
  torch::set_num_threads(1);
  const int T = 5;
  const auto demos = makeDemos({{{"k", {0.1}}}, {{"k", {0.6}}, {"l", {0.2}}}}, 6, 50, T, 1.0);
  const auto model = makeModel("malware", {{"T", {T}}});
  std::vector<double> reference;
  for (int k = 1; k <= worldSize(); ++k) {
    MPI_Comm comm = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, worldRank() < k ? 0 : MPI_UNDEFINED, worldRank(), &comm);
    std::vector<double> theta;
    if (comm != MPI_COMM_NULL) {
      irl::IrlSettings settings;
      settings.method = irl::IrlMethod::Pemmfirl;
      settings.types = 2;
      settings.batch_plays = 4;
      settings.hidden = 16;
      settings.seed = 3;
      irl::IrlLearner learner(*model, demos, settings, comm);
      for (int it = 0; it < 3; ++it) learner.step();
      const auto flat = learner.flatParameters().contiguous();
      theta.assign(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
      const auto all = parallel::allGatherConcat(theta, MPI_DOUBLE, comm);
      int size = 1;
      MPI_Comm_size(comm, &size);
      for (int r = 1; r < size; ++r)
        BOOST_TEST(std::equal(theta.begin(), theta.end(), all.begin() + static_cast<std::ptrdiff_t>(r * theta.size())));
      MPI_Comm_free(&comm);
    }
    // World rank 0 is in every run: it compares each run with the first.
    if (worldRank() == 0) {
      if (k == 1) reference = theta;
      BOOST_TEST_CONTEXT(k << " rank(s) against 1") {
        BOOST_TEST(theta.size() == reference.size());
        BOOST_TEST(std::equal(theta.begin(), theta.end(), reference.begin()));
      }
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
}

BOOST_AUTO_TEST_CASE(pemmfirl_keeps_two_types_apart_after_its_start) {
  // Two malware types that repair at very different rates. The k-means start must find them (their
  // plays' action shares differ by far more than the sampling noise of 100 agents), and the trained
  // categorical context must put every play with its type, decisively, long after the start has
  // faded. (When the information plays were generated inside the experts' flow, a reward reading μ̂
  // made every context play alike there, the encoder learnt that plays carry no type, and the
  // clusters dissolved once the start had faded.)
  torch::set_num_threads(1);
  const int T = 5;
  const auto demos = makeDemos({{{"k", {0.05}}, {"l", {1.0}}}, {{"k", {0.9}}, {"l", {0.2}}}}, 8, 100, T, 0.2);
  const auto model = makeModel("malware", {{"T", {T}}});
  irl::IrlSettings settings;
  settings.method = irl::IrlMethod::Pemmfirl;
  settings.types = 2;
  settings.c_imit = 1.0;
  settings.learning_rate = 3e-3;
  settings.batch_plays = 4;
  settings.hidden = 16;
  settings.context_warmup = 20;
  settings.seed = 1;
  irl::IrlLearner learner(*model, demos, settings, MPI_COMM_WORLD);
  BOOST_TEST(irl::matchingAccuracy(learner.startClusters(), demos.type) == 1.0);
  for (int it = 0; it < 150; ++it) learner.step();
  std::vector<int> clusters;
  for (const auto& q : learner.contexts()) {
    clusters.push_back(q[0] > q[1] ? 0 : 1);
    BOOST_TEST(std::max(q[0], q[1]) > 0.9);
  }
  BOOST_TEST(irl::matchingAccuracy(clusters, demos.type) == 1.0);
}

BOOST_AUTO_TEST_CASE(behaviour_summary_and_its_sampling_noise_by_hand) {
  // Two agents, T = 1, malware's one-hot states. Agent 0: state 0 → 1 with action 0; agent 1:
  // state 0 → 0 with action 1. Per step the features are the state one-hots, then the action
  // one-hots. Sample variances over the two agents: 0 for the shared state 0 at t = 0, 1/2 for each
  // action feature and for each of the two state features that differ at t = 1; divided by N = 2
  // and summed: 4 × 1/4 = 1.
  const auto model = makeModel("malware", {{"T", {1}}});
  const irl::IrlFeatures features(*model);
  const std::int64_t S = model->numStates(), A = model->numActions();
  const std::vector<std::int64_t> states{0, 1, 0, 0}, actions{0, 1};
  const auto summary = features.behaviourSummary(states.data(), actions.data(), 2);
  BOOST_TEST_REQUIRE(summary.mean.size() == static_cast<std::size_t>(2 * (S + A)));
  std::vector<double> want(summary.mean.size(), 0.0);
  want[0] = 1.0;                                  // t = 0: both in state 0
  want[static_cast<std::size_t>(S)] = 0.5;        // action 0
  want[static_cast<std::size_t>(S + 1)] = 0.5;    // action 1
  want[static_cast<std::size_t>(S + A)] = 0.5;    // t = 1: state 0
  want[static_cast<std::size_t>(S + A + 1)] = 0.5;  // state 1
  BOOST_TEST(summary.mean == want, boost::test_tools::per_element());
  BOOST_TEST(summary.noise == 1.0, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(types_auto_reads_the_number_of_types_off_the_plays) {
  // --types auto: plays of one malware type are explained by one type (their spread is sampling
  // noise: dispersion ≈ 1, far below the threshold 1.5); a mixture of two types that repair at very
  // different rates needs two (one type leaves a spread many times the noise). The start clusters
  // are then the types. Plays of 100 agents: under one type the dispersion of 12 plays is a mean of
  // ~11 × (T+1)(S+A) noisy squares, within a few tenths of 1.
  torch::set_num_threads(1);
  const int T = 5;
  const auto model = makeModel("malware", {{"T", {T}}});
  irl::IrlSettings settings;
  settings.method = irl::IrlMethod::Pemmfirl;
  settings.max_types = 4;
  settings.hidden = 16;
  settings.seed = 3;
  const auto single = makeDemos({{}}, 12, 100, T, 0.2);
  const irl::IrlLearner one(*model, single, settings, MPI_COMM_WORLD);
  BOOST_TEST(one.settings().types == 1);
  BOOST_TEST_REQUIRE(one.typeDispersion().size() == 1u);
  BOOST_TEST(std::abs(one.typeDispersion()[0] - 1.0) < 0.3);
  BOOST_TEST(one.startClusters().empty());

  const auto mixture = makeDemos({{{"k", {0.05}}, {"l", {1.0}}}, {{"k", {0.9}}, {"l", {0.2}}}}, 12, 100, T, 0.2);
  const irl::IrlLearner two(*model, mixture, settings, MPI_COMM_WORLD);
  BOOST_TEST(two.settings().types == 2);
  BOOST_TEST_REQUIRE(two.typeDispersion().size() == 2u);
  BOOST_TEST(two.typeDispersion()[0] > 5.0);
  BOOST_TEST(two.typeDispersion()[1] < 1.5);
  BOOST_TEST(irl::matchingAccuracy(two.startClusters(), mixture.type) == 1.0);
}
