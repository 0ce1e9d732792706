#pragma once
// Games small enough to enumerate: finitely many states numbered 0..stateCount()-1 and
// deterministic transitions. The exact solver (JointDynamicProgramming) and the exact evaluation of
// learned policies work on this view; EnumeratedMarkovGame plays it as a MarkovGame.
#include <memory>
#include <vector>

#include "solver/games/MarkovGame.hpp"

namespace mfg::games {

struct Transition {
  int next = 0;
  std::vector<double> rewards;  ///< one per player
  bool terminated = false;
};

class EnumerableGame {
 public:
  virtual ~EnumerableGame() = default;
  virtual std::string name() const = 0;
  virtual int players() const = 0;
  virtual std::vector<int> actionCounts() const = 0;
  virtual std::vector<std::int64_t> observationShape() const = 0;
  virtual int stepLimit() const = 0;
  virtual bool cooperative() const = 0;
  virtual int stateCount() const = 0;
  virtual int initialState() const = 0;
  virtual Transition transition(int state, const std::vector<int>& joint) const = 0;
  virtual void observation(int state, float* out) const = 0;

  std::int64_t observationSize() const { return elementCount(observationShape()); }
  /// Number of joint actions, the product of the action counts.
  int jointActionCount() const;
  /// Joint action of a flat index (player 0 slowest) and back.
  std::vector<int> jointAction(int flat) const { return decodeJointAction(flat, actionCounts()); }
  int flatJointAction(const std::vector<int>& joint) const { return encodeJointAction(joint, actionCounts()); }
};

/// Plays an EnumerableGame step by step.
class EnumeratedMarkovGame final : public MarkovGame {
 public:
  explicit EnumeratedMarkovGame(std::shared_ptr<const EnumerableGame> game);
  std::string name() const override { return game_->name(); }
  int players() const override { return game_->players(); }
  std::vector<int> actionCounts() const override { return game_->actionCounts(); }
  std::vector<std::int64_t> observationShape() const override { return game_->observationShape(); }
  int stepLimit() const override { return game_->stepLimit(); }
  bool cooperative() const override { return game_->cooperative(); }
  void reset(Rng&) override { state_ = game_->initialState(); }
  StepResult step(const std::vector<int>& joint, Rng&) override;
  void observe(float* out) const override { game_->observation(state_, out); }
  int state() const { return state_; }
  const EnumerableGame& enumerable() const { return *game_; }

 private:
  std::shared_ptr<const EnumerableGame> game_;
  int state_ = 0;
};

}  // namespace mfg::games
