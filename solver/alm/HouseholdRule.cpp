#include "solver/alm/HouseholdRule.hpp"

#include <algorithm>

#include "solver/models/InputError.hpp"

namespace mfg::alm {

void shareLottery(const std::vector<double>& shares, double share, double* pi) {
  const std::size_t n = shares.size();
  std::fill(pi, pi + n, 0.0);
  if (!(share > shares.front())) {
    pi[0] = 1.0;
    return;
  }
  if (!(share < shares.back())) {
    pi[n - 1] = 1.0;
    return;
  }
  const auto hi = static_cast<std::size_t>(std::upper_bound(shares.begin(), shares.end(), share) - shares.begin());
  const double w = (share - shares[hi - 1]) / (shares[hi] - shares[hi - 1]);
  pi[hi - 1] = 1.0 - w;
  pi[hi] = w;
}

PolicyTable householdRule(const Model& model, std::shared_ptr<const HouseholdPolicy> policy) {
  if (model.name() != "krusell_smith")
    throw InputError("a household policy of `mfg solve-alm` can only be certified on krusell_smith, not on " +
                     model.name());
  auto economy = std::make_shared<const Economy>(Economy::of(model.parameters()));
  if (economy->capital != policy->capital())
    throw InputError("the household policy was solved on another capital grid than this model's (capital_points, "
                     "capital_max and capital_curvature must be the same as in `mfg solve-alm`)");
  const auto shares = model.actionValues();
  return PolicyTable::rule([economy, policy, shares](const ExactEngine& engine) {
    struct Aggregate {
      int z = 0;
      double K = 0.0;
    };
    auto seen = std::make_shared<std::vector<Aggregate>>(engine.tree().size());
    const auto& layout = engine.layout();
    ExactEngine::LevelRule rule;
    rule.observe = [economy, seen](int node, const MeanFieldView& view) {
      double K = 0.0;
      for (std::size_t s = 0; s < view.mu.size(); ++s) K += view.mu[s] * economy->capital[s / 2];
      (*seen)[static_cast<std::size_t>(node)] = {economy->regime(view.z[0]), K};
    };
    rule.decide = [economy, policy, shares, seen, &layout](int, const std::vector<int>& nodes, Policy& decided) {
      const auto A = static_cast<std::size_t>(layout.actions());
      for (int node : nodes) {
        const auto [zi, K] = (*seen)[static_cast<std::size_t>(node)];
        const Prices p = economy->prices(zi, K);
        const auto b = policy->bracket(K);
        auto& pi = decided.pi[static_cast<std::size_t>(node)];
        pi.assign(static_cast<std::size_t>(layout.localRows()), 0.0);
        for (auto s = layout.begin(); s < layout.end(); ++s) {
          const auto i = static_cast<std::size_t>(s / 2);
          const int eps = static_cast<int>(s % 2);
          const double x = economy->cashOnHand(p, economy->capital[i], eps);
          // With nothing to spend every share gives c = k' = 0; the largest share is as good as any.
          const double share = x > 0.0 ? 1.0 - policy->next(zi, b, i, eps) / x : 1.0;
          shareLottery(shares, share, pi.data() + static_cast<std::size_t>(s - layout.begin()) * A);
        }
      }
    };
    return rule;
  });
}

}  // namespace mfg::alm
