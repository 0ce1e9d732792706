// A user's own model, built outside the mfg source tree against the installed package (the
// README's C++ API example; tests/test_install.cpp builds and runs it).
//
// Two places, two actions: a = 0 stays, a = 1 walks to the other place. Being at place 1 is worth
// 1, walking costs 0.1, and one decision is taken from μ_0 = (1/2, 1/2). By hand: the best response
// stays everywhere (value 1/2), the uniform policy walks half the time (value 1/2 − 0.05), so the
// uniform policy's exploitability is 0.05, and OMD drives it towards 0.
#include <mpi.h>

#include <cstdio>

#include "solver/algorithms/TabularSolver.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/engine/PetscSession.hpp"
#include "solver/models/Model.hpp"

class TwoPlaces final : public mfg::Model {
 public:
  TwoPlaces() : Model(mfg::ParameterSet()) {}
  std::string name() const override { return "user/two_places"; }
  std::vector<std::int64_t> stateShape() const override { return {2}; }
  std::vector<std::int64_t> actionShape() const override { return {2}; }
  int numSteps() const override { return 1; }
  double discount() const override { return 1.0; }
  std::vector<double> initialDistribution() const override { return {0.5, 0.5}; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override { cols = {0, 1}; }
  void transitions(const mfg::MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<mfg::Transition>& out) const override {
    out = {{a == 0 ? s : 1 - s, 1.0}};
  }
  double reward(const mfg::MeanFieldView&, std::int64_t s, std::int64_t a) const override {
    return (s == 1 ? 1.0 : 0.0) - 0.1 * static_cast<double>(a);
  }
};

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  mfg::PetscSession petsc;  // initialises MPI and PETSc, finalises them at the end of main
  TwoPlaces model;
  mfg::ExactEngine engine(model, MPI_COMM_WORLD);  // kernels as distributed PETSc matrices
  auto solver = mfg::makeTabularSolver("omd", engine, {{"learning_rate", 0.5}});
  solver->solve(100);
  const auto& history = solver->exploitabilityHistory();
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::printf("initial %.15g final %.15g\n", history.front(), history.back());
  return 0;
}
