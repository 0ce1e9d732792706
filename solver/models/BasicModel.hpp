#pragma once
// Shared plumbing of the built-in models: shapes, horizon, discount and μ_0 as plain members.
#include <algorithm>
#include <cmath>

#include "solver/models/Model.hpp"

namespace mfg {

class BasicModel : public Model {
 public:
  std::string name() const override { return name_; }
  std::vector<std::int64_t> stateShape() const override { return state_shape_; }
  std::vector<std::int64_t> actionShape() const override { return action_shape_; }
  int numSteps() const override { return steps_; }
  double discount() const override { return gamma_; }
  /// The explicit μ_0, or the uniform one built on demand (not in the constructor: a model too
  /// large to fit is then refused by the engine's resource check instead of failing here).
  std::vector<double> initialDistribution() const override {
    if (uniform_initial_) return std::vector<double>(static_cast<std::size_t>(numStates()), 1.0 / static_cast<double>(numStates()));
    return mu0_;
  }

 protected:
  BasicModel(std::string name, ParameterSet p) : Model(std::move(p)), name_(std::move(name)) {}
  void uniformInitial() { uniform_initial_ = true; }

  std::string name_;
  std::vector<std::int64_t> state_shape_;
  std::vector<std::int64_t> action_shape_;
  int steps_ = 1;
  double gamma_ = 1.0;
  std::vector<double> mu0_;     ///< μ_0 when not uniform
  bool uniform_initial_ = false;
};

inline std::int64_t clampIndex(std::int64_t x, std::int64_t lo, std::int64_t hi) {
  return std::min(std::max(x, lo), hi);
}

/// Sorts and removes duplicates: a support must be ascending and unique.
inline void normaliseSupport(std::vector<std::int64_t>& cols) {
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
}

/// Σ_s s μ(s): the mean state of a distribution over {0..n-1}.
inline double meanState(std::span<const double> mu) {
  double m = 0.0;
  for (std::size_t s = 0; s < mu.size(); ++s) m += static_cast<double>(s) * mu[s];
  return m;
}

}  // namespace mfg
