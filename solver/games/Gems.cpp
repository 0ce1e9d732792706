#include "solver/games/Gems.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "solver/models/InputError.hpp"

namespace mfg::games {

namespace {

/// A cell drawn uniformly on {lo..14}²: x first, then y.
GemsCell drawCell(Rng& rng, int lo) {
  std::uniform_int_distribution<int> coordinate(lo, Gems::kSize - 1);
  GemsCell c;
  c.x = coordinate(rng);
  c.y = coordinate(rng);
  return c;
}

bool onGrid(GemsCell c) { return c.x >= 0 && c.x < Gems::kSize && c.y >= 0 && c.y < Gems::kSize; }

}  // namespace

GemsCell Gems::moved(GemsCell from, int action) {
  GemsCell to = from;
  switch (action) {
    case kYUp: to.y += 1; break;
    case kXUp: to.x += 1; break;
    case kYDown: to.y -= 1; break;
    case kXDown: to.x -= 1; break;
    default: break;
  }
  return onGrid(to) ? to : from;
}

void Gems::reset(Rng& rng) {
  GemsState s;
  for (auto& p : s.players) p = drawCell(rng, 0);
  for (auto& colour : s.own)
    for (auto& g : colour) g = drawCell(rng, 0);
  for (auto& g : s.purple) g = drawCell(rng, 0);
  state_ = s;
}

void Gems::setState(const GemsState& s) {
  auto check = [](GemsCell c, const std::string& what) {
    if (!onGrid(c))
      throw InputError(fmt::format("gems: {} at ({}, {}) is off the grid (x, y in [0, {}])", what, c.x, c.y, kSize - 1));
  };
  for (int i = 0; i < 2; ++i) {
    check(s.players[i], fmt::format("player {}", i));
    for (int k = 0; k < 3; ++k) check(s.own[i][k], fmt::format("gem {} of player {}", k, i));
  }
  for (int k = 0; k < 3; ++k) check(s.purple[k], fmt::format("purple gem {}", k));
  if (s.events < 0 || s.step < 0)
    throw InputError(fmt::format("gems: events ({}) and step ({}) must not be negative", s.events, s.step));
  state_ = s;
}

StepResult Gems::step(const std::vector<int>& joint, Rng& rng) {
  checkJointAction(joint);
  GemsState& s = state_;
  StepResult r;
  r.rewards.assign(2, 0.0);
  // used[i][k]: purple gem k lies under player i before or after its move.
  std::array<std::array<bool, 3>, 2> used{};
  std::array<bool, 2> onPurple{};
  for (int i = 0; i < 2; ++i) {
    auto markPurple = [&](GemsCell at) {
      for (int k = 0; k < 3; ++k)
        if (s.purple[k] == at) used[i][k] = onPurple[i] = true;
    };
    markPurple(s.players[i]);  // before the move
    s.players[i] = moved(s.players[i], joint[i]);
    for (auto& gem : s.own[i])
      if (gem == s.players[i]) {
        r.rewards[i] += kOwnReward;
        ++s.events;
        gem = drawCell(rng, kRespawnMin);
      }
    markPurple(s.players[i]);  // after the move
  }
  if (onPurple[0] && onPurple[1]) {
    r.rewards[0] += kPurpleReward;
    r.rewards[1] += kPurpleReward;
    std::array<bool, 3> respawned{};
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 3; ++k)
        if (used[i][k] && !respawned[k]) {
          respawned[k] = true;
          ++s.events;
          s.purple[k] = drawCell(rng, kRespawnMin);
        }
  }
  ++s.step;
  r.terminated = s.events > kMaxEvents;
  return r;
}

void Gems::observe(float* out) const {
  constexpr int plane = kSize * kSize;
  std::fill_n(out, 5 * plane, 0.0f);
  auto mark = [&](int c, GemsCell at) { out[c * plane + at.x * kSize + at.y] = 1.0f; };
  mark(0, state_.players[0]);
  mark(1, state_.players[1]);
  for (int i = 0; i < 2; ++i)
    for (const auto& g : state_.own[i]) mark(2 + i, g);
  for (const auto& g : state_.purple) mark(4, g);
}

}  // namespace mfg::games
