// classic/rock_paper_scissors: a weighted rock-paper-scissors population game.
#include "solver/models/BasicModel.hpp"
#include "solver/models/classic/ClassicModels.hpp"

namespace mfg::classic {
namespace {

class RockPaperScissors final : public BasicModel {
 public:
  explicit RockPaperScissors(ParameterSet p) : BasicModel("classic/rock_paper_scissors", std::move(p)) {
    state_shape_ = {4};  // start, rock, paper, scissors
    action_shape_ = {3};
    steps_ = static_cast<int>(params_.integer("T")) + 1;
    mu0_ = {1.0, 0.0, 0.0, 0.0};
  }
  void support(std::int64_t, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.assign(1, a + 1);
  }
  void transitions(const MeanFieldView&, std::int64_t, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.assign(1, {a + 1, 1.0});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t) const override {
    const double rock = v.mu[1], paper = v.mu[2], scissors = v.mu[3];
    switch (s) {
      case 1: return 2.0 * scissors - paper;
      case 2: return 4.0 * rock - 2.0 * scissors;
      case 3: return 6.0 * paper - 3.0 * rock;
      default: return 0.0;
    }
  }
};

}  // namespace

ModelInfo rockPaperScissors() {
  return {"classic/rock_paper_scissors",
          "states {start, rock, paper, scissors}; action k moves to state k+1; μ0 = (1, 0, 0, 0)",
          {{"T", ParamKind::Integer, {1}, 0, kMaxHorizon, "last decision step (T+1 steps)"}},
          [](ParameterSet p) { return std::make_unique<RockPaperScissors>(std::move(p)); }};
}

}  // namespace mfg::classic
