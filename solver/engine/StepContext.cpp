#include "solver/engine/StepContext.hpp"

#include <algorithm>
#include <limits>

#include "parallel/Collectives.hpp"

namespace mfg {

StepContext::StepContext(const Model& model, const parallel::StateLayout& layout)
    : model_(model), layout_(layout), own_state_only_(model.readsMeanFieldAtOwnStateOnly()) {}

std::span<const double> StepContext::spread(const std::vector<double>& local, int per_state,
                                            std::vector<double>& global) {
  if (layout_.size() == 1) return local;
  if (own_state_only_) {
    // NaN outside the owned states: a model that reads elsewhere despite its declaration gets
    // NaN rewards or kernel rows (which the kernel check rejects) instead of stale numbers.
    const auto n = static_cast<std::size_t>(layout_.globalStates()) * static_cast<std::size_t>(per_state);
    if (global.size() != n) global.assign(n, std::numeric_limits<double>::quiet_NaN());
    std::copy(local.begin(), local.end(), global.begin() + layout_.begin() * per_state);
    return global;
  }
  parallel::allGather(layout_, local, per_state, global);
  return global;
}

const MeanFieldView& StepContext::at(int t, const std::vector<double>& mu, const std::vector<double>* mu_next,
                                     const std::vector<double>& pi, const std::vector<double>& z,
                                     const std::vector<double>* z_next) {
  view_ = MeanFieldView{};
  view_.t = t;
  view_.mu = spread(mu, 1, mu_);
  if (mu_next && model_.rewardUsesNext()) view_.mu_next = spread(*mu_next, 1, mu_next_);
  if (model_.usesStateAction()) {
    const auto A = static_cast<std::size_t>(layout_.actions());
    L_local_.resize(pi.size());
    for (std::size_t s = 0; s < mu.size(); ++s)
      for (std::size_t a = 0; a < A; ++a) L_local_[s * A + a] = mu[s] * pi[s * A + a];
    view_.L = spread(L_local_, static_cast<int>(A), L_);
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
