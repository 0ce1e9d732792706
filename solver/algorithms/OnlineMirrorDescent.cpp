#include "solver/algorithms/OnlineMirrorDescent.hpp"

namespace mfg {

void OnlineMirrorDescent::initialise() {
  policy_ = Policy::uniform(engine_.layout(), engine_.policySlices());
  y_.assign(engine_.policySlices(), std::vector<double>(engine_.layout().localRows(), 0.0));
}

void OnlineMirrorDescent::update() {
  // current_ evaluated π_k against its own flow μ^{π_k}: exactly the Q that OMD accumulates.
  const auto& Q = current_.policy_values.Q;
  for (int t = 0; t < engine_.policySlices(); ++t) {
    for (std::size_t row = 0; row < y_[t].size(); ++row) y_[t][row] += eta_ * Q[t][row];
    softmaxRows(y_[t], engine_.layout().actions(), policy_.pi[t]);
  }
}

}  // namespace mfg
