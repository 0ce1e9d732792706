#pragma once
// The engine's per-step tables, holding only the rows and states this rank owns:
// policies π_t(a|s) and Q-functions by state-major row s·|A| + a, mean fields and values by state.
#include <vector>

#include "parallel/StateLayout.hpp"

namespace mfg {

/// π_t(a|s) for t = 0..steps-1 on the owned states; rows of |A| probabilities.
struct Policy {
  std::vector<std::vector<double>> pi;  ///< [t][(s - begin)·|A| + a]
  static Policy uniform(const parallel::StateLayout& layout, int steps);
  int steps() const { return static_cast<int>(pi.size()); }
};

/// μ_t for t = 0..steps on the owned states.
struct MeanFieldFlow {
  std::vector<std::vector<double>> mu;  ///< [t][s - begin]
};

/// Q_t (rows) for t = 0..steps-1 and V_t (states) for t = 0..steps, V_steps = 0.
struct Values {
  std::vector<std::vector<double>> Q;
  std::vector<std::vector<double>> V;
};

/// The deterministic policy that picks, in every state, the first action whose Q is within a
/// relative 1e-12 of the maximum, so that ties are broken the same way on any number of ranks.
Policy greedyPolicy(const Values& values, std::int64_t actions);

/// softmax(y) per state; y has the rows layout of a policy.
void softmaxRows(const std::vector<double>& y, std::int64_t actions, std::vector<double>& pi);

}  // namespace mfg
