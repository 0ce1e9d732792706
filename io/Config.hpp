#pragma once
// Run configuration: built-in defaults, then a TOML file, then command-line flags.
//
//   model = "classic/crowd_motion"
//   algorithm = "omd"            # fp | omd | fixed-point
//   iterations = 50
//   out = "mfg-results"
//   [parameters]                 # model parameters, as in `mfg models`
//   T = 3
//   [settings]                   # algorithm settings: learning_rate (omd), damping (fixed-point)
//   learning_rate = 1.0
#include <map>
#include <string>
#include <vector>

namespace mfg::io {

struct SolveConfig {
  std::string model = "classic/crowd_motion";
  std::map<std::string, std::vector<double>> parameters;
  std::string algorithm = "omd";
  long iterations = 50;
  std::string out = "mfg-results";
  std::map<std::string, double> settings;
  bool resume = false;          ///< continue from OUT/checkpoint.h5 when it exists
  long checkpoint_every = 10;   ///< iterations between checkpoints
};

/// Merges a TOML file into `config`; InputError names the file, the key and what was expected.
void applyTomlFile(const std::string& path, SolveConfig& config);

/// Parses `key=value` items of `--set` into model parameter overrides.
void applySetItems(const std::vector<std::string>& items, std::map<std::string, std::vector<double>>& parameters);

constexpr long kMaxIterations = 100000000;

/// The valid values of one [settings] key.
struct SettingRange {
  const char* key;
  bool integer;
  double lo, hi;
  bool lo_open = false;  ///< (lo, hi] instead of [lo, hi]
};

/// The [settings] that `mfg train` reads from a config file, with their ranges.
std::vector<SettingRange> trainSettingRanges();

/// Rejects (InputError naming the file, the key, the value and the valid range) any setting that
/// is not in `ranges`, not an integer where one is needed, or out of its range (NaN included).
void checkSettings(const std::string& path, const std::map<std::string, double>& settings,
                   const std::vector<SettingRange>& ranges);

}  // namespace mfg::io
