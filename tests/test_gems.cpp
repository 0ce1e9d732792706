// games/gems against the rules of docs/models.md §5 and the details Gems.hpp fixes, on hand-built
// states: own gems, purple gems, turn order (seen in the order of the respawn draws), border
// clipping, respawn range, event count and termination, the step limit, observation planes, reset.
#define BOOST_TEST_MODULE gems
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <set>

#include "solver/games/Datasets.hpp"
#include "solver/games/Gems.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/models/InputError.hpp"

using namespace mfg::games;
using Cell = GemsCell;

namespace {

constexpr int S = Gems::kStay, XUP = Gems::kXUp, XDOWN = Gems::kXDown, YUP = Gems::kYUp, YDOWN = Gems::kYDown;

/// A state where nothing is under or next to the players: players at (2,2) and (12,2), every gem
/// in a far corner region (own gems of player 0 along y = 14, player 1's along y = 13, purple
/// along y = 12, all at x ≥ 10).
GemsState quiet() {
  GemsState s;
  s.players = {Cell{2, 2}, Cell{12, 2}};
  s.own[0] = {Cell{10, 14}, Cell{11, 14}, Cell{12, 14}};
  s.own[1] = {Cell{10, 13}, Cell{11, 13}, Cell{12, 13}};
  s.purple = {Cell{10, 11}, Cell{11, 11}, Cell{12, 11}};
  return s;
}

Cell draw(Rng& rng, int lo) {
  std::uniform_int_distribution<int> c(lo, 14);
  Cell out;
  out.x = c(rng);
  out.y = c(rng);
  return out;
}

bool inRespawnRange(Cell c) { return c.x >= 1 && c.x <= 14 && c.y >= 1 && c.y <= 14; }

struct Played {
  StepResult result;
  GemsState before, after;
};

Played play(const GemsState& s, int a0, int a1, Rng& rng) {
  Gems g;
  g.setState(s);
  Played p;
  p.before = s;
  p.result = g.step({a0, a1}, rng);
  p.after = g.state();
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(interface_and_registry) {
  Gems g;
  BOOST_TEST(g.name() == "gems");
  BOOST_TEST(g.players() == 2);
  BOOST_TEST((g.actionCounts() == std::vector<int>{5, 5}));
  BOOST_TEST((g.observationShape() == std::vector<std::int64_t>{5, 15, 15}));
  BOOST_TEST(g.observationSize() == 5 * 15 * 15);
  BOOST_TEST(g.stepLimit() == 45);
  BOOST_TEST(!g.cooperative());
  auto made = makeGame("games/gems");
  BOOST_TEST(made->name() == "gems");
  BOOST_TEST(dynamic_cast<Gems*>(made.get()) != nullptr);
  BOOST_CHECK_THROW(makeEnumerableGame("gems"), mfg::InputError);
  bool listed = false;
  for (const auto& [n, d] : gameNames()) listed = listed || n == "gems";
  BOOST_TEST(listed);
  Rng rng(1);
  g.setState(quiet());
  BOOST_CHECK_THROW(g.step({0, 5}, rng), mfg::InputError);
  BOOST_CHECK_THROW(g.step({-1, 0}, rng), mfg::InputError);
  BOOST_CHECK_THROW(g.step({0}, rng), mfg::InputError);
  GemsState bad = quiet();
  bad.purple[2] = Cell{3, 15};
  BOOST_CHECK_THROW(g.setState(bad), mfg::InputError);
  bad = quiet();
  bad.players[1] = Cell{-1, 0};
  BOOST_CHECK_THROW(g.setState(bad), mfg::InputError);
  BOOST_TEST((g.state() == quiet()));  // a rejected state leaves the old one
}

BOOST_AUTO_TEST_CASE(actions_move_as_specified_and_clip_at_the_border) {
  BOOST_TEST((Gems::moved({5, 5}, 0) == Cell{5, 6}));
  BOOST_TEST((Gems::moved({5, 5}, 1) == Cell{6, 5}));
  BOOST_TEST((Gems::moved({5, 5}, 2) == Cell{5, 4}));
  BOOST_TEST((Gems::moved({5, 5}, 3) == Cell{4, 5}));
  BOOST_TEST((Gems::moved({5, 5}, 4) == Cell{5, 5}));
  // Corners: off the grid stays, along the border still moves.
  BOOST_TEST((Gems::moved({0, 0}, YDOWN) == Cell{0, 0}));
  BOOST_TEST((Gems::moved({0, 0}, XDOWN) == Cell{0, 0}));
  BOOST_TEST((Gems::moved({0, 0}, YUP) == Cell{0, 1}));
  BOOST_TEST((Gems::moved({14, 14}, YUP) == Cell{14, 14}));
  BOOST_TEST((Gems::moved({14, 14}, XUP) == Cell{14, 14}));
  BOOST_TEST((Gems::moved({14, 14}, XDOWN) == Cell{13, 14}));
  BOOST_TEST((Gems::moved({0, 14}, YUP) == Cell{0, 14}));
  BOOST_TEST((Gems::moved({14, 0}, XUP) == Cell{14, 0}));

  // Through step: both players push against the border.
  GemsState s = quiet();
  s.players = {Cell{0, 7}, Cell{14, 0}};
  Rng rng(3);
  Played p = play(s, XDOWN, YDOWN, rng);
  BOOST_TEST((p.after.players[0] == Cell{0, 7}));
  BOOST_TEST((p.after.players[1] == Cell{14, 0}));
  p = play(s, YUP, XDOWN, rng);
  BOOST_TEST((p.after.players[0] == Cell{0, 8}));
  BOOST_TEST((p.after.players[1] == Cell{13, 0}));
  BOOST_TEST(p.result.rewards[0] == 0.0);
  BOOST_TEST(p.result.rewards[1] == 0.0);
  BOOST_TEST(p.after.step == 1);
  BOOST_TEST(p.after.events == 0);
}

BOOST_AUTO_TEST_CASE(own_gem_pays_one_and_respawns_other_colour_pays_nothing) {
  GemsState s = quiet();
  s.own[0][1] = Cell{3, 2};  // player 0 steps onto its gem 1
  s.own[1][0] = Cell{2, 3};  // a gem of player 1's colour right above player 0
  Rng rng(11);
  Rng copy = rng;
  Played p = play(s, XUP, S, rng);
  BOOST_TEST(p.result.rewards[0] == 1.0);
  BOOST_TEST(p.result.rewards[1] == 0.0);
  BOOST_TEST(p.after.events == 1);
  BOOST_TEST(!p.result.terminated);
  BOOST_TEST((p.after.own[0][1] == draw(copy, 1)));  // the first draw, on {1..14}²
  BOOST_TEST(inRespawnRange(p.after.own[0][1]));
  BOOST_TEST((p.after.own[0][0] == s.own[0][0]));
  BOOST_TEST((p.after.own[0][2] == s.own[0][2]));
  BOOST_TEST((p.after.own[1] == s.own[1]));

  // Stepping onto the other colour's gem: nothing, the gem stays.
  p = play(s, YUP, S, rng);
  BOOST_TEST(p.result.rewards[0] == 0.0);
  BOOST_TEST(p.result.rewards[1] == 0.0);
  BOOST_TEST(p.after.events == 0);
  BOOST_TEST((p.after.own == s.own));

  // Staying on an own gem counts as standing on it after the move; player 1 collects too.
  s = quiet();
  s.own[0][2] = s.players[0];
  s.own[1][1] = Cell{12, 1};
  p = play(s, S, YDOWN, rng);
  BOOST_TEST(p.result.rewards[0] == 1.0);
  BOOST_TEST(p.result.rewards[1] == 1.0);
  BOOST_TEST(p.after.events == 2);
  BOOST_TEST(inRespawnRange(p.after.own[0][2]));
  BOOST_TEST(inRespawnRange(p.after.own[1][1]));

  // Standing on an own gem only before the move (moving off it) collects nothing.
  s = quiet();
  s.own[0][0] = s.players[0];
  p = play(s, XUP, S, rng);
  BOOST_TEST(p.result.rewards[0] == 0.0);
  BOOST_TEST((p.after.own[0][0] == s.own[0][0]));

  // Two own gems on the same cell: each one is collected (+1 and one event each).
  s = quiet();
  s.own[1][0] = s.own[1][2] = Cell{12, 3};
  p = play(s, S, YUP, rng);
  BOOST_TEST(p.result.rewards[1] == 2.0);
  BOOST_TEST(p.after.events == 2);
}

BOOST_AUTO_TEST_CASE(purple_before_the_move_counts) {
  GemsState s = quiet();
  s.purple[0] = s.players[0];  // player 0 stands on purple 0 and walks off it
  s.purple[2] = s.players[1];  // player 1 stands on purple 2 and walks off it
  Rng rng(21);
  Rng copy = rng;
  Played p = play(s, XUP, YUP, rng);
  BOOST_TEST(p.result.rewards[0] == 6.0);
  BOOST_TEST(p.result.rewards[1] == 6.0);
  BOOST_TEST(p.after.events == 2);
  BOOST_TEST((p.after.purple[0] == draw(copy, 1)));  // player 0's purple gem first
  BOOST_TEST((p.after.purple[2] == draw(copy, 1)));
  BOOST_TEST((p.after.purple[1] == s.purple[1]));
}

BOOST_AUTO_TEST_CASE(purple_after_the_move_counts) {
  GemsState s = quiet();
  s.purple[1] = Gems::moved(s.players[0], YUP);
  s.purple[0] = Gems::moved(s.players[1], XDOWN);
  Rng rng(22);
  Rng copy = rng;
  Played p = play(s, YUP, XDOWN, rng);
  BOOST_TEST(p.result.rewards[0] == 6.0);
  BOOST_TEST(p.result.rewards[1] == 6.0);
  BOOST_TEST(p.after.events == 2);
  // Player 0's purple gem (1) is drawn first, then player 1's (0): not gem-index order.
  BOOST_TEST((p.after.purple[1] == draw(copy, 1)));
  BOOST_TEST((p.after.purple[0] == draw(copy, 1)));
  BOOST_TEST((p.after.purple[2] == s.purple[2]));

  // Mixed: player 0 on purple before its move, player 1 after.
  s = quiet();
  s.purple[2] = s.players[0];
  s.purple[1] = Gems::moved(s.players[1], YUP);
  p = play(s, XDOWN, YUP, rng);
  BOOST_TEST(p.result.rewards[0] == 6.0);
  BOOST_TEST(p.result.rewards[1] == 6.0);
  BOOST_TEST(p.after.events == 2);
}

BOOST_AUTO_TEST_CASE(only_one_player_on_purple_gives_nothing) {
  for (int who = 0; who < 2; ++who) {
    GemsState s = quiet();
    s.purple[1] = s.players[who];
    Rng rng(30 + who);
    Played p = play(s, S, S, rng);
    BOOST_TEST(p.result.rewards[0] == 0.0);
    BOOST_TEST(p.result.rewards[1] == 0.0);
    BOOST_TEST(p.after.events == 0);
    BOOST_TEST((p.after.purple == s.purple));
    BOOST_TEST(!p.result.terminated);
  }
}

BOOST_AUTO_TEST_CASE(purple_events_count_distinct_gems) {
  // Both players on the same cell with one purple gem: +6 each, one event, one respawn.
  GemsState s = quiet();
  s.players = {Cell{6, 6}, Cell{6, 6}};
  s.purple[1] = Cell{6, 6};
  Rng rng(41);
  Rng copy = rng;
  Played p = play(s, S, S, rng);
  BOOST_TEST(p.result.rewards[0] == 6.0);
  BOOST_TEST(p.result.rewards[1] == 6.0);
  BOOST_TEST(p.after.events == 1);
  BOOST_TEST((p.after.purple[1] == draw(copy, 1)));
  BOOST_TEST(std::uniform_int_distribution<int>(0, 1 << 30)(rng) ==
             std::uniform_int_distribution<int>(0, 1 << 30)(copy));  // exactly one respawn drawn

  // Player 0 walks from purple 0 onto purple 1 (uses both), player 1 stands on purple 2 and on
  // purple 0's former cell is nobody: three distinct gems, +6 each (not per gem), three events.
  s = quiet();
  s.purple[0] = s.players[0];
  s.purple[1] = Gems::moved(s.players[0], XUP);
  s.purple[2] = s.players[1];
  s.events = 1;
  rng.seed(42);
  copy = rng;
  p = play(s, XUP, S, rng);
  BOOST_TEST(p.result.rewards[0] == 6.0);
  BOOST_TEST(p.result.rewards[1] == 6.0);
  BOOST_TEST(p.after.events == 4);
  BOOST_TEST((p.after.purple[0] == draw(copy, 1)));
  BOOST_TEST((p.after.purple[1] == draw(copy, 1)));
  BOOST_TEST((p.after.purple[2] == draw(copy, 1)));

  // Two purple gems stacked under one player both count.
  s = quiet();
  s.purple[0] = s.purple[2] = s.players[1];
  s.purple[1] = s.players[0];
  rng.seed(43);
  p = play(s, S, S, rng);
  BOOST_TEST(p.after.events == 3);
  BOOST_TEST(p.result.rewards[1] == 6.0);
}

BOOST_AUTO_TEST_CASE(turn_order_shows_in_the_draw_order) {
  // Both collect an own gem and both are on purple: respawn draws go player 0's own gem, player 1's
  // own gem, then the purple gems (player 0's first). Player 1's gem index is lower, so gem-index or
  // player-1-first orders would give different cells.
  GemsState s = quiet();
  s.own[0][2] = Gems::moved(s.players[0], YUP);
  s.own[1][0] = Gems::moved(s.players[1], XUP);
  s.purple[2] = s.players[0];  // player 0's, before its move
  s.purple[0] = s.players[1];  // player 1's, before its move
  Rng rng(51);
  Rng copy = rng;
  Played p = play(s, YUP, XUP, rng);
  BOOST_TEST(p.result.rewards[0] == 7.0);
  BOOST_TEST(p.result.rewards[1] == 7.0);
  BOOST_TEST(p.after.events == 4);
  const Cell d0 = draw(copy, 1), d1 = draw(copy, 1), d2 = draw(copy, 1), d3 = draw(copy, 1);
  BOOST_TEST((p.after.own[0][2] == d0));
  BOOST_TEST((p.after.own[1][0] == d1));
  BOOST_TEST((p.after.purple[2] == d2));
  BOOST_TEST((p.after.purple[0] == d3));
  // The cells differ, so the test sees a swapped order.
  BOOST_TEST(!(d0 == d1));
  BOOST_TEST(!(d2 == d3));

  // Player 0's collection is the 7th event: the step still plays player 1's turn (termination is
  // checked at the end of the step), and player 1's collection adds an 8th.
  s = quiet();
  s.events = 6;
  s.own[0][0] = s.players[0];
  s.own[1][0] = Gems::moved(s.players[1], YDOWN);
  p = play(s, S, YDOWN, rng);
  BOOST_TEST(p.result.terminated);
  BOOST_TEST((p.after.players[1] == Gems::moved(s.players[1], YDOWN)));
  BOOST_TEST(p.result.rewards[1] == 1.0);
  BOOST_TEST(p.after.events == 8);
}

BOOST_AUTO_TEST_CASE(respawns_stay_off_row_and_column_zero) {
  Gems g;
  Rng rng(61);
  std::set<int> xs, ys, pxs, pys;
  for (int n = 0; n < 3000; ++n) {
    GemsState s = quiet();
    s.players = {Cell{0, 0}, Cell{0, 0}};  // on row and column 0
    s.own[0][0] = Cell{0, 0};              // player 0 collects, staying
    s.purple[1] = Cell{0, 0};              // both on purple
    g.setState(s);
    const StepResult r = g.step({S, S}, rng);
    BOOST_REQUIRE(r.rewards[0] == 7.0);
    const Cell a = g.state().own[0][0], b = g.state().purple[1];
    BOOST_REQUIRE(inRespawnRange(a));
    BOOST_REQUIRE(inRespawnRange(b));
    xs.insert(a.x), ys.insert(a.y), pxs.insert(b.x), pys.insert(b.y);
  }
  // Every coordinate 1..14 is reached, and nothing else.
  for (const auto* set : {&xs, &ys, &pxs, &pys}) {
    BOOST_TEST(set->size() == 14u);
    BOOST_TEST(*set->begin() == 1);
    BOOST_TEST(*set->rbegin() == 14);
  }
}

BOOST_AUTO_TEST_CASE(seventh_event_terminates_and_not_before) {
  Gems g;
  g.setState(quiet());
  Rng rng(71);
  for (int n = 1; n <= 7; ++n) {
    GemsState s = g.state();
    s.own[1][n % 3] = s.players[1];  // player 1 stays on one of its gems
    // keep player 0's gems away from it
    for (auto& gem : s.own[0])
      if (gem == s.players[0]) gem = Cell{14, 14};
    g.setState(s);
    const StepResult r = g.step({S, S}, rng);
    BOOST_TEST(r.rewards[1] == 1.0);
    BOOST_TEST(g.state().events == n);
    BOOST_TEST(r.terminated == (n == 7), "after event " << n);
    BOOST_TEST(g.state().step == n);
  }
  // Purple events count towards the limit too: 5 + 2 distinct purple gems = 7 ends it, 5 + 1 not.
  GemsState s = quiet();
  s.events = 5;
  s.purple[0] = s.players[0];
  s.purple[1] = s.players[1];
  Played p = play(s, S, S, rng);
  BOOST_TEST(p.after.events == 7);
  BOOST_TEST(p.result.terminated);
  s = quiet();
  s.events = 5;
  s.players[1] = s.players[0];
  s.purple[1] = s.players[0];  // one purple gem under both players
  p = play(s, S, S, rng);
  BOOST_TEST(p.after.events == 6);
  BOOST_TEST(!p.result.terminated);
}

BOOST_AUTO_TEST_CASE(step_limit_is_not_termination) {
  // 45 quiet steps: never terminated, the step counter reaches 45.
  Gems g;
  g.setState(quiet());
  Rng rng(81);
  for (int t = 0; t < 45; ++t) {
    const StepResult r = g.step({t % 2 == 0 ? XUP : XDOWN, S}, rng);
    BOOST_TEST(!r.terminated);
  }
  BOOST_TEST(g.state().step == 45);
  BOOST_TEST(g.state().events == 0);

  // The recorder cuts episodes at stepLimit(): play never runs longer, episodes that reach 45
  // steps are not marked terminated, those that end earlier end on a terminated step. Even
  // episodes are random play (rarely 7 events), odd ones walk each player to its nearest own gem
  // as the observation shows it (7 events well within 45 steps).
  auto greedy = [](const float* obs, int player) {
    int px = 0, py = 0, best = 1 << 20, action = S;
    for (int x = 0; x < 15; ++x)
      for (int y = 0; y < 15; ++y)
        if (obs[(player * 15 + x) * 15 + y] > 0.5f) px = x, py = y;
    for (int x = 0; x < 15; ++x)
      for (int y = 0; y < 15; ++y)
        if (obs[((2 + player) * 15 + x) * 15 + y] > 0.5f && std::abs(x - px) + std::abs(y - py) < best) {
          best = std::abs(x - px) + std::abs(y - py);
          action = x > px ? XUP : x < px ? XDOWN : y > py ? YUP : y < py ? YDOWN : S;
        }
    return action;
  };
  Rng rec(82);
  const EpisodeData data = recordEpisodes(
      g, 200,
      [&](int e, int, const float* obs, Rng& r) {
        if (e % 2 == 1) return std::vector<int>{greedy(obs, 0), greedy(obs, 1)};
        std::uniform_int_distribution<int> a(0, 4);
        const int a0 = a(r);
        return std::vector<int>{a0, a(r)};
      },
      rec);
  data.check();
  BOOST_TEST(data.steps == 45);
  int full = 0, ended = 0;
  for (int e = 0; e < data.episodes; ++e) {
    int filled = 0;
    for (int t = 0; t < data.steps; ++t) filled += data.filled[data.stepIndex(e, t)];
    if (filled == 45) {
      ++full;
      for (int t = 0; t < 45; ++t) BOOST_TEST(data.terminated[data.stepIndex(e, t)] == 0);
    } else {
      ++ended;
      BOOST_TEST(data.terminated[data.stepIndex(e, filled - 1)] == 1);
    }
  }
  BOOST_TEST(full > 0);
  BOOST_TEST(ended > 0);
}

BOOST_AUTO_TEST_CASE(observation_planes) {
  GemsState s = quiet();
  s.players = {Cell{0, 14}, Cell{3, 4}};
  s.own[0] = {Cell{5, 5}, Cell{5, 5}, Cell{14, 0}};  // two gems on one cell: still 1
  s.own[1] = {Cell{3, 4}, Cell{7, 8}, Cell{8, 7}};   // one under player 1
  s.purple = {Cell{1, 2}, Cell{2, 1}, Cell{0, 14}};   // one under player 0
  Gems g;
  g.setState(s);
  std::vector<float> obs(g.observationSize(), -1.0f);
  g.observe(obs.data());
  auto at = [&](int c, int x, int y) { return obs[(c * 15 + x) * 15 + y]; };
  std::vector<std::set<std::pair<int, int>>> expected = {
      {{0, 14}}, {{3, 4}}, {{5, 5}, {14, 0}}, {{3, 4}, {7, 8}, {8, 7}}, {{1, 2}, {2, 1}, {0, 14}}};
  for (int c = 0; c < 5; ++c)
    for (int x = 0; x < 15; ++x)
      for (int y = 0; y < 15; ++y)
        BOOST_TEST(at(c, x, y) == (expected[c].count({x, y}) ? 1.0f : 0.0f), "plane " << c << " (" << x << "," << y << ")");
}

BOOST_AUTO_TEST_CASE(reset_draws_22_coordinates_in_order_and_reproducibly) {
  Gems g;
  int overlaps = 0;
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    Rng rng(seed), copy(seed);
    GemsState dirty = quiet();
    dirty.events = 5, dirty.step = 9;
    g.setState(dirty);
    g.reset(rng);
    const GemsState s = g.state();
    BOOST_REQUIRE(s.events == 0);
    BOOST_REQUIRE(s.step == 0);
    // Order: players 0, 1, player 0's gems, player 1's gems, purple; x then y, on {0..14}.
    std::vector<Cell> cells(s.players.begin(), s.players.end());
    for (const auto& colour : s.own) cells.insert(cells.end(), colour.begin(), colour.end());
    cells.insert(cells.end(), s.purple.begin(), s.purple.end());
    BOOST_REQUIRE(cells.size() == 11u);
    std::set<std::pair<int, int>> distinct;
    for (const Cell& c : cells) {
      BOOST_REQUIRE((c == draw(copy, 0)));
      BOOST_REQUIRE((c.x >= 0 && c.x <= 14 && c.y >= 0 && c.y <= 14));
      seen.insert(c.x), seen.insert(c.y);
      distinct.insert({c.x, c.y});
    }
    if (distinct.size() < cells.size()) ++overlaps;
    // Same seed, same state.
    Gems h;
    Rng again(seed);
    h.reset(again);
    BOOST_REQUIRE((h.state() == s));
  }
  BOOST_TEST(overlaps > 0);          // overlaps are allowed and happen
  BOOST_TEST(seen.size() == 15u);    // 0..14 all reached
  BOOST_TEST(*seen.begin() == 0);
  Gems a, b;
  Rng ra(1), rb(2);
  a.reset(ra), b.reset(rb);
  BOOST_TEST(!(a.state() == b.state()));
}
