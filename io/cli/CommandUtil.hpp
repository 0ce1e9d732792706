#pragma once
// Helpers shared by the CLI's commands.
#include <mpi.h>

#include <nlohmann/json.hpp>
#include <string>

#include "solver/models/Model.hpp"

namespace mfg::cli {

/// The model's parameters with their kinds (integers as integers, booleans as booleans).
nlohmann::json parametersJson(const Model& model);
nlohmann::json parametersJson(const ParameterSet& parameters);
/// Creates `dir` on rank 0; InputError on every rank when that fails.
void makeDirectory(const std::string& dir, MPI_Comm comm);

}  // namespace mfg::cli
