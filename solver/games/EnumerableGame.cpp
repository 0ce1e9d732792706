#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

int EnumerableGame::jointActionCount() const {
  int n = 1;
  for (int c : actionCounts()) n *= c;
  return n;
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
