// classic/susceptible_infected: going out risks infection in proportion to the infected share.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class SusceptibleInfected final : public BasicModel {
 public:
  explicit SusceptibleInfected(ParameterSet p)
      : BasicModel("classic/susceptible_infected", std::move(p)) {
    state_shape_ = {2};   // S, I
    action_shape_ = {2};  // 0: go out, 1: stay home
    steps_ = static_cast<int>(params_.integer("T")) + 1;
    mu0_ = {0.4, 0.6};
  }
  bool kernelDependsOnMeanField() const override { return true; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override {
    cols = {0, 1};
  }
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    if (s == 1) {
      out = {{0, 0.3}, {1, 0.7}};
    } else if (a == 0) {
      const double p = 0.81 * v.mu[1];
      out = {{0, 1.0 - p}, {1, p}};
    } else {
      out = {{0, 1.0}, {1, 0.0}};
    }
  }
  double reward(const MeanFieldView&, std::int64_t s, std::int64_t a) const override {
    static constexpr double r[2][2] = {{0.0, -0.5}, {-1.0, -1.5}};
    return r[s][a];
  }
};

}  // namespace

ModelInfo susceptibleInfected() {
  return {"classic/susceptible_infected",
          "states {S, I}; actions {go out, stay home}; infection 0.81 μ(I), recovery 0.3; μ0 = (0.4, 0.6)",
          {{"T", ParamKind::Integer, {50}, 0, kMaxHorizon, "last decision step (T+1 steps)"}},
          [](ParameterSet p) { return std::make_unique<SusceptibleInfected>(std::move(p)); }};
}

}  // namespace mfg::classic
