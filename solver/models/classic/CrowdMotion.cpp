// classic/crowd_motion: a crowd on a clipped 2-D grid drawn to a (possibly moving) bar.
#include <array>

#include "solver/models/BasicModel.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

constexpr std::int64_t kMoves[5][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {0, 0}};

class CrowdMotion final : public BasicModel {
 public:
  explicit CrowdMotion(ParameterSet p) : BasicModel("classic/crowd_motion", std::move(p)) {
    length_ = params_.integer("length");
    width_ = params_.integer("width");
    c_ = params_.real("c");
    eps_ = params_.real("eps");
    p_still_ = params_.real("p_still");
    const auto T = params_.integer("T");
    steps_ = static_cast<int>(T) + 1;
    const auto& bars = params_.list("bars");
    if (bars.empty()) {
      bars_.assign(steps_, {length_ / 2, width_ / 2});
    } else {
      params_.requireLength("bars", 2 * static_cast<std::size_t>(steps_),
                            "one (x, y) pair per decision step t = 0..T");
      for (int t = 0; t < steps_; ++t) {
        const auto bx = static_cast<std::int64_t>(bars[2 * t]), by = static_cast<std::int64_t>(bars[2 * t + 1]);
        if (bx >= length_ || by >= width_)
          throw InputError("parameter 'bars' of model 'classic/crowd_motion': bar (" +
                           std::to_string(bx) + ", " + std::to_string(by) + ") at t = " +
                           std::to_string(t) + " is outside the grid [0, " +
                           std::to_string(length_ - 1) + "] x [0, " + std::to_string(width_ - 1) + "]");
        bars_.push_back({bx, by});
      }
    }
    state_shape_ = {length_, width_};
    action_shape_ = {5};
    uniformInitial();
  }

  std::int64_t move(std::int64_t s, int a, int e) const {
    const std::int64_t x = clampIndex(s / width_ + kMoves[a][0] + kMoves[e][0], 0, length_ - 1);
    const std::int64_t y = clampIndex(s % width_ + kMoves[a][1] + kMoves[e][1], 0, width_ - 1);
    return x * width_ + y;
  }

  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    for (int e = 0; e < 5; ++e) cols.push_back(move(s, static_cast<int>(a), e));
    normaliseSupport(cols);
  }

  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const double q = (1.0 - p_still_) / 4.0;
    out.clear();
    for (int e = 0; e < 5; ++e) out.push_back({move(s, static_cast<int>(a), e), e == 4 ? p_still_ : q});
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t) const override {
    const auto& bar = bars_[v.t];
    const double dist = static_cast<double>(std::abs(s / width_ - bar[0]) + std::abs(s % width_ - bar[1]));
    return c_ * (1.0 - dist / static_cast<double>(length_ + width_)) - std::log(v.mu[s] + eps_);
  }

  // The reward does not depend on the action: one logarithm per state instead of one per row,
  // and the grid point (x, y) is stepped along instead of divided out of s. Same arithmetic as
  // reward(), so the same bits.
  void rewardBlock(const MeanFieldView& v, std::int64_t first, std::int64_t last, double* out) const override {
    const auto& bar = bars_[v.t];
    const double span = static_cast<double>(length_ + width_);
    std::int64_t x = first / width_, y = first % width_;
    for (std::int64_t s = first; s < last; ++s) {
      const double dist = static_cast<double>(std::abs(x - bar[0]) + std::abs(y - bar[1]));
      const double r = c_ * (1.0 - dist / span) - std::log(v.mu[s] + eps_);
      for (int a = 0; a < 5; ++a) *out++ = r;
      if (++y == width_) {
        y = 0;
        ++x;
      }
    }
  }

  // The reward of s reads μ_t(s) alone; the kernel reads no mean field.
  bool readsMeanFieldAtOwnStateOnly() const override { return true; }

 private:
  std::int64_t length_, width_;
  double c_, eps_, p_still_;
  std::vector<std::array<std::int64_t, 2>> bars_;
};

}  // namespace

ModelInfo crowdMotion() {
  return {"classic/crowd_motion",
          "crowd on a length x width grid (clipped) attracted to a bar, averse to density",
          {{"T", ParamKind::Integer, {3}, 0, kMaxHorizon, "last decision step (T+1 steps)"},
           {"length", ParamKind::Integer, {20}, 1, 1e7, "grid length (x)"},
           {"width", ParamKind::Integer, {20}, 1, 1e7, "grid width (y)"},
           {"c", ParamKind::Real, {10.0}, -1e9, 1e9, "bar attraction"},
           {"eps", ParamKind::Real, {1e-10}, 1e-300, 1, "floor inside log(μ + eps)"},
           {"p_still", ParamKind::Real, {0.5}, 0, 1, "probability that the noise is (0,0)"},
           {"bars", ParamKind::IntegerList, {}, 0, 1e7,
            "per-step bar positions [x0, y0, x1, y1, ...] for t = 0..T (default: grid centre (length/2, width/2))"}},
          [](ParameterSet p) { return std::make_unique<CrowdMotion>(std::move(p)); }};
}

}  // namespace mfg::classic
