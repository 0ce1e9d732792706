#pragma once
// Demonstrations of a mean-field game for inverse RL (docs/formats.md, "Demonstration files"):
// P plays, each of N agents of one hidden type, followed for T decision steps. Pure data: the
// file layer (io/DemonstrationFile) reads and writes it, solver/irl learns from it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mfg::irl {

/// One agent type of a population mixture: its weight in the mixture and the reward-parameter
/// overrides (model parameter name -> value) that define it.
struct AgentType {
  double weight = 1.0;
  std::map<std::string, double> overrides;
};

struct Demonstrations {
  std::int64_t plays = 0;   ///< P
  std::int64_t agents = 0;  ///< N per play
  std::int64_t steps = 0;   ///< T decision steps (T + 1 observed states)
  std::vector<std::int64_t> states;   ///< [P][N][T+1] flat state index
  std::vector<std::int64_t> actions;  ///< [P][N][T]   flat action index
  /// [P] the index of each play's type in `types` (hidden label, read only for scoring); empty
  /// when the file has no /type dataset.
  std::vector<std::int32_t> type;
  // The attributes of the file. All but `model` may be missing in files from elsewhere: the reader
  // then returns the defaults "{}", "[]", 1.0 and 0 (docs/formats.md).
  std::string model;             ///< model name (attribute `model`)
  std::string parameters_json;   ///< the model parameters, a JSON object (attribute `parameters`)
  std::string types_json;        ///< the types' overrides, a JSON list of objects (attribute `types`)
  double beta = 1.0;             ///< the experts' temperature (attribute `beta`)
  std::uint64_t seed = 0;        ///< attribute `seed`

  std::int64_t state(std::int64_t p, std::int64_t i, std::int64_t t) const {
    return states[static_cast<std::size_t>((p * agents + i) * (steps + 1) + t)];
  }
  std::int64_t action(std::int64_t p, std::int64_t i, std::int64_t t) const {
    return actions[static_cast<std::size_t>((p * agents + i) * steps + t)];
  }
  bool hasTypes() const { return !type.empty(); }
};

}  // namespace mfg::irl
