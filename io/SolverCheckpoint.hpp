#pragma once
// OUT/checkpoint.h5 of `mfg solve`: everything a tabular solver needs to continue bit for bit.
//   /state/<table>            [slices, S, block]  the solver's state tables (policy, y, L_bar, mu_bar)
//   /history/exploitability   [iteration+1]
//   /history/wall_seconds     [iteration+1]
//   attributes on /: identity (model, parameters, algorithm, settings), iteration
// Written collectively through a temporary file and a rename; independent of the rank count.
#include <string>

#include "solver/algorithms/TabularSolver.hpp"

namespace mfg::io {

/// What a checkpoint must match to be resumed: the model, its parameters, the algorithm and its settings.
std::string solverIdentity(const Model& model, const TabularSolver& solver);

void writeSolverCheckpoint(const std::string& path, const ExactEngine& engine, TabularSolver& solver);

/// Loads the checkpoint into `solver` (set up for the same run) and resumes it. InputError, on
/// every rank and before the solver changes, when the file is damaged or belongs to another run.
void readSolverCheckpoint(const std::string& path, const ExactEngine& engine, TabularSolver& solver);

}  // namespace mfg::io
