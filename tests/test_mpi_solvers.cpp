// Convergence of the tabular solvers (docs/methods.md §3) on the model suite, and equilibria known in
// closed form; best-response ties (README: the lowest action wins) on a model with exact ties; OMD
// at a learning rate other than 1 against an independent dense OMD.
#define BOOST_TEST_MODULE solvers
#include <cmath>

#include "DenseReference.hpp"
#include "Gather.hpp"
#include "MpiFixture.hpp"
#include "SuiteSizes.hpp"
#include "TieModel.hpp"
#include "TinyModel.hpp"
#include "solver/algorithms/TabularSolver.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

using namespace mfg;

namespace {

std::vector<double> run(const std::string& model_name, const std::string& algorithm, int iterations,
                        std::map<std::string, double> settings = {}, std::vector<double>* policy0 = nullptr) {
  const auto model = makeModel(model_name, testing::suiteOverrides(model_name));
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

BOOST_AUTO_TEST_CASE(best_response_ties_go_to_the_lowest_action) {
  // README: greedy best responses break ties towards the lowest action within a relative 1e-12.
  // TieModel's rewards fix the answer by hand (kLowestBest); at 2 and 3 ranks the tied states are
  // split across ranks.
  testing::TieModel model;
  ExactEngine engine(model, MPI_COMM_WORLD);
  const auto result = engine.exploitability(Policy::uniform(engine.layout(), engine.policySlices()));
  const Policy br = greedyPolicy(result.best_values, engine.layout().actions());
  for (int t = 0; t < model.numSteps(); ++t) {
    const auto rows = testing::gatherRows(engine.layout(), br.pi[t]);
    BOOST_REQUIRE_EQUAL(rows.size(), 15u);
    for (std::int64_t s = 0; s < 5; ++s)
      for (std::int64_t a = 0; a < 3; ++a)
        BOOST_TEST(rows[s * 3 + a] == (a == testing::TieModel::kLowestBest[s] ? 1.0 : 0.0),
                   "best response t=" << t << " s=" << s << " a=" << a << " is " << rows[s * 3 + a]
                                      << "; expected action " << testing::TieModel::kLowestBest[s]);
  }
  // FP's first iteration averages the uniform policy with that best response (the state never
  // changes, so μ̄ = μ_0 and π̄ = (uniform + best response) / 2).
  auto fp = makeTabularSolver("fp", engine, {});
  fp->solve(1);
  for (int t = 0; t < model.numSteps(); ++t) {
    const auto rows = testing::gatherRows(engine.layout(), fp->policy().pi[t]);
    for (std::int64_t s = 0; s < 5; ++s)
      for (std::int64_t a = 0; a < 3; ++a) {
        const double want = 0.5 / 3.0 + (a == testing::TieModel::kLowestBest[s] ? 0.5 : 0.0);
        BOOST_TEST(std::abs(rows[s * 3 + a] - want) < 1e-14,
                   "FP π_1 t=" << t << " s=" << s << " a=" << a << " = " << rows[s * 3 + a] << ", expected " << want);
      }
  }
}

namespace {

/// OMD of docs/methods.md §3 written densely: y_0 = 0, π_0 uniform; y_{k+1} = y_k + η Q^{π_k, μ^{π_k}},
/// π_{k+1} = softmax(y_{k+1}) per (t, s). Returns π_0..π_K.
std::vector<testing::DenseReference::Table> denseMirrorDescent(const Model& model, double eta, int K) {
  const testing::DenseReference ref(model);
  const auto A = model.numActions();
  std::vector<testing::DenseReference::Table> pis{testing::DenseReference::uniformPolicy(model)};
  testing::DenseReference::Table y(model.numSteps(), Eigen::VectorXd::Zero(model.numStates() * A));
  for (int k = 0; k < K; ++k) {
    const auto& pi = pis.back();
    const auto Q = ref.q(ref.forward(pi), pi, pi);
    testing::DenseReference::Table next(model.numSteps());
    for (int t = 0; t < model.numSteps(); ++t) {
      y[t] += eta * Q[t];
      next[t].resize(y[t].size());
      for (Eigen::Index s = 0; s < model.numStates(); ++s) {
        const Eigen::VectorXd e = (y[t].segment(s * A, A).array() - y[t].segment(s * A, A).maxCoeff()).exp();
        next[t].segment(s * A, A) = e / e.sum();
      }
    }
    pis.push_back(next);
  }
  return pis;
}

}  // namespace

BOOST_AUTO_TEST_CASE(mirror_descent_follows_its_learning_rate) {
  // Every other OMD test runs at η = 1; here η = 0.3 for three iterations, checked against the
  // dense OMD above: the policy after each iteration and the exploitability history.
  const double eta = 0.3;
  const int K = 3;
  testing::TinyModel tiny_coupled(true);
  const auto crowd = makeModel("classic/crowd_motion");
  const auto left_right = makeModel("classic/left_right");
  for (const Model* model : std::vector<const Model*>{&tiny_coupled, crowd.get(), left_right.get()}) {
    const auto want = denseMirrorDescent(*model, eta, K);
    const testing::DenseReference ref(*model);
    ExactEngine engine(*model, MPI_COMM_WORLD);
    auto omd = makeTabularSolver("omd", engine, {{"learning_rate", eta}});
    omd->setup();
    for (int k = 1; k <= K; ++k) {
      omd->iterate();
      for (int t = 0; t < model->numSteps(); ++t) {
        const auto rows = testing::gatherRows(engine.layout(), omd->policy().pi[t]);
        BOOST_REQUIRE_EQUAL(rows.size(), static_cast<std::size_t>(want[k][t].size()));
        double worst = 0.0;
        Eigen::Index at = 0;
        for (Eigen::Index r = 0; r < want[k][t].size(); ++r)
          if (std::abs(rows[r] - want[k][t][r]) > worst) worst = std::abs(rows[r] - want[k][t][r]), at = r;
        BOOST_TEST(worst < 1e-10, model->name() << " iteration " << k << " t=" << t << " row " << at << ": π = "
                                                << rows[at] << ", dense OMD at η = 0.3 gives " << want[k][t][at]);
      }
    }
    const auto& h = omd->exploitabilityHistory();
    BOOST_REQUIRE_EQUAL(h.size(), static_cast<std::size_t>(K + 1));
    for (int k = 0; k <= K; ++k) {
      const double e = ref.exploitability(want[k]);
      BOOST_TEST(std::abs(h[k] - e) <= 1e-10 * std::max(1.0, std::abs(e)),
                 model->name() << " exploitability after " << k << " iterations " << h[k] << ", dense " << e);
    }
  }
}
