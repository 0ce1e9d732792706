// The finite-player games of solver/games against the rules of docs/models.md §5, on hand-built
// states, and the exact joint solver on games whose optimum is known by hand.
#define BOOST_TEST_MODULE games
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "solver/games/Bridge.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/games/JointDynamicProgramming.hpp"
#include "solver/games/MatrixGame.hpp"
#include "solver/models/InputError.hpp"

using namespace mfg::games;
using Cell = Bridge::Cell;

namespace {

const Bridge kBridge;

Transition move(Cell p0, Cell p1, int a0, int a1) { return kBridge.transition(Bridge::stateOf(p0, p1), {a0, a1}); }
Cell at(const Transition& t, int player) { return Bridge::position(t.next, player); }
double dist(Cell c, Cell goal) { return std::hypot(c.row - goal.row, c.col - goal.col); }

}  // namespace

BOOST_AUTO_TEST_CASE(matrix_game_payoffs_are_the_spec_tables) {
  const MatrixGame x = MatrixGame::xorGame();
  BOOST_TEST(x.payoff(0, 0) == 0.0);
  BOOST_TEST(x.payoff(0, 1) == 1.0);
  BOOST_TEST(x.payoff(1, 0) == 1.0);
  BOOST_TEST(x.payoff(1, 1) == -2.0);
  const MatrixGame m = MatrixGame::multipleEquilibria();
  const double expected[4][4] = {{1, -2, -2, -2}, {-1, 0, 0, -2}, {-1, 0, 0, -2}, {-1, -1, -1, 1}};
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b) {
      BOOST_TEST(m.payoff(a, b) == expected[a][b], "R(" << a << "," << b << ")");
      const Transition t = m.transition(0, {a, b});
      BOOST_TEST(t.rewards[0] == expected[a][b]);
      BOOST_TEST(t.rewards[1] == expected[a][b]);
      BOOST_TEST(!t.terminated);
    }
  float obs = 1.0f;
  m.observation(0, &obs);
  BOOST_TEST(obs == 0.0f);
  BOOST_TEST(m.stepLimit() == 50);
}

BOOST_AUTO_TEST_CASE(bridge_walls_and_border_stop_a_move) {
  // From the bridge (1,2) up and down are walls; from (0,1) up is off the grid.
  Transition t = move({1, 2}, {1, 4}, Bridge::kUp, Bridge::kStay);
  BOOST_TEST((at(t, 0) == Cell{1, 2}));
  t = move({1, 2}, {1, 4}, Bridge::kDown, Bridge::kStay);
  BOOST_TEST((at(t, 0) == Cell{1, 2}));
  t = move({0, 1}, {1, 4}, Bridge::kUp, Bridge::kUp);
  BOOST_TEST((at(t, 0) == Cell{0, 1}));
  BOOST_TEST((at(t, 1) == Cell{0, 4}));
  t = move({1, 0}, {1, 5}, Bridge::kLeft, Bridge::kRight);
  BOOST_TEST((at(t, 0) == Cell{1, 0}));
  BOOST_TEST((at(t, 1) == Cell{1, 5}));
}

BOOST_AUTO_TEST_CASE(bridge_conflicts_and_swaps_fail_for_both) {
  // Both into (1,2): both stay.
  Transition t = move({1, 1}, {1, 3}, Bridge::kRight, Bridge::kLeft);
  BOOST_TEST((at(t, 0) == Cell{1, 1}));
  BOOST_TEST((at(t, 1) == Cell{1, 3}));
  // Swap on the bridge: both stay.
  t = move({1, 2}, {1, 3}, Bridge::kRight, Bridge::kLeft);
  BOOST_TEST((at(t, 0) == Cell{1, 2}));
  BOOST_TEST((at(t, 1) == Cell{1, 3}));
  // Into a cell the other one leaves: both move.
  t = move({1, 2}, {1, 3}, Bridge::kRight, Bridge::kRight);
  BOOST_TEST((at(t, 0) == Cell{1, 3}));
  BOOST_TEST((at(t, 1) == Cell{1, 4}));
  // Into a cell the other one keeps: the mover stays.
  t = move({1, 2}, {1, 3}, Bridge::kRight, Bridge::kStay);
  BOOST_TEST((at(t, 0) == Cell{1, 2}));
  BOOST_TEST((at(t, 1) == Cell{1, 3}));
}

BOOST_AUTO_TEST_CASE(bridge_move_into_own_goal_always_succeeds) {
  // Player 0 from (1,5) and player 1 from (2,4) both into (2,5), player 0's goal.
  Transition t = move({1, 5}, {2, 4}, Bridge::kDown, Bridge::kRight);
  BOOST_TEST((at(t, 0) == Cell{2, 5}));
  BOOST_TEST((at(t, 1) == Cell{2, 4}));
  // Player 1 from (0,1) and player 0 from (1,0) both into (0,0), player 1's goal.
  t = move({1, 0}, {0, 1}, Bridge::kUp, Bridge::kLeft);
  BOOST_TEST((at(t, 1) == Cell{0, 0}));
  BOOST_TEST((at(t, 0) == Cell{1, 0}));
}

BOOST_AUTO_TEST_CASE(bridge_done_players_are_frozen_and_rewards_follow_the_spec) {
  const Cell g0 = Bridge::kGoal[0], g1 = Bridge::kGoal[1];
  // Both active, both staying at the start: −0.1 × mean distance.
  Transition t = move({1, 2}, {1, 3}, Bridge::kStay, Bridge::kStay);
  BOOST_TEST(std::abs(t.rewards[0] - (-0.1 * (std::sqrt(10.0) + std::sqrt(10.0)) / 2.0)) < 1e-15);
  BOOST_TEST(t.rewards[0] == t.rewards[1]);
  BOOST_TEST(!t.terminated);
  // Player 1 done at its goal: frozen whatever it plays, adds 0; player 0 moves on.
  t = move({1, 2}, g1, Bridge::kRight, Bridge::kDown);
  BOOST_TEST((at(t, 1) == g1));
  BOOST_TEST((at(t, 0) == Cell{1, 3}));
  BOOST_TEST(std::abs(t.rewards[0] - (-0.1 * dist({1, 3}, g0) / 2.0)) < 1e-15);
  BOOST_TEST(!t.terminated);
  // Player 0 enters its goal while player 1 is done: the episode ends, the step pays 0.
  t = move({1, 5}, g1, Bridge::kDown, Bridge::kStay);
  BOOST_TEST(t.terminated);
  BOOST_TEST(t.rewards[0] == 0.0);
  BOOST_TEST(t.rewards[1] == 0.0);
  // Observation: (row0, col0, goal0, row1, col1, goal1).
  float obs[8];
  kBridge.observation(Bridge::stateOf({1, 2}, {0, 4}), obs);
  const float expected[8] = {1, 2, 2, 5, 0, 4, 0, 0};
  for (int k = 0; k < 8; ++k) BOOST_TEST(obs[k] == expected[k]);
}

BOOST_AUTO_TEST_CASE(exact_solver_matches_hand_optima) {
  // Matrix games: the best joint action every step.
  BOOST_TEST(std::abs(JointDynamicProgramming(MatrixGame::xorGame()).optimalReturn() - 50.0) < 1e-12);
  BOOST_TEST(std::abs(JointDynamicProgramming(MatrixGame::multipleEquilibria()).optimalReturn() - 50.0) < 1e-12);
  const MatrixGame shortGame("short", {{3.0, -1.0}, {0.5, 2.0}}, 7);
  BOOST_TEST(std::abs(JointDynamicProgramming(shortGame).optimalReturn() - 21.0) < 1e-12);
  // Bridge: player 1 steps aside at (0,4), player 0 crosses; then player 1 walks home. The plan's
  // return by hand, −0.05 × the sum of distances after each step.
  const double r2 = std::sqrt(2.0), r5 = std::sqrt(5.0), r10 = std::sqrt(10.0), r17 = std::sqrt(17.0);
  const double hand = -0.05 * ((r5 + r17) + (r2 + 4.0) + (1.0 + r17) + r10 + r5 + r2 + 1.0);
  const int plan[8][2] = {{3, 3}, {3, 1}, {3, 2}, {2, 4}, {0, 4}, {0, 4}, {0, 1}, {0, 4}};
  int s = kBridge.initialState();
  double total = 0.0;
  bool ended = false;
  for (const auto& a : plan) {
    const Transition t = kBridge.transition(s, {a[0], a[1]});
    total += t.rewards[0];
    s = t.next;
    ended = t.terminated;
  }
  BOOST_TEST(ended);
  BOOST_TEST(std::abs(total - hand) < 1e-12);
  const JointDynamicProgramming dp(kBridge);
  BOOST_TEST(std::abs(dp.optimalReturn() - hand) < 1e-12, "optimum " << dp.optimalReturn() << " vs plan " << hand);
  // A product policy that plays the plan exactly is worth the optimum (state-wise deterministic:
  // the plan never revisits a joint state).
  ProductPolicy policy(kBridge);
  s = kBridge.initialState();
  for (const auto& a : plan) {
    for (int i = 0; i < 2; ++i)
      for (int b = 0; b < 5; ++b) policy.probability(i, s, b) = b == a[i] ? 1.0 : 0.0;
    s = kBridge.transition(s, {a[0], a[1]}).next;
  }
  const PolicyEvaluation ev = evaluateProductPolicy(kBridge, policy);
  BOOST_TEST(std::abs(ev.returns[0] - hand) < 1e-12);
  BOOST_TEST(std::abs(ev.expected_steps - 8.0) < 1e-12);
}

BOOST_AUTO_TEST_CASE(uniform_policy_value_on_xor_by_hand) {
  // Uniform play: E[R] = (0 + 1 + 1 − 2) / 4 = 0 per step.
  const MatrixGame x = MatrixGame::xorGame(10);
  ProductPolicy uniform(x);
  BOOST_TEST(std::abs(evaluateProductPolicy(x, uniform).returns[0]) < 1e-15);
  // Player 0 plays A with 0.3, player 1 with 0.6: E = 0.3·0.4 + 0.7·0.6 − 2·0.7·0.4 = −0.02 per step.
  uniform.probability(0, 0, 0) = 0.3, uniform.probability(0, 0, 1) = 0.7;
  uniform.probability(1, 0, 0) = 0.6, uniform.probability(1, 0, 1) = 0.4;
  BOOST_TEST(std::abs(evaluateProductPolicy(x, uniform).returns[1] - 10 * (-0.02)) < 1e-13);
}

BOOST_AUTO_TEST_CASE(registry_and_datasets_reject_unknown_names) {
  BOOST_CHECK_THROW(makeEnumerableGame("chess"), mfg::InputError);
  BOOST_CHECK_THROW(makeDataset("xor", "balanced", 0), mfg::InputError);
  BOOST_TEST(makeEnumerableGame("games/bridge")->name() == "bridge");
  EnumeratedMarkovGame g(makeEnumerableGame("xor"));
  Rng rng(0);
  g.reset(rng);
  BOOST_CHECK_THROW(g.step({0, 2}, rng), mfg::InputError);
  BOOST_CHECK_THROW(g.step({0}, rng), mfg::InputError);
}
