#include "solver/games/Bridge.hpp"

#include <cmath>

namespace mfg::games {

namespace {
// Rows of the map: '1' and '2' are the goals of players 1 and 0, 'B' a wall.
constexpr const char* kMap[Bridge::kRows] = {"1ABBAA", "AAAAAA", "AABBA2"};
}  // namespace

Bridge::Bridge(int steps) : steps_(steps) {}

bool Bridge::isWall(Cell c) { return kMap[c.row][c.col] == 'B'; }

Bridge::Cell Bridge::intended(Cell from, int action) {
  Cell to = from;
  switch (action) {
    case kUp: to.row -= 1; break;
    case kDown: to.row += 1; break;
    case kRight: to.col += 1; break;
    case kLeft: to.col -= 1; break;
    default: break;
  }
  if (to.row < 0 || to.row >= kRows || to.col < 0 || to.col >= kCols || isWall(to)) return from;
  return to;
}

Transition Bridge::transition(int state, const std::vector<int>& joint) const {
  const std::array<Cell, 2> from{position(state, 0), position(state, 1)};
  const std::array<bool, 2> was_done{from[0] == kGoal[0], from[1] == kGoal[1]};
  std::array<Cell, 2> to{};
  for (int i = 0; i < 2; ++i) to[i] = was_done[i] ? from[i] : intended(from[i], joint.at(i));

  // Conflicts are resolved together: entering the same cell or swapping cells fails for both
  // players, except that a player moving into its own goal always succeeds.
  const bool same_cell = to[0] == to[1];
  const bool swap = to[0] == from[1] && to[1] == from[0] && !(to[0] == from[0]);
  if (same_cell || swap) {
    for (int i = 0; i < 2; ++i) {
      const bool into_own_goal = !was_done[i] && to[i] == kGoal[i] && !(from[i] == kGoal[i]);
      if (!into_own_goal) to[i] = from[i];
    }
  }

  Transition t;
  t.next = stateOf(to[0], to[1]);
  const bool both_done = to[0] == kGoal[0] && to[1] == kGoal[1];
  double team = 0.0;
  if (!both_done) {
    for (int i = 0; i < 2; ++i) {
      if (was_done[i]) continue;  // done players add 0
      const double dr = to[i].row - kGoal[i].row, dc = to[i].col - kGoal[i].col;
      team += -0.1 * std::sqrt(dr * dr + dc * dc);
    }
    team /= 2.0;
  }
  t.rewards = {team, team};
  t.terminated = both_done;
  return t;
}

void Bridge::observation(int state, float* out) const {
  for (int i = 0; i < 2; ++i) {
    const Cell p = position(state, i);
    out[4 * i + 0] = static_cast<float>(p.row);
    out[4 * i + 1] = static_cast<float>(p.col);
    out[4 * i + 2] = static_cast<float>(kGoal[i].row);
    out[4 * i + 3] = static_cast<float>(kGoal[i].col);
  }
}

}  // namespace mfg::games
