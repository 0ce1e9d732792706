// Exact exploitability of the uniform policy for every built-in model at its defaults (taxi at the
// reduced size of SuiteSizes.hpp: its dense kernel at 10^4 zones would take 2.4 GB), against
// (1) an independent dense Eigen implementation and (2) the reference values of docs/models.md §2.
#define BOOST_TEST_MODULE reference
#include <cmath>

#include "DenseReference.hpp"
#include "MpiFixture.hpp"
#include "SuiteSizes.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;

namespace {

double uniformExploitability(const Model& model) {
  ExactEngine engine(model, MPI_COMM_WORLD);
  return engine.exploitability(Policy::uniform(engine.layout(), engine.policySlices())).exploitability;
}

}  // namespace

BOOST_AUTO_TEST_CASE(uniform_policy_matches_dense_reference_for_every_model) {
  for (const auto& info : builtinModels()) {
    BOOST_TEST_CONTEXT("model " << info.name) {
      const auto model = makeModel(info.name, testing::suiteOverrides(info.name));
      if (model->noise()) continue;  // the dense reference has no scenario tree
      const double engine_value = uniformExploitability(*model);
      testing::DenseReference dense(*model);
      const double reference = dense.exploitability(testing::DenseReference::uniformPolicy(*model));
      BOOST_TEST(std::abs(engine_value - reference) <= 1e-11 * std::max(1.0, std::abs(reference)),
                 info.name << ": engine " << engine_value << " vs dense " << reference);
      BOOST_TEST(engine_value >= -1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(uniform_policy_matches_the_spec_values) {
  // docs/models.md §2, "Reference values (uniform policy)", with the digits the spec gives.
  const struct { const char* name; double value; double tol; } cases[] = {
      {"classic/beach_bar", 1.2212622553, 1e-10},
      {"classic/left_right", 0.25, 1e-14},
      {"classic/rock_paper_scissors", 1.0 / 3.0, 1e-14},
      {"classic/susceptible_infected", 5.46687391323, 1e-11},
      {"classic/building_evacuation", 0.321265093675, 1e-12},
  };
  for (const auto& c : cases) {
    const double got = uniformExploitability(*makeModel(c.name));
    BOOST_TEST(std::abs(got - c.value) <= c.tol, c.name << ": " << got << " vs spec " << c.value);
  }
}

BOOST_AUTO_TEST_CASE(non_default_parameters_match_dense_reference) {
  // Larger, time-varying and mean-field-dependent variants exercise the refill path at every step.
  const struct { const char* name; std::map<std::string, std::vector<double>> params; } cases[] = {
      {"classic/crowd_motion", {{"length", {7}}, {"width", {5}}, {"T", {4}}, {"bars", {0, 0, 6, 4, 3, 2, 1, 1, 6, 0}}}},
      {"classic/conservative_treasure_hunting", {{"n", {4}}, {"T", {3}}, {"r", {1, 2, 3, 4}}, {"c", {0.5, 1, 2}}}},
      {"classic/linear_quadratic", {{"T", {6}}, {"el", {7}}, {"sigma", {1}}}},
      {"classic/equilibrium_price", {{"s_inv", {5}}, {"Q", {3}}, {"sigma", {2}}}},
      {"investment", {{"T", {25}}, {"gamma", {0.97}}}},
      {"sis", {{"beta", {0.9}}, {"T", {30}}}},
      // The inverse-RL family's changed dynamics, and taxi (own-zone reads, clipped rides) small.
      {"malware", {{"repair_prob", {0.7}}, {"drift_span", {4}}}},
      {"investment", {{"threshold", {6.0}}}},
      {"sis", {{"recovery", {0.15}}}},
      {"taxi", {{"width", {9}}, {"height", {7}}, {"T", {5}}}},
      {"taxi", {{"width", {6}}, {"height", {5}}, {"ride_radius", {4}}, {"prices", {0.5, 1.0, 1.5, 2.0}}}},
  };
  for (const auto& c : cases) {
    const auto model = makeModel(c.name, c.params);
    testing::DenseReference dense(*model);
    const double reference = dense.exploitability(testing::DenseReference::uniformPolicy(*model));
    const double got = uniformExploitability(*model);
    BOOST_TEST(std::abs(got - reference) <= 1e-11 * std::max(1.0, std::abs(reference)),
               c.name << ": engine " << got << " vs dense " << reference);
  }
}
