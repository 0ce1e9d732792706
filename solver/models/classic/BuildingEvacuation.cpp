// classic/building_evacuation: floors of a building, stairs down at (0,0), up at the far corner.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class BuildingEvacuation final : public BasicModel {
 public:
  explicit BuildingEvacuation(ParameterSet p)
      : BasicModel("classic/building_evacuation", std::move(p)) {
    floors_ = params_.integer("floors");
    length_ = params_.integer("length");
    width_ = params_.integer("width");
    eta_ = params_.real("eta");
    evac_ = params_.real("evac_reward");
    eps_ = params_.real("eps");
    state_shape_ = {floors_, length_, width_};
    action_shape_ = {6};
    steps_ = static_cast<int>(params_.integer("T")) + 1;
    uniformInitial();
  }

  std::int64_t next(std::int64_t s, std::int64_t a) const {
    std::int64_t f = s / (length_ * width_), x = (s / width_) % length_, y = s % width_;
    switch (a) {
      case 0: x = std::min(x + 1, length_ - 1); break;
      case 1: x = std::max(x - 1, std::int64_t{0}); break;
      case 2: y = std::max(y - 1, std::int64_t{0}); break;
      case 3: y = std::min(y + 1, width_ - 1); break;
      case 4: if (x == 0 && y == 0 && f > 0) --f; break;
      case 5: if (x == length_ - 1 && y == width_ - 1 && f < floors_ - 1) ++f; break;
    }
    return (f * length_ + x) * width_ + y;
  }

  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.assign(1, next(s, a));
  }
  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.assign(1, {next(s, a), 1.0});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t) const override {
    const bool ground = s < length_ * width_;
    return -eta_ * std::log(std::max(v.mu[s], eps_)) + (ground ? evac_ : 0.0);
  }

 private:
  std::int64_t floors_, length_, width_;
  double eta_, evac_, eps_;
};

}  // namespace

ModelInfo buildingEvacuation() {
  return {"classic/building_evacuation",
          "crowd leaving a multi-floor building by the stairs; state (floor, x, y)",
          {{"T", ParamKind::Integer, {3}, 0, kMaxHorizon, "last decision step (T+1 steps)"},
           {"floors", ParamKind::Integer, {5}, 1, 1e6, "number of floors"},
           {"length", ParamKind::Integer, {10}, 1, 1e6, "floor length (x)"},
           {"width", ParamKind::Integer, {10}, 1, 1e6, "floor width (y)"},
           {"eta", ParamKind::Real, {1.0}, 0, 1e6, "crowd aversion weight"},
           {"evac_reward", ParamKind::Real, {10.0}, -1e9, 1e9, "reward per step on the ground floor"},
           {"eps", ParamKind::Real, {1e-20}, 1e-300, 1, "floor inside log(max(μ, eps))"}},
          [](ParameterSet p) { return std::make_unique<BuildingEvacuation>(std::move(p)); }};
}

}  // namespace mfg::classic
