#pragma once
// Repeated two-player matrix games with a team payoff (games/xor, games/mne): one state, observed
// as the single number 0; every step pays both players R(a0, a1); episodes of a fixed length.
#include <string>
#include <vector>

#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

class MatrixGame final : public EnumerableGame {
 public:
  /// payoff[a0][a1]; `steps` is the episode length.
  MatrixGame(std::string name, std::vector<std::vector<double>> payoff, int steps);
  static MatrixGame xorGame(int steps = 50);
  static MatrixGame multipleEquilibria(int steps = 50);

  std::string name() const override { return name_; }
  int players() const override { return 2; }
  std::vector<int> actionCounts() const override;
  std::vector<std::int64_t> observationShape() const override { return {1}; }
  int stepLimit() const override { return steps_; }
  bool cooperative() const override { return true; }
  int stateCount() const override { return 1; }
  int initialState() const override { return 0; }
  Transition transition(int state, const std::vector<int>& joint) const override;
  void observation(int, float* out) const override { out[0] = 0.0f; }
  double payoff(int a0, int a1) const { return payoff_[a0][a1]; }

 private:
  std::string name_;
  std::vector<std::vector<double>> payoff_;
  int steps_;
};

}  // namespace mfg::games
