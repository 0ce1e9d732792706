#include "solver/aggregate/AggregateSimulation.hpp"

#include <algorithm>
#include <stdexcept>

#include "parallel/Collectives.hpp"
#include "solver/engine/PetscObjects.hpp"

namespace mfg {

AggregateSimulation::AggregateSimulation(const Model& model, MPI_Comm comm)
    : model_(model),
      layout_(comm, model.numStates(), model.numActions()),
      kernel_(model_, layout_),
      context_(model_, layout_) {}

SimulatedPath AggregateSimulation::run(const std::vector<std::vector<double>>& noise, const Decide& decide,
                                       const std::vector<int>& snapshot_steps) {
  if (noise.empty()) throw std::invalid_argument("a simulated path needs z_0");
  SimulatedPath out;
  const auto A = layout_.actions();
  const auto mu0 = model_.initialDistribution(noise.front());
  std::vector<double> mu(mu0.begin() + layout_.begin(), mu0.begin() + layout_.end()), x;
  // π_t is not known when the view that decides it is built; models that read L_t see uniform π.
  std::vector<double> pi(static_cast<std::size_t>(layout_.localRows()), 1.0 / static_cast<double>(A));
  const int steps = static_cast<int>(noise.size()) - 1;
  PetscVec rows, states;
  for (int t = 0;; ++t) {
    // The view at t holds μ_t gathered and the model's aggregates; π_t is decided from it.
    const MeanFieldView& view = context_.at(t, mu, nullptr, pi, noise[static_cast<std::size_t>(t)], nullptr);
    out.stats.emplace_back(view.stats.begin(), view.stats.end());
    if (std::find(snapshot_steps.begin(), snapshot_steps.end(), t) != snapshot_steps.end()) {
      out.snapshots.emplace_back(view.mu.begin(), view.mu.end());
      out.snapshot_steps.push_back(t);
    }
    if (t == steps) break;
    decide(view, pi);
    if (static_cast<std::int64_t>(pi.size()) != layout_.localRows())
      throw std::logic_error("a simulation policy filled the wrong number of rows");
    // The kernel reads μ_t, z_t and (for L_t) π_t; models of this kind rebuild it at every step.
    kernel_.assemble(context_.at(t, mu, nullptr, pi, noise[static_cast<std::size_t>(t)], nullptr));
    if (!rows) MFG_PETSC_CALL(MatCreateVecs(kernel_.mat(), states.out(), rows.out()));
    x.resize(pi.size());
    for (std::size_t row = 0; row < x.size(); ++row) x[row] = mu[row / static_cast<std::size_t>(A)] * pi[row];
    PetscScalar* a = nullptr;
    MFG_PETSC_CALL(VecGetArrayWrite(rows, &a));
    std::copy(x.begin(), x.end(), a);
    MFG_PETSC_CALL(VecRestoreArrayWrite(rows, &a));
    MFG_PETSC_CALL(MatMultTranspose(kernel_.mat(), rows, states));
    const PetscScalar* b = nullptr;
    MFG_PETSC_CALL(VecGetArrayRead(states, &b));
    std::copy(b, b + mu.size(), mu.begin());
    MFG_PETSC_CALL(VecRestoreArrayRead(states, &b));
  }
  return out;
}

}  // namespace mfg
