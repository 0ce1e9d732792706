// classic/left_right: from the centre, go where the others are not.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class LeftRight final : public BasicModel {
 public:
  explicit LeftRight(ParameterSet p) : BasicModel("classic/left_right", std::move(p)) {
    state_shape_ = {3};  // centre, left, right
    action_shape_ = {2};  // left, right
    steps_ = static_cast<int>(params_.integer("T")) + 1;
    mu0_ = {1.0, 0.0, 0.0};
  }
  void support(std::int64_t, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.assign(1, a + 1);
  }
  void transitions(const MeanFieldView&, std::int64_t, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.assign(1, {a + 1, 1.0});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t) const override {
    if (s == 1) return -v.mu[1];
    if (s == 2) return -2.0 * v.mu[2];
    return 0.0;
  }
};

}  // namespace

ModelInfo leftRight() {
  return {"classic/left_right", "states {centre, left, right}; actions {left, right}; μ0 = (1, 0, 0)",
          {{"T", ParamKind::Integer, {1}, 0, kMaxHorizon, "last decision step (T+1 steps)"}},
          [](ParameterSet p) { return std::make_unique<LeftRight>(std::move(p)); }};
}

}  // namespace mfg::classic
