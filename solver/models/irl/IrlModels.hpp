#pragma once
// The inverse-RL family (docs/models.md §3): malware, investment, sis and the synthetic taxi, and
// the changed dynamics under which a reward learned on them is tested for transfer.
#include <map>
#include <string>
#include <vector>

#include "solver/models/Registry.hpp"

namespace mfg {

/// The parameter overrides that give `model` its changed ("new") dynamics, for testing whether a
/// reward learned under the default dynamics still explains behaviour after the dynamics change.
/// They set kernel parameters only, never the reward parameters that define agent types, so the
/// true reward function is the same under both. InputError for a model without such overrides.
std::map<std::string, std::vector<double>> transferDynamics(const std::string& model);

namespace irl {

constexpr double kMaxHorizon = 100000;

/// Prepends the family's horizon parameters (T = 10 decision steps, gamma = 0.9) to `specs`.
std::vector<ParameterSpec> withHorizon(std::vector<ParameterSpec> specs);

/// The registry entry of `taxi` (Taxi.cpp), listed by irlModels() after the three small models.
ModelInfo taxi();

}  // namespace irl
}  // namespace mfg
