#include "solver/models/StationaryModel.hpp"

#include <functional>

#include "solver/models/InputError.hpp"
#include "solver/models/stationary/Aiyagari.hpp"

namespace mfg {

static std::int64_t product(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::int64_t StationaryModel::numStates() const { return product(stateShape()); }
std::int64_t StationaryModel::numActions() const { return product(actionShape()); }

const std::vector<StationaryModelInfo>& builtinStationaryModels() {
  static const std::vector<StationaryModelInfo> all = {stationary::aiyagari()};
  return all;
}

std::unique_ptr<PriceTakingEconomy> makeEconomy(const std::string& name,
                                                const std::map<std::string, std::vector<double>>& overrides) {
  std::string valid;
  for (const auto& info : builtinStationaryModels()) {
    if (info.name == name) return info.create(ParameterSet(info.name, info.parameters, overrides));
    valid += (valid.empty() ? "" : ", ") + info.name;
  }
  throw InputError("model '" + name + "' has no stationary equilibrium solver (valid models: " + valid + ")");
}

}  // namespace mfg
