#pragma once
// games/gems (docs/models.md §5), a mixed-motive gridworld: two players on a 15 × 15 grid collect
// gems of their own colour (+1 each) and, if both stand on purple gems in the same step, both get
// +6. Random respawns, so it is played step by step (a MarkovGame), not enumerated.
//
// The rules, in the order one step applies them (joint action (a0, a1)):
//  1. Player 0's turn, then player 1's turn. In player i's turn:
//     a. B_i = the purple gems on player i's cell before its move (purple gems never move during
//        the turns, so player 0's move changes nothing player 1 sees here);
//     b. player i moves (0: y+1, 1: x+1, 2: y−1, 3: x−1, 4: stay; a move off the grid stays);
//     c. every one of player i's own gems on its cell after the move, in gem order 0, 1, 2, is
//        collected: +1 to player i, one event, and the gem respawns at once, uniformly on
//        {1..14}² (a gem that respawns under the player is not collected again in this step;
//        staying on an own gem counts as being on it after the move). Gems of the other player's
//        colour give nothing.
//     d. A_i = the purple gems on player i's cell after its move. Player i is "on purple" if
//        B_i ∪ A_i is not empty; the purple gems it "stands on" are all of B_i ∪ A_i (a player
//        that moves from one purple gem onto another uses both).
//  2. If both players are on purple: +6 to each (once per player, however many purple gems it
//     stands on); every distinct purple gem of (B_0 ∪ A_0) ∪ (B_1 ∪ A_1) counts one event and
//     respawns uniformly on {1..14}² (a gem used by both players counts and respawns once). If only
//     one is on purple: nothing happens (no reward, no event, no respawn).
//  3. The step counter goes up by one; the step is `terminated` when the event count exceeds 6
//     (checked once, at the end of the step: player 1 still moves in a step in which player 0's
//     collection made the 7th event). The step limit, 45, is not termination: the recorder cuts it.
// Random draws: a cell is drawn as x then y, each with std::uniform_int_distribution<int> on the
// generator passed in. Reset draws 11 cells (22 coordinates) uniformly on {0..14}² in the order
// player 0, player 1, player 0's gems 0..2, player 1's gems 0..2, purple gems 0..2 (overlaps
// allowed). In a step, respawns are drawn in the order they happen: player 0's own gems, player 1's
// own gems, then the purple gems, those of player 0 (B_0 ∪ A_0) by gem index first, then player 1's
// remaining ones by gem index. So the turn order shows in which draw each respawn gets.
// Observation: 5 planes [c][x][y] (shape {5, 15, 15}), 1 where at least one object is:
// c = 0 player 0, 1 player 1, 2 player 0's gems, 3 player 1's gems, 4 purple gems.
#include <array>

#include "solver/games/MarkovGame.hpp"

namespace mfg::games {

struct GemsCell {
  int x = 0, y = 0;
  bool operator==(const GemsCell&) const = default;
};

/// The full state of games/gems.
struct GemsState {
  std::array<GemsCell, 2> players{};
  std::array<std::array<GemsCell, 3>, 2> own{};  ///< own[i][k]: gem k of player i's colour
  std::array<GemsCell, 3> purple{};
  int events = 0;  ///< own gems collected plus distinct purple gems used so far
  int step = 0;    ///< steps played since reset
  bool operator==(const GemsState&) const = default;
};

class Gems final : public MarkovGame {
 public:
  static constexpr int kSize = 15;         ///< cells 0..14 in x and y
  static constexpr int kSteps = 45;        ///< step limit
  static constexpr int kMaxEvents = 6;     ///< terminated once events > kMaxEvents
  static constexpr double kOwnReward = 1.0;
  static constexpr double kPurpleReward = 6.0;
  static constexpr int kRespawnMin = 1;    ///< respawns are uniform on {1..14}²
  enum Action { kYUp = 0, kXUp = 1, kYDown = 2, kXDown = 3, kStay = 4 };

  std::string name() const override { return "gems"; }
  int players() const override { return 2; }
  std::vector<int> actionCounts() const override { return {5, 5}; }
  std::vector<std::int64_t> observationShape() const override { return {5, kSize, kSize}; }
  int stepLimit() const override { return kSteps; }
  bool cooperative() const override { return false; }

  void reset(Rng& rng) override;
  StepResult step(const std::vector<int>& joint, Rng& rng) override;
  void observe(float* out) const override;

  const GemsState& state() const { return state_; }
  /// Sets the whole state (tests); InputError for a cell off the grid or a negative count.
  void setState(const GemsState& s);

  /// Where `action` takes a player standing on `from` (clipped at the border).
  static GemsCell moved(GemsCell from, int action);

 private:
  GemsState state_;
};

}  // namespace mfg::games
