// classic/conservative_treasure_hunting: agents pick a treasure; a crowded state-action
// distribution both blurs the kernel and lowers the reward.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class ConservativeTreasureHunting final : public BasicModel {
 public:
  explicit ConservativeTreasureHunting(ParameterSet p)
      : BasicModel("classic/conservative_treasure_hunting", std::move(p)) {
    n_ = params_.integer("n");
    const auto T = params_.integer("T");
    // r and c default to ones of the right length when n or T change.
    r_ = params_.isDefault("r") ? std::vector<double>(n_, 1.0) : params_.list("r");
    c_ = params_.isDefault("c") ? std::vector<double>(T, 1.0) : params_.list("c");
    if (!params_.isDefault("r")) params_.requireLength("r", n_, "len(r) = n");
    if (!params_.isDefault("c")) params_.requireLength("c", T, "len(c) = T");
    state_shape_ = {n_};
    action_shape_ = {n_};
    steps_ = static_cast<int>(T) + 1;
    uniformInitial();
  }

  bool kernelDependsOnTime() const override { return true; }
  bool kernelDependsOnMeanField() const override { return true; }
  bool usesStateAction() const override { return true; }

  // stats[s] = D_t(s) = Σ_{i,j} (L_t(i,j) - 1{i = j = s})².
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    stats.assign(n_, 0.0);
    for (std::int64_t s = 0; s < n_; ++s)
      for (std::int64_t i = 0; i < n_; ++i)
        for (std::int64_t j = 0; j < n_; ++j) {
          const double d = v.L[i * n_ + j] - ((i == j && j == s) ? 1.0 : 0.0);
          stats[s] += d * d;
        }
  }

  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override {
    denseSupport(n_, cols);
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    if (v.t == 0) {
      out.assign(1, {a, 1.0});
      return;
    }
    const double cD = c_[v.t - 1] * v.stats[s];
    const double denom = 1.0 + static_cast<double>(n_) * cD;
    out.clear();
    for (std::int64_t j = 0; j < n_; ++j) out.push_back({j, cD / denom + (j == a ? 1.0 / denom : 0.0)});
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    if (v.t == 0 || a != s) return 0.0;
    return r_[s] * (1.0 - v.stats[s] / 2.0);
  }

 private:
  std::int64_t n_;
  std::vector<double> r_, c_;
};

}  // namespace

ModelInfo conservativeTreasureHunting() {
  return {"classic/conservative_treasure_hunting",
          "n treasures; crowding of the state-action distribution blurs moves and lowers rewards",
          {{"T", ParamKind::Integer, {5}, 1, kMaxHorizon, "last decision step (T+1 steps)"},
           {"n", ParamKind::Integer, {3}, 1, 10000, "number of states and actions"},
           {"r", ParamKind::RealList, {1, 1, 1}, -1e9, 1e9, "treasure values, len(r) = n (default ones)"},
           {"c", ParamKind::RealList, {1, 1, 1, 1, 1}, 0, 1e9, "congestion per step, len(c) = T (default ones)"}},
          [](ParameterSet p) { return std::make_unique<ConservativeTreasureHunting>(std::move(p)); }};
}

}  // namespace mfg::classic
