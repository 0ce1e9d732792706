#pragma once
// Helpers shared by the CLI's commands.
#include <mpi.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/Logger.hpp"
#include "solver/models/Registry.hpp"

#include "solver/models/Model.hpp"

namespace mfg::cli {

/// The model's parameters with their kinds (integers as integers, booleans as booleans).
nlohmann::json parametersJson(const Model& model);
nlohmann::json parametersJson(const ParameterSet& parameters);
/// Creates `dir` on rank 0; InputError on every rank when that fails.
void makeDirectory(const std::string& dir, MPI_Comm comm);
/// A demonstration file's model parameters (attribute `parameters` of `path`: a JSON object of
/// numbers, booleans or lists), for the keys the model knows; others are reported and skipped (a
/// file from elsewhere may carry more). InputError naming the file for anything else.
std::map<std::string, std::vector<double>> fileParameters(const std::string& json, const ModelInfo& info,
                                                          const std::string& path, const io::Logger& log);

}  // namespace mfg::cli
