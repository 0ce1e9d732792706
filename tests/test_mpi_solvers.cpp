// Convergence of the tabular solvers (methods.md §3) on the model suite, and equilibria known in
// closed form.
#define BOOST_TEST_MODULE solvers
#include <cmath>

#include "Gather.hpp"
#include "MpiFixture.hpp"
#include "solver/algorithms/TabularSolver.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;

namespace {

std::vector<double> run(const std::string& model_name, const std::string& algorithm, int iterations,
                        std::map<std::string, double> settings = {}, std::vector<double>* policy0 = nullptr) {
  const auto model = makeModel(model_name);
  ExactEngine engine(*model, MPI_COMM_WORLD);
  auto solver = makeTabularSolver(algorithm, engine, settings);
  solver->solve(iterations);
  if (policy0) *policy0 = testing::gatherRows(engine.layout(), solver->policy().pi[0]);
  BOOST_TEST(solver->exploitabilityHistory().size() == static_cast<std::size_t>(iterations + 1));
  BOOST_TEST(solver->wallSecondsHistory().size() == static_cast<std::size_t>(iterations + 1));
  for (std::size_t k = 1; k < solver->wallSecondsHistory().size(); ++k)
    BOOST_TEST(solver->wallSecondsHistory()[k] >= solver->wallSecondsHistory()[k - 1]);
  return solver->exploitabilityHistory();
}

}  // namespace

BOOST_AUTO_TEST_CASE(fictitious_play_converges_on_every_model) {
  // FP's exploitability decays like O(1/k) on these games: after 200 iterations it must be
  // below a fifth of the uniform policy's, and never negative beyond rounding.
  for (const auto& info : builtinModels()) {
    if (makeModel(info.name)->noise()) continue;  // the tabular suite has no common noise
    const auto h = run(info.name, "fp", 200);
    BOOST_TEST(h.back() < 0.2 * h.front(), info.name << ": " << h.front() << " -> " << h.back());
    for (double e : h) BOOST_TEST(e > -1e-10, info.name);
  }
}

BOOST_AUTO_TEST_CASE(mirror_descent_converges_on_monotone_models) {
  // Games with monotone (crowd-averse or potential) rewards, where OMD provably converges.
  const struct { const char* name; double bound; } cases[] = {
      {"classic/beach_bar", 1e-3},  {"classic/crowd_motion", 2e-3},       {"classic/linear_quadratic", 1e-4},
      {"classic/left_right", 1e-12}, {"classic/equilibrium_price", 1e-10}, {"classic/conservative_treasure_hunting", 1e-10},
      {"malware", 2e-3},             {"investment", 1e-3},                 {"sis", 1e-9},
  };
  for (const auto& c : cases) {
    const auto h = run(c.name, "omd", 200);
    BOOST_TEST(h.back() < c.bound, c.name << ": " << h.front() << " -> " << h.back());
    BOOST_TEST(h.back() >= -1e-10, c.name);
  }
}

BOOST_AUTO_TEST_CASE(left_right_equilibrium_splits_two_to_one) {
  // −μ(left) in left and −2 μ(right) in right are equal when μ(left) = 2/3: the unique equilibrium.
  std::vector<double> pi0;
  const auto h = run("classic/left_right", "omd", 200, {}, &pi0);
  BOOST_TEST(std::abs(pi0[0] - 2.0 / 3.0) < 1e-9, "π_0(left | centre) = " << pi0[0]);
  BOOST_TEST(std::abs(pi0[1] - 1.0 / 3.0) < 1e-9);
  const auto fp = run("classic/left_right", "fp", 400, {}, &pi0);
  BOOST_TEST(std::abs(pi0[0] - 2.0 / 3.0) < 1e-2, "FP π_0(left | centre) = " << pi0[0]);
}

BOOST_AUTO_TEST_CASE(damped_fixed_point_converges_where_the_best_response_contracts) {
  for (const char* name : {"classic/linear_quadratic", "investment", "sis", "classic/equilibrium_price"}) {
    const auto h = run(name, "fixed-point", 100, {{"damping", 0.5}});
    BOOST_TEST(std::abs(h.back()) < 1e-10, name << ": " << h.front() << " -> " << h.back());
  }
}

BOOST_AUTO_TEST_CASE(bad_algorithm_settings_are_rejected) {
  const auto model = makeModel("classic/left_right");
  ExactEngine engine(*model, MPI_COMM_WORLD);
  BOOST_CHECK_THROW(makeTabularSolver("sgd", engine, {}), InputError);
  BOOST_CHECK_THROW(makeTabularSolver("omd", engine, {{"learning_rate", -1.0}}), InputError);
  BOOST_CHECK_THROW(makeTabularSolver("omd", engine, {{"damping", 0.5}}), InputError);
  BOOST_CHECK_THROW(makeTabularSolver("fixed-point", engine, {{"damping", 1.5}}), InputError);
  BOOST_CHECK_THROW(makeTabularSolver("fp", engine, {{"learning_rate", 1.0}}), InputError);
}
