// SPG / RSPG (docs/methods.md §6): the surrogate's gradient against central finite differences of the
// agent's objective, the backward pass on the rollout's kept activations against autograd on a
// second network evaluation, θ bitwise identical on every rank, a resumed run equal to an uninterrupted
// one bit for bit, the gradient independent of the rank groups, and non-finite values caught.
#define BOOST_TEST_MODULE learn
#include <cmath>
#include <filesystem>
#include <limits>

#include "MpiFixture.hpp"
#include "TorchRankChecks.hpp"
#include "solver/learn/FlushDenormals.hpp"
#include "solver/learn/PolicyGradient.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;
using Overrides = std::map<std::string, std::vector<double>>;

namespace {

TrainSettings small(bool recurrent) {
  TrainSettings s;
  s.recurrent = recurrent;
  s.paths = 3;
  s.iterations = 6;
  s.learning_rate = 1e-2;
  s.seed = 5;
  s.float64 = true;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_matches_central_finite_differences) {
  // Small models so that double-precision differences resolve the directional derivative.
  const std::vector<std::tuple<std::string, Overrides, bool>> cases = {
      {"lq", {{"T", {6}}}, false},
      {"lq", {{"T", {6}}}, true},
      {"beach_bar", {{"T", {16}}, {"crowd", {0.5}}}, true},
      {"macro", {{"wealth_points", {12}}, {"income_points", {2}}, {"action_points", {5}}, {"T", {5}}}, true},
      {"classic/susceptible_infected", {}, false}};
  for (const auto& [name, overrides, recurrent] : cases)
  for (double activation_memory_mb : {1024.0, 0.0}) {  // kept activations, then a second evaluation
    const auto model = makeModel(name, overrides);
    auto settings = small(recurrent);
    settings.activation_memory_mb = activation_memory_mb;
    PolicyGradientTrainer trainer(*model, MPI_COMM_WORLD, settings);
    trainer.setup();
    const std::uint64_t seed = 77;
    const auto grad = trainer.gradient(seed);
    const auto theta = flatParameters(*trainer.network());
    torch::manual_seed(123);  // the same directions on every rank
    for (int k = 0; k < 3; ++k) {
      auto v = torch::randn(theta.sizes(), theta.options());
      v /= v.norm();
      const double eps = 1e-5;
      const auto plus = theta + eps * v, minus = theta - eps * v;
      const double J_plus = trainer.agentObjective(seed, plus), J_minus = trainer.agentObjective(seed, minus);
      const double fd = (J_plus - J_minus) / (2 * eps);
      const double analytic = (grad * v).sum().item<double>();
      // Truncation error O(ε²) plus the rounding of J (~1e-12 relative) amplified by 1/ε.
      const double tolerance = 1e-5 * std::max(1e-3, std::abs(fd)) + 1e-12 * std::abs(J_plus) / eps;
      BOOST_TEST(std::abs(fd - analytic) <= tolerance,
                 name << (recurrent ? " rspg" : " spg") << (activation_memory_mb > 0 ? " kept" : " again")
                      << " direction " << k << ": finite differences " << fd
                      << " vs gradient " << analytic);
    }
    // The agent playing θ itself is the population's own objective.
    BOOST_TEST(std::abs(trainer.agentObjective(seed, theta) - trainer.objective(seed)) <=
               1e-12 * std::max(1.0, std::abs(trainer.objective(seed))));
  }
}

BOOST_AUTO_TEST_CASE(subnormals_are_flushed_only_inside_the_scope) {
  // The smallest normal float times 0.5 is subnormal (5.9e-39): kept outside the scope, zero in it,
  // and kept again once the scope has ended. volatile: computed at run time, under the mode.
  volatile float smallest = std::numeric_limits<float>::min(), half = 0.5f;
  const float before = smallest * half;
  float inside = -1.0f, read_in = -1.0f;
  {
    const mfg::FlushDenormals flush;
    inside = smallest * half;
    volatile float subnormal = before, one = 1.0f;
    read_in = subnormal * one;  // a subnormal input reads as zero
  }
  const float after = smallest * half;
  BOOST_TEST(before > 0.0f);
  BOOST_TEST(std::fpclassify(before) == FP_SUBNORMAL);
  BOOST_TEST(inside == 0.0f);
  BOOST_TEST(read_in == 0.0f);
  BOOST_TEST(after == before);
}

BOOST_AUTO_TEST_CASE(kept_activations_give_the_autograd_gradient) {
  // The trunk's hand-written backward pass on the rollout's activations against LibTorch's autograd
  // through a second evaluation of the network: softmax and Beta heads, SPG and RSPG, state index
  // and coordinates, several paths per group.
  const std::vector<std::tuple<std::string, Overrides, bool, bool>> cases = {
      {"lq", {{"T", {8}}}, false, true},
      {"lq", {{"T", {8}}}, true, false},
      {"beach_bar", {{"T", {12}}, {"crowd", {0.5}}}, true, true},
      {"macro", {{"wealth_points", {16}}, {"income_points", {3}}, {"action_points", {6}}, {"T", {7}}}, true, true},
      {"macro", {{"wealth_points", {16}}, {"income_points", {3}}, {"action_points", {6}}, {"T", {7}}}, false, false}};
  for (const auto& [name, overrides, recurrent, index] : cases) {
    const auto model = makeModel(name, overrides);
    auto settings = small(recurrent);
    settings.paths = 5;
    settings.state_as_index = index;
    PolicyGradientTrainer kept(*model, MPI_COMM_WORLD, settings);
    settings.activation_memory_mb = 0.0;
    PolicyGradientTrainer again(*model, MPI_COMM_WORLD, settings);
    kept.setup();
    again.setup();
    BOOST_TEST(torch::equal(flatParameters(*kept.network()), flatParameters(*again.network())));
    double J_kept = 0.0, J_again = 0.0;
    const auto g_kept = kept.gradient(31, &J_kept), g_again = again.gradient(31, &J_again);
    BOOST_TEST(J_kept == J_again);  // the same rollout and evaluation
    const double scale = g_again.abs().max().item<double>();
    const double diff = (g_kept - g_again).abs().max().item<double>();
    BOOST_TEST(scale > 0.0);
    BOOST_TEST(diff <= 1e-11 * scale, name << (recurrent ? " rspg" : " spg") << ": largest difference " << diff
                                           << " of a gradient of size " << scale);
  }
}

BOOST_AUTO_TEST_CASE(parameters_stay_bitwise_identical_across_ranks) {
  const auto model = makeModel("beach_bar", {{"T", {16}}});
  for (bool float64 : {false, true}) {
    auto settings = small(true);
    settings.float64 = float64;
    settings.paths = 5;
    PolicyGradientTrainer trainer(*model, MPI_COMM_WORLD, settings);
    trainer.setup();
    BOOST_TEST(identicalOnAllRanks(flatParameters(*trainer.network())));
    const auto before = flatParameters(*trainer.network()).clone();
    for (int k = 0; k < 4; ++k) trainer.iterate();
    BOOST_TEST(trainer.iteration() == 4);
    BOOST_TEST(identicalOnAllRanks(flatParameters(*trainer.network())));
    BOOST_TEST(!torch::equal(before, flatParameters(*trainer.network())));  // it did learn something
  }
}

BOOST_AUTO_TEST_CASE(resumed_run_equals_uninterrupted_run) {
  const auto model = makeModel("lq", {{"T", {8}}});
  const auto settings = small(true);
  PolicyGradientTrainer straight(*model, MPI_COMM_WORLD, settings);
  straight.setup();
  for (int k = 0; k < 6; ++k) straight.iterate();

  const auto dir = std::filesystem::temp_directory_path() / "mfg-test-learn";
  if (worldRank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string checkpoint = (dir / ("resume_np" + std::to_string(worldSize()) + ".pt")).string();
  {
    PolicyGradientTrainer first(*model, MPI_COMM_WORLD, settings);
    first.setup();
    for (int k = 0; k < 3; ++k) first.iterate();
    first.save(checkpoint);
  }
  PolicyGradientTrainer second(*model, MPI_COMM_WORLD, settings);
  second.setup();
  second.load(checkpoint);
  BOOST_TEST(second.iteration() == 3);
  for (int k = 0; k < 3; ++k) second.iterate();
  BOOST_TEST(torch::equal(flatParameters(*straight.network()), flatParameters(*second.network())));
}

BOOST_AUTO_TEST_CASE(gradient_does_not_depend_on_groups) {
  const auto model = makeModel("beach_bar", {{"T", {16}}, {"crowd", {0.2}}});
  auto settings = small(true);
  settings.paths = 4;
  settings.groups = 1;
  PolicyGradientTrainer one(*model, MPI_COMM_WORLD, settings);
  one.setup();
  const auto reference = one.gradient(9);
  for (int groups = 2; groups <= worldSize(); ++groups) {
    settings.groups = groups;
    PolicyGradientTrainer split(*model, MPI_COMM_WORLD, settings);
    split.setup();
    const auto g = split.gradient(9);
    const double diff = (g - reference).abs().max().item<double>();
    BOOST_TEST(diff <= 1e-10 * std::max(1.0, reference.abs().max().item<double>()),
               groups << " groups: largest gradient difference " << diff);
  }
}

BOOST_AUTO_TEST_CASE(non_finite_checkpoints_and_gradients_are_caught) {
  const auto model = makeModel("lq", {{"T", {6}}});
  auto settings = small(false);
  const auto dir = std::filesystem::temp_directory_path() / "mfg-test-learn";
  if (worldRank() == 0) std::filesystem::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  const std::string checkpoint = (dir / ("nan_np" + std::to_string(worldSize()) + ".pt")).string();
  {
    // A checkpoint whose θ holds one NaN is refused as bad input on every rank.
    PolicyGradientTrainer poisoned(*model, MPI_COMM_WORLD, settings);
    poisoned.setup();
    auto theta = flatParameters(*poisoned.network()).clone();
    theta[theta.numel() / 2] = std::numeric_limits<double>::quiet_NaN();
    setFlatParameters(*poisoned.network(), theta);
    poisoned.save(checkpoint);
  }
  PolicyGradientTrainer reader(*model, MPI_COMM_WORLD, settings);
  reader.setup();
  BOOST_CHECK_EXCEPTION(reader.load(checkpoint), InputError, [](const InputError& e) {
    return std::string(e.what()).find("non-finite") != std::string::npos;
  });
  BOOST_TEST(reader.iteration() == 0);

  // A NaN gradient at iteration 2 stops the step before θ moves, on every rank alike.
  settings.inject_nan_at = 2;
  PolicyGradientTrainer trainer(*model, MPI_COMM_WORLD, settings);
  trainer.setup();
  trainer.iterate();
  trainer.iterate();
  const auto before = flatParameters(*trainer.network()).clone();
  BOOST_CHECK_THROW(trainer.iterate(), DivergenceError);
  BOOST_TEST(trainer.iteration() == 2);
  BOOST_TEST(torch::equal(before, flatParameters(*trainer.network())));
}
