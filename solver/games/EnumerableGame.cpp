#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

int EnumerableGame::jointActionCount() const {
  int n = 1;
  for (int c : actionCounts()) n *= c;
  return n;
}

std::vector<int> EnumerableGame::jointAction(int flat) const {
  const auto counts = actionCounts();
  std::vector<int> joint(counts.size());
  for (int i = static_cast<int>(counts.size()) - 1; i >= 0; --i) {
    joint[i] = flat % counts[i];
    flat /= counts[i];
  }
  return joint;
}

int EnumerableGame::flatJointAction(const std::vector<int>& joint) const {
  const auto counts = actionCounts();
  int flat = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) flat = flat * counts[i] + joint[i];
  return flat;
}

EnumeratedMarkovGame::EnumeratedMarkovGame(std::shared_ptr<const EnumerableGame> game)
    : game_(std::move(game)), state_(game_->initialState()) {}

StepResult EnumeratedMarkovGame::step(const std::vector<int>& joint, Rng&) {
  checkJointAction(joint);
  Transition t = game_->transition(state_, joint);
  state_ = t.next;
  return {std::move(t.rewards), t.terminated};
}

}  // namespace mfg::games
