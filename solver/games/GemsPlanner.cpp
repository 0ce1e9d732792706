#include "solver/games/GemsPlanner.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "solver/games/Gems.hpp"

namespace mfg::games {

namespace {

constexpr int N = Gems::kSize;

bool on(const float* obs, int plane, int x, int y) { return obs[(plane * N + x) * N + y] > 0.5f; }

GemsCell find(const float* obs, int plane) {
  for (int x = 0; x < N; ++x)
    for (int y = 0; y < N; ++y)
      if (on(obs, plane, x, y)) return {x, y};
  return {0, 0};
}

int distance(GemsCell a, GemsCell b) { return std::abs(a.x - b.x) + std::abs(a.y - b.y); }

/// A move of `player` from `from` one step closer to `target`, preferring the longer axis and
/// cells without the player's own gems.
int stepToward(const float* obs, int player, GemsCell from, GemsCell target) {
  if (from == target) return Gems::kStay;
  std::vector<int> moves;
  const int dx = target.x - from.x, dy = target.y - from.y;
  if (std::abs(dx) >= std::abs(dy)) {
    if (dx != 0) moves.push_back(dx > 0 ? Gems::kXUp : Gems::kXDown);
    if (dy != 0) moves.push_back(dy > 0 ? Gems::kYUp : Gems::kYDown);
  } else {
    moves.push_back(dy > 0 ? Gems::kYUp : Gems::kYDown);
    if (dx != 0) moves.push_back(dx > 0 ? Gems::kXUp : Gems::kXDown);
  }
  for (int m : moves) {
    const GemsCell to = Gems::moved(from, m);
    if (!on(obs, 2 + player, to.x, to.y)) return m;
  }
  return moves.front();
}

}  // namespace

std::vector<int> gemsPlannerAction(const float* obs) {
  const GemsCell p[2] = {find(obs, 0), find(obs, 1)};
  GemsCell target = p[0];
  int best_far = INT_MAX, best_sum = INT_MAX;
  for (int x = 0; x < N; ++x)
    for (int y = 0; y < N; ++y) {
      if (!on(obs, 4, x, y)) continue;
      const GemsCell g{x, y};
      const int d0 = distance(p[0], g), d1 = distance(p[1], g);
      const int far = std::max(d0, d1), sum = d0 + d1;
      if (far < best_far || (far == best_far && sum < best_sum)) best_far = far, best_sum = sum, target = g;
    }
  return {stepToward(obs, 0, p[0], target), stepToward(obs, 1, p[1], target)};
}

}  // namespace mfg::games
