#pragma once
// The built-in models by name, with their declared parameters.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "solver/models/Model.hpp"

namespace mfg {

struct ModelInfo {
  std::string name;
  std::string description;
  std::vector<ParameterSpec> parameters;
  std::function<std::unique_ptr<Model>(ParameterSet)> create;
};

const std::vector<ModelInfo>& builtinModels();
const ModelInfo& findModel(const std::string& name);  ///< InputError listing valid names

/// Builds a model with the user's overrides; InputError names any bad key or value.
std::unique_ptr<Model> makeModel(const std::string& name,
                                 const std::map<std::string, std::vector<double>>& overrides = {});

/// Per-family registration, one function per source file.
std::vector<ModelInfo> classicModels();
std::vector<ModelInfo> irlModels();

}  // namespace mfg
