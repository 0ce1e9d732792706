#pragma once
// Agent types of a population mixture (docs/formats.md, "Agent types"): a TOML file with one
// [[type]] table per type, each holding its `weight` and numeric model-parameter overrides.
//   [[type]]
//   weight = 0.5
//   k = 0.2
// and the JSON form of the overrides stored in demonstration files (attribute `types`).
#include <map>
#include <string>
#include <vector>

#include "solver/irl/Demonstrations.hpp"

namespace mfg::io {

/// The types of the file, in file order. Every `[[type]]` table needs `weight`, a positive finite
/// number; every other key is a parameter override, a finite number (integers accepted). Weights
/// are returned as written, not normalised: the caller normalises them (they need not sum to 1).
/// InputError naming the file, the type's index (1-based) and the key: no `[[type]]` table, a
/// non-numeric or non-finite value, a missing or non-positive weight, a top-level key other than
/// `type`, invalid TOML, no such file.
std::vector<irl::AgentType> readTypes(const std::string& path);

/// The JSON list of the types' overrides, without weights: [{"k": 0.2, "l": 0.5}, {...}].
/// Numbers are written with enough digits to be read back exactly.
std::string typesToJson(const std::vector<irl::AgentType>& types);

/// The reverse of typesToJson: a JSON list of objects whose values are finite numbers (an empty list
/// is valid). InputError naming the entry (1-based) and key on anything else.
std::vector<std::map<std::string, double>> typesFromJson(const std::string& json);

}  // namespace mfg::io
