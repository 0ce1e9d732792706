#include "solver/engine/StepContext.hpp"

#include "parallel/Collectives.hpp"

namespace mfg {

StepContext::StepContext(const Model& model, const parallel::StateLayout& layout)
    : model_(model), layout_(layout) {}

const MeanFieldView& StepContext::at(int t, const MeanFieldFlow& flow, const Policy& population,
                                     bool with_next) {
  parallel::allGather(layout_, flow.mu[t], 1, mu_);
  view_ = MeanFieldView{};
  view_.t = t;
  view_.mu = mu_;
  if (with_next && model_.rewardUsesNext()) {
    parallel::allGather(layout_, flow.mu[t + 1], 1, mu_next_);
    view_.mu_next = mu_next_;
  }
  if (model_.usesStateAction()) {
    const auto A = layout_.actions();
    const auto& pi = population.pi[t];
    L_local_.resize(pi.size());
    for (std::size_t row = 0; row < pi.size(); ++row) L_local_[row] = flow.mu[t][row / A] * pi[row];
    parallel::allGather(layout_, L_local_, static_cast<int>(A), L_);
    view_.L = L_;
  }
  model_.aggregate(view_, stats_);
  view_.stats = stats_;
  return view_;
}

}  // namespace mfg
