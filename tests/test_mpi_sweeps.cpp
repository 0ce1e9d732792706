// Every sweep of the exact engine on a model solved by hand (TinyModel.hpp), at 1, 2 and 3 ranks
// (at 3 ranks one rank owns no state at all).
#define BOOST_TEST_MODULE sweeps
#include <cmath>

#include "Gather.hpp"
#include "MpiFixture.hpp"
#include "TinyModel.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/models/InputError.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;
using testing::gatherRows;
using testing::gatherStates;

namespace {

constexpr double kTol = 1e-13;

void checkClose(const std::vector<double>& got, const std::vector<double>& want) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) BOOST_TEST(std::abs(got[i] - want[i]) < kTol, "entry " << i << ": " << got[i] << " vs " << want[i]);
}

// π_0: state 0 → (0.5, 0.5), state 1 → (1, 0); π_1: state 0 → (0.2, 0.8), state 1 → (0.6, 0.4).
Policy handPolicy(const parallel::StateLayout& layout) {
  return testing::localPolicy(layout, {{0.5, 0.5, 1.0, 0.0}, {0.2, 0.8, 0.6, 0.4}});
}

}  // namespace

BOOST_AUTO_TEST_CASE(forward_propagates_the_mean_field) {
  testing::TinyModel model;
  ExactEngine engine(model, MPI_COMM_WORLD);
  const auto flow = engine.forward(handPolicy(engine.layout()));
  // μ_1(0) = 0.375 + 0.375·0.2 = 0.45; μ_2(0) = 0.45·0.2 + 0.36·0.2 + 0.22·0.8 = 0.338.
  checkClose(gatherStates(engine.layout(), flow.mu[0]), {0.75, 0.25});
  checkClose(gatherStates(engine.layout(), flow.mu[1]), {0.45, 0.55});
  checkClose(gatherStates(engine.layout(), flow.mu[2]), {0.338, 0.662});
}

BOOST_AUTO_TEST_CASE(forward_refills_a_mean_field_dependent_kernel) {
  testing::TinyModel model(true);
  ExactEngine engine(model, MPI_COMM_WORLD);
  const auto flow = engine.forward(handPolicy(engine.layout()));
  // p_0 = 0.5 + 0.5·0.25 = 0.625: μ_1(0) = 0.375 + 0.375·0.375 = 0.515625.
  checkClose(gatherStates(engine.layout(), flow.mu[1]), {0.515625, 0.484375});
  // p_1 = 0.5 + 0.5·0.484375 = 0.7421875; x = (0.1031250, 0.4125, 0.290625, 0.19375).
  const double p = 0.7421875;
  const double mu2_0 = 0.515625 * 0.2 + 0.515625 * 0.8 * (1 - p) + 0.484375 * 0.4 * p;
  checkClose(gatherStates(engine.layout(), flow.mu[2]), {mu2_0, 1.0 - mu2_0});
}

BOOST_AUTO_TEST_CASE(backward_evaluates_a_policy) {
  testing::TinyModel model;
  ExactEngine engine(model, MPI_COMM_WORLD);
  const Policy pi = handPolicy(engine.layout());
  const auto flow = engine.forward(pi);
  const Values v = engine.evaluate(pi, flow, pi);
  checkClose(gatherRows(engine.layout(), v.Q[1]), {-0.45, -0.55, 0.45, 0.35});
  checkClose(gatherStates(engine.layout(), v.V[1]), {-0.53, 0.41});
  checkClose(gatherRows(engine.layout(), v.Q[0]), {-1.227, -0.6502, 1.119, 0.3422});
  checkClose(gatherStates(engine.layout(), v.V[0]), {-0.9386, 1.119});
  checkClose(gatherStates(engine.layout(), v.V[2]), {0.0, 0.0});
}

BOOST_AUTO_TEST_CASE(backward_best_response) {
  testing::TinyModel model;
  ExactEngine engine(model, MPI_COMM_WORLD);
  const Policy pi = handPolicy(engine.layout());
  const auto flow = engine.forward(pi);
  const Values v = engine.bestResponse(flow, pi);
  checkClose(gatherStates(engine.layout(), v.V[1]), {-0.45, 0.45});
  checkClose(gatherRows(engine.layout(), v.Q[0]), {-1.155, -0.607, 1.155, 0.407});
  checkClose(gatherStates(engine.layout(), v.V[0]), {-0.607, 1.155});
  // The greedy policy of Q*: move in state 0 at t = 0, stay everywhere else.
  const Policy br = greedyPolicy(v, 2);
  checkClose(gatherRows(engine.layout(), br.pi[0]), {0.0, 1.0, 1.0, 0.0});
  checkClose(gatherRows(engine.layout(), br.pi[1]), {1.0, 0.0, 1.0, 0.0});
}

BOOST_AUTO_TEST_CASE(backward_soft_value) {
  testing::TinyModel model;
  ExactEngine engine(model, MPI_COMM_WORLD);
  const Policy pi = handPolicy(engine.layout());
  const auto flow = engine.forward(pi);
  const double beta = 0.5;
  const Values v = engine.soft(beta, flow, pi);
  const auto lse = [beta](double a, double b) { return beta * std::log(std::exp(a / beta) + std::exp(b / beta)); };
  const double v1_0 = lse(-0.45, -0.55), v1_1 = lse(0.45, 0.35);
  checkClose(gatherStates(engine.layout(), v.V[1]), {v1_0, v1_1});
  const double q00 = -0.75 + 0.9 * v1_0, q01 = -0.85 + 0.9 * (0.2 * v1_0 + 0.8 * v1_1);
  const double q10 = 0.75 + 0.9 * v1_1, q11 = 0.65 + 0.9 * (0.8 * v1_0 + 0.2 * v1_1);
  checkClose(gatherRows(engine.layout(), v.Q[0]), {q00, q01, q10, q11});
  checkClose(gatherStates(engine.layout(), v.V[0]), {lse(q00, q01), lse(q10, q11)});
}

BOOST_AUTO_TEST_CASE(exact_exploitability) {
  testing::TinyModel model;
  ExactEngine engine(model, MPI_COMM_WORLD);
  const auto r = engine.exploitability(handPolicy(engine.layout()));
  // 0.75·(−0.607 + 0.9386) + 0.25·(1.155 − 1.119) = 0.2577.
  BOOST_TEST(std::abs(r.exploitability - 0.2577) < kTol);
  BOOST_TEST(std::abs(r.best_value - (0.75 * -0.607 + 0.25 * 1.155)) < kTol);
  BOOST_TEST(std::abs(r.policy_value - (0.75 * -0.9386 + 0.25 * 1.119)) < kTol);
  // A best response to its own flow is an equilibrium here only if it is unexploitable; check
  // the definition instead: E(π) ≥ 0 for any π.
  BOOST_TEST(r.exploitability >= 0.0);
}

BOOST_AUTO_TEST_CASE(a_kernel_that_is_not_a_distribution_is_rejected) {
  // A model whose moving probability exceeds 1 names the state and action.
  class Broken final : public Model {
   public:
    Broken() : Model(ParameterSet()) {}
    std::string name() const override { return "broken"; }
    std::vector<std::int64_t> stateShape() const override { return {2}; }
    std::vector<std::int64_t> actionShape() const override { return {2}; }
    int numSteps() const override { return 1; }
    double discount() const override { return 1.0; }
    std::vector<double> initialDistribution() const override { return {0.5, 0.5}; }
    void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& c) const override { c = {0, 1}; }
    void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a, std::vector<Transition>& out) const override {
      out = {{0, 0.5}, {1, (s == 1 && a == 1) ? 0.6 : 0.5}};
    }
    double reward(const MeanFieldView&, std::int64_t, std::int64_t) const override { return 0.0; }
  } broken;
  try {
    ExactEngine engine(broken, MPI_COMM_WORLD);
    BOOST_FAIL("an invalid kernel was accepted");
  } catch (const InputError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("state 1") != std::string::npos, what);
    BOOST_TEST(what.find("action 1") != std::string::npos, what);
  }
}
