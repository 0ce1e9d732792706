#pragma once
// games/bridge (docs/models.md §5): two players cross a one-lane bridge in opposite directions on a
// 3 × 6 grid; one has to step aside for the other. Deterministic and cooperative; a state is the
// pair of positions (a player standing on its goal is done and frozen there).
#include <array>

#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

class Bridge final : public EnumerableGame {
 public:
  static constexpr int kRows = 3, kCols = 6, kCells = kRows * kCols;
  enum Action { kStay = 0, kUp = 1, kDown = 2, kRight = 3, kLeft = 4 };
  struct Cell {
    int row = 0, col = 0;
    bool operator==(const Cell&) const = default;
  };

  explicit Bridge(int steps = 50);

  std::string name() const override { return "bridge"; }
  int players() const override { return 2; }
  std::vector<int> actionCounts() const override { return {5, 5}; }
  std::vector<std::int64_t> observationShape() const override { return {8}; }
  int stepLimit() const override { return steps_; }
  bool cooperative() const override { return true; }
  int stateCount() const override { return kCells * kCells; }
  int initialState() const override { return stateOf(kStart[0], kStart[1]); }
  Transition transition(int state, const std::vector<int>& joint) const override;
  void observation(int state, float* out) const override;

  static bool isWall(Cell c);
  static int stateOf(Cell p0, Cell p1) { return cellIndex(p0) * kCells + cellIndex(p1); }
  static Cell position(int state, int player) {
    return cellOf(player == 0 ? state / kCells : state % kCells);
  }
  static bool done(int state, int player) { return position(state, player) == kGoal[player]; }
  /// Where a move would take a player on an empty grid (a wall or the border: it stays).
  static Cell intended(Cell from, int action);

  static constexpr std::array<Cell, 2> kStart{Cell{1, 2}, Cell{1, 3}};
  static constexpr std::array<Cell, 2> kGoal{Cell{2, 5}, Cell{0, 0}};

 private:
  static int cellIndex(Cell c) { return c.row * kCols + c.col; }
  static Cell cellOf(int i) { return {i / kCols, i % kCols}; }
  int steps_;
};

}  // namespace mfg::games
