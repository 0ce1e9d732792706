#include "solver/games/MatrixGame.hpp"

#include <fmt/core.h>

#include "solver/models/InputError.hpp"

namespace mfg::games {

MatrixGame::MatrixGame(std::string name, std::vector<std::vector<double>> payoff, int steps)
    : name_(std::move(name)), payoff_(std::move(payoff)), steps_(steps) {
  if (payoff_.empty() || steps_ < 1) throw InputError(fmt::format("{}: empty payoff or steps < 1", name_));
  for (const auto& row : payoff_)
    if (row.size() != payoff_.front().size()) throw InputError(fmt::format("{}: ragged payoff matrix", name_));
}

// games/xor (docs/models.md §5): AA 0, AB = BA 1, BB −2; optimum AB or BA.
MatrixGame MatrixGame::xorGame(int steps) { return MatrixGame("xor", {{0.0, 1.0}, {1.0, -2.0}}, steps); }

// games/mne: two optimal equilibria (0,0) and (3,3) paying 1; miscoordination is punished,
// harder when player 0 picks 0 or player 1 picks 3 against something else.
MatrixGame MatrixGame::multipleEquilibria(int steps) {
  return MatrixGame("mne",
                    {{1.0, -2.0, -2.0, -2.0},
                     {-1.0, 0.0, 0.0, -2.0},
                     {-1.0, 0.0, 0.0, -2.0},
                     {-1.0, -1.0, -1.0, 1.0}},
                    steps);
}

std::vector<int> MatrixGame::actionCounts() const {
  return {static_cast<int>(payoff_.size()), static_cast<int>(payoff_.front().size())};
}

Transition MatrixGame::transition(int, const std::vector<int>& joint) const {
  const double r = payoff_.at(joint.at(0)).at(joint.at(1));
  return {0, {r, r}, false};
}

}  // namespace mfg::games
