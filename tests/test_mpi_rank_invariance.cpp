// Results do not depend on the number of ranks: every model, solved on all ranks of the world
// communicator, must match the same solve on one rank (MPI_COMM_SELF) to 1e-12 relative.
#define BOOST_TEST_MODULE rank_invariance
#include <cmath>
#include <map>

#include "Gather.hpp"
#include "MpiFixture.hpp"
#include "SuiteSizes.hpp"
#include "solver/algorithms/TabularSolver.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;

namespace {

struct Outcome {
  std::vector<std::vector<double>> policy, mean_field;
  std::vector<double> exploitability;
  double value_scale = 1.0;  // |Σ μ_0 V*_0|: exploitability is a difference of values this large
};

Outcome solveOn(MPI_Comm comm, const Model& model, const std::string& algorithm, int iterations) {
  ExactEngine engine(model, comm);
  auto solver = makeTabularSolver(algorithm, engine, {});
  solver->solve(iterations);
  Outcome o;
  for (const auto& p : solver->policy().pi) o.policy.push_back(testing::gatherRows(engine.layout(), p));
  for (const auto& m : solver->current().flow.mu) o.mean_field.push_back(testing::gatherStates(engine.layout(), m));
  o.exploitability = solver->exploitabilityHistory();
  o.value_scale = std::max({1.0, std::abs(solver->current().best_value), std::abs(solver->current().policy_value)});
  return o;
}

void compare(const std::string& what, const std::vector<std::vector<double>>& a,
             const std::vector<std::vector<double>>& b) {
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  double worst = 0.0;
  for (std::size_t t = 0; t < a.size(); ++t) {
    BOOST_REQUIRE_EQUAL(a[t].size(), b[t].size());
    for (std::size_t i = 0; i < a[t].size(); ++i)
      worst = std::max(worst, std::abs(a[t][i] - b[t][i]) / std::max(1.0, std::abs(b[t][i])));
  }
  BOOST_TEST(worst <= 1e-12, what << ": largest relative difference " << worst);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_model_and_solver_is_rank_invariant) {
  for (const auto& info : builtinModels()) {
    const auto model = makeModel(info.name, testing::suiteOverrides(info.name));
    if (model->noise()) continue;  // models with common noise are not part of the tabular suite
    for (const char* algorithm : {"omd", "fp", "fixed-point"}) {
      const std::string label = info.name + " / " + algorithm;
      const Outcome world = solveOn(MPI_COMM_WORLD, *model, algorithm, 15);
      const Outcome self = solveOn(MPI_COMM_SELF, *model, algorithm, 15);
      compare(label + " policy", world.policy, self.policy);
      compare(label + " mean field", world.mean_field, self.mean_field);
      BOOST_REQUIRE_EQUAL(world.exploitability.size(), self.exploitability.size());
      for (std::size_t k = 0; k < world.exploitability.size(); ++k)
        BOOST_TEST(std::abs(world.exploitability[k] - self.exploitability[k]) <=
                       1e-12 * std::max({std::abs(self.exploitability[k]), self.value_scale}),
                   label << " exploitability at iteration " << k << ": " << world.exploitability[k] << " vs "
                         << self.exploitability[k]);
    }
  }
}

BOOST_AUTO_TEST_CASE(models_with_common_noise_are_rank_invariant) {
  // Policies indexed by the node of the scenario tree; shorter horizons keep the suite fast.
  const std::vector<std::pair<std::string, std::map<std::string, std::vector<double>>>> cases = {
      {"lq", {{"T", {12}}}},
      {"beach_bar", {{"T", {17}}, {"crowd", {0.3}}}},
      {"macro", {{"wealth_points", {24}}, {"income_points", {3}}, {"T", {4}}, {"noise_points", {3}}}}};
  for (const auto& [name, overrides] : cases) {
    const auto model = makeModel(name, overrides);
    for (const char* algorithm : {"omd", "fp", "fixed-point"}) {
      const std::string label = name + " / " + algorithm;
      const Outcome world = solveOn(MPI_COMM_WORLD, *model, algorithm, 10);
      const Outcome self = solveOn(MPI_COMM_SELF, *model, algorithm, 10);
      compare(label + " policy", world.policy, self.policy);
      compare(label + " mean field", world.mean_field, self.mean_field);
      for (std::size_t k = 0; k < world.exploitability.size(); ++k)
        BOOST_TEST(std::abs(world.exploitability[k] - self.exploitability[k]) <=
                       1e-12 * std::max({std::abs(self.exploitability[k]), self.value_scale}),
                   label << " exploitability at iteration " << k);
    }
  }
}

BOOST_AUTO_TEST_CASE(larger_grid_is_rank_invariant) {
  // 1200 states: several hundred per rank, with kernel rows crossing the ownership boundaries.
  const auto model = makeModel("classic/crowd_motion", {{"length", {40}}, {"width", {30}}, {"T", {6}}});
  const Outcome world = solveOn(MPI_COMM_WORLD, *model, "omd", 10);
  const Outcome self = solveOn(MPI_COMM_SELF, *model, "omd", 10);
  compare("crowd_motion 40x30 policy", world.policy, self.policy);
  compare("crowd_motion 40x30 mean field", world.mean_field, self.mean_field);
  BOOST_TEST(std::abs(world.exploitability.back() - self.exploitability.back()) <=
             1e-12 * std::max(std::abs(self.exploitability.back()), self.value_scale));
}
