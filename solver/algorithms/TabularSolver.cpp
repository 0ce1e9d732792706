#include "solver/algorithms/TabularSolver.hpp"

#include <mpi.h>

#include <cmath>

#include "parallel/Collectives.hpp"
#include "solver/algorithms/BestResponseAveraging.hpp"
#include "solver/algorithms/OnlineMirrorDescent.hpp"
#include "solver/models/InputError.hpp"

namespace mfg {

void TabularSolver::setup() {
  start_ = MPI_Wtime();
  iteration_ = 0;
  exploitability_.clear();
  wall_seconds_.clear();
  initialise();
  engine_.exploitability(policy_, current_);  // reuses the previous tables' storage
  record();
}

void TabularSolver::iterate() {
  update();
  engine_.exploitability(policy_, current_);  // reuses the previous tables' storage
  ++iteration_;
  record();
}

std::vector<TabularSolver::StateTable> TabularSolver::stateTables() {
  return {{"policy", &policy_.pi, static_cast<int>(engine_.layout().actions())}};
}

void TabularSolver::resume(int iteration, std::vector<double> exploitability, std::vector<double> wall_seconds) {
  iteration_ = iteration;
  exploitability_ = std::move(exploitability);
  wall_seconds_ = std::move(wall_seconds);
  start_ = MPI_Wtime() - (wall_seconds_.empty() ? 0.0 : wall_seconds_.back());
  engine_.exploitability(policy_, current_);  // reuses the previous tables' storage
}

void TabularSolver::solve(int iterations) {
  setup();
  for (int k = 0; k < iterations; ++k) iterate();
}

void TabularSolver::record() {
  exploitability_.push_back(current_.exploitability);
  // Rank 0's clock, so that every rank writes the same history.
  wall_seconds_.push_back(parallel::broadcast(engine_.layout().comm(), MPI_Wtime() - start_));
}

std::unique_ptr<TabularSolver> makeTabularSolver(const std::string& algorithm, ExactEngine& engine,
                                                 const std::map<std::string, double>& settings) {
  const auto valid = [&](std::initializer_list<const char*> keys) {
    for (const auto& [key, value] : settings) {
      bool ok = false;
      std::string names;
      for (const char* k : keys) {
        ok = ok || key == k;
        names += (names.empty() ? "" : ", ") + std::string(k);
      }
      if (!ok)
        throw InputError("setting '" + key + "' does not apply to algorithm '" + algorithm +
                         "' (its settings: " + (names.empty() ? "none" : names) + ")");
    }
  };
  const auto get = [&](const char* key, double fallback) {
    auto it = settings.find(key);
    return it == settings.end() ? fallback : it->second;
  };
  if (algorithm == "omd") {
    valid({"learning_rate"});
    const double eta = get("learning_rate", 1.0);
    if (!(eta > 0.0) || !std::isfinite(eta))
      throw InputError("learning_rate = " + std::to_string(eta) + " is out of range (0, inf)");
    return std::make_unique<OnlineMirrorDescent>(engine, eta);
  }
  if (algorithm == "fp") {
    valid({});
    return std::make_unique<FictitiousPlay>(engine);
  }
  if (algorithm == "fixed-point") {
    valid({"damping"});
    const double damping = get("damping", 0.5);
    if (!(damping > 0.0 && damping <= 1.0))
      throw InputError("damping = " + std::to_string(damping) + " is out of range (0, 1]");
    return std::make_unique<DampedFixedPoint>(engine, damping);
  }
  throw InputError("unknown algorithm '" + algorithm + "' (valid: fp, omd, fixed-point)");
}

}  // namespace mfg
