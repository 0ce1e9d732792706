#include "solver/engine/StepContext.hpp"

#include "parallel/Collectives.hpp"

namespace mfg {

StepContext::StepContext(const Model& model, const parallel::StateLayout& layout)
    : model_(model), layout_(layout) {}

const MeanFieldView& StepContext::at(int t, const std::vector<double>& mu, const std::vector<double>* mu_next,
                                     const std::vector<double>& pi, const std::vector<double>& z,
                                     const std::vector<double>* z_next) {
  parallel::allGather(layout_, mu, 1, mu_);
  view_ = MeanFieldView{};
  view_.t = t;
  view_.mu = mu_;
  if (mu_next && model_.rewardUsesNext()) {
    parallel::allGather(layout_, *mu_next, 1, mu_next_);
    view_.mu_next = mu_next_;
  }
  if (model_.usesStateAction()) {
    const auto A = layout_.actions();
    L_local_.resize(pi.size());
    for (std::size_t row = 0; row < pi.size(); ++row) L_local_[row] = mu[row / A] * pi[row];
    parallel::allGather(layout_, L_local_, static_cast<int>(A), L_);
    view_.L = L_;
  }
  z_ = z;
  view_.z = z_;
  if (z_next) {
    z_next_ = *z_next;
    view_.z_next = z_next_;
  }
  model_.aggregate(view_, stats_);
  view_.stats = stats_;
  return view_;
}

}  // namespace mfg
