// classic/beach_bar: a ring-distance bar on a clipped line, crowd aversion via -log μ.
#include "solver/models/BasicModel.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class BeachBar final : public BasicModel {
 public:
  explicit BeachBar(ParameterSet p) : BasicModel("classic/beach_bar", std::move(p)) {
    n_ = params_.integer("n");
    bar_ = params_.integer("bar");
    if (bar_ >= n_)
      throw InputError("parameter 'bar' of model 'classic/beach_bar' = " + std::to_string(bar_) +
                       " is out of range [0, n-1] = [0, " + std::to_string(n_ - 1) + "]");
    p_still_ = params_.real("p_still");
    eps_ = params_.real("eps");
    state_shape_ = {n_};
    action_shape_ = {3};
    steps_ = static_cast<int>(params_.integer("T")) + 1;
    gamma_ = 1.0;
    uniformInitial();
  }

  std::vector<double> actionValues() const override { return {-1, 0, 1}; }  // moves

  void support(std::int64_t s, std::int64_t, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    for (std::int64_t d = -2; d <= 2; ++d) cols.push_back(clampIndex(s + d, 0, n_ - 1));
    normaliseSupport(cols);
  }

  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const double q = (1.0 - p_still_) / 2.0;
    out = {{clampIndex(s + (a - 1) - 1, 0, n_ - 1), q},
           {clampIndex(s + (a - 1), 0, n_ - 1), p_still_},
           {clampIndex(s + (a - 1) + 1, 0, n_ - 1), q}};
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const auto mod = [this](std::int64_t x) { return ((x % n_) + n_) % n_; };
    const double dist = static_cast<double>(std::min(mod(s - bar_), mod(bar_ - s)));
    return -dist - std::abs(static_cast<double>(a - 1)) / static_cast<double>(n_) -
           std::log(v.mu[s] + eps_);
  }

 private:
  std::int64_t n_, bar_;
  double p_still_, eps_;
};

}  // namespace

ModelInfo beachBar() {
  return {"classic/beach_bar",
          "agents on a line {0..n-1} walk towards a bar (ring distance) and avoid crowds",
          {{"T", ParamKind::Integer, {2}, 0, kMaxHorizon, "last decision step (T+1 steps)"},
           {"n", ParamKind::Integer, {4}, 2, 1e7, "number of positions"},
           {"bar", ParamKind::Integer, {2}, 0, 1e7, "bar position, in [0, n-1]"},
           {"p_still", ParamKind::Real, {0.5}, 0, 1, "probability that the noise is 0"},
           {"eps", ParamKind::Real, {1e-20}, 1e-300, 1, "floor inside log(μ + eps)"}},
          [](ParameterSet p) { return std::make_unique<BeachBar>(std::move(p)); }};
}

}  // namespace mfg::classic
