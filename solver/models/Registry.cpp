#include "solver/models/Registry.hpp"

#include "solver/models/InputError.hpp"
#include "solver/models/benchmark/BenchmarkModels.hpp"
#include "solver/models/macro/KrusellSmith.hpp"

namespace mfg {

const std::vector<ModelInfo>& builtinModels() {
  static const std::vector<ModelInfo> all = [] {
    std::vector<ModelInfo> v = {benchmark::lq(), benchmark::beachBar(), benchmark::macro(),
                                  macro::krusellSmith()};
    for (auto& m : classicModels()) v.push_back(std::move(m));
    for (auto& m : irlModels()) v.push_back(std::move(m));
    return v;
  }();
  return all;
}

const ModelInfo& findModel(const std::string& name) {
  std::string valid;
  for (const auto& m : builtinModels()) {
    if (m.name == name) return m;
    valid += (valid.empty() ? "" : ", ") + m.name;
  }
  throw InputError("unknown model '" + name + "' (valid models: " + valid + ")");
}

std::unique_ptr<Model> makeModel(const std::string& name,
                                 const std::map<std::string, std::vector<double>>& overrides) {
  const ModelInfo& info = findModel(name);
  return info.create(ParameterSet(info.name, info.parameters, overrides));
}

}  // namespace mfg
