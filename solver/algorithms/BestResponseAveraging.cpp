#include "solver/algorithms/BestResponseAveraging.hpp"

namespace mfg {

void BestResponseAveraging::initialise() {
  policy_ = Policy::uniform(engine_.layout(), engine_.policySlices());
  L_bar_.clear();
  mu_bar_.clear();
}

void BestResponseAveraging::update() {
  const auto A = engine_.layout().actions();
  const int steps = engine_.policySlices();
  if (L_bar_.empty()) {  // the initial policy is the first member of the average
    mu_bar_.assign(current_.flow.mu.begin(), current_.flow.mu.begin() + steps);
    L_bar_.resize(steps);
    for (int t = 0; t < steps; ++t) {
      L_bar_[t].resize(policy_.pi[t].size());
      for (std::size_t row = 0; row < L_bar_[t].size(); ++row)
        L_bar_[t][row] = mu_bar_[t][row / A] * policy_.pi[t][row];
    }
  }
  // current_ holds the best response to the population π̄ (and its flow), computed with E(π̄).
  const Policy br = greedyPolicy(current_.best_values, A);
  const MeanFieldFlow br_flow = engine_.forward(br, current_.flow, policy_);
  const double w = weight(iteration_ + 1);
  for (int t = 0; t < steps; ++t) {
    auto& L = L_bar_[t];
    auto& mu = mu_bar_[t];
    for (std::size_t s = 0; s < mu.size(); ++s) mu[s] = (1.0 - w) * mu[s] + w * br_flow.mu[t][s];
    for (std::size_t row = 0; row < L.size(); ++row)
      L[row] = (1.0 - w) * L[row] + w * br_flow.mu[t][row / A] * br.pi[t][row];
    auto& pi = policy_.pi[t];
    for (std::size_t s = 0; s < mu.size(); ++s)
      for (std::int64_t a = 0; a < A; ++a)
        pi[s * A + a] = mu[s] > 0.0 ? L[s * A + a] / mu[s] : 1.0 / static_cast<double>(A);
  }
}

}  // namespace mfg
