// Reward recovery of the mean-field learners (solver/irl/RewardRecovery): the comparison against
// hand computations, and the true reward of demonstrated transitions against the rewards the
// N-player game pays when the same play is replayed in it (the truth `mfg marl irl` reads).
#define BOOST_TEST_MODULE irl_reward_recovery
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <memory>

#include "solver/games/NPlayerGame.hpp"
#include "solver/irl/RewardRecovery.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

using namespace mfg;

BOOST_AUTO_TEST_CASE(comparison_by_hand) {
  // truth 0, 1, 2, 3; learned = 2·truth + 1: correlation 1, errors 1, 2, 3, 4 → mse 30/4.
  const auto r = irl::compareRewards({1, 3, 5, 7}, {0, 1, 2, 3});
  BOOST_TEST(r.corr == 1.0, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(r.mse == 7.5, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(r.transitions == 4);
  // Reversed order: correlation −1. Centred products −4.5·… : (3)(−1.5)+(1)(−0.5)+(−1)(0.5)+(−3)(1.5) = −10,
  // over √(20 · 5) = 10.
  BOOST_TEST(irl::compareRewards({7, 5, 3, 1}, {0, 1, 2, 3}).corr == -1.0, boost::test_tools::tolerance(1e-14));
  // A constant side has no correlation.
  BOOST_TEST(std::isnan(irl::compareRewards({2, 2, 2}, {0, 1, 2}).corr));
  BOOST_CHECK_THROW(irl::compareRewards({1, 2}, {1}), InputError);
}

BOOST_AUTO_TEST_CASE(true_rewards_are_what_the_nplayer_game_pays) {
  // Two plays of 4 agents on classic/beach_bar (4 positions, T = 2: three decision steps). The
  // reward reads μ̂_t(s) (−log of the crowd at s): replaying each play in the 4-player game must pay
  // every agent exactly trueTransitionRewards at (i, t). Action a moves to s + (a − 1) + {−1, 0, 1}
  // (clipped); the actions below are chosen so that every recorded move is reachable.
  const std::map<std::string, std::vector<double>> params{{"T", {2}}};
  const auto model = makeModel("classic/beach_bar", params);
  irl::Demonstrations d;
  d.plays = 2;
  d.agents = 4;
  d.steps = model->numSteps();
  BOOST_TEST_REQUIRE(d.steps == 3);
  // states [P][N][T+1]
  d.states = {0, 1, 1, 2, /**/ 0, 0, 2, 3, /**/ 3, 3, 1, 1, /**/ 1, 1, 1, 0,
              2, 3, 3, 3, /**/ 2, 2, 2, 2, /**/ 0, 1, 1, 1, /**/ 3, 2, 1, 0};
  for (std::int64_t p = 0; p < d.plays; ++p)
    for (std::int64_t i = 0; i < d.agents; ++i)
      for (std::int64_t t = 0; t < d.steps; ++t) {
        const auto ds = d.state(p, i, t + 1) - d.state(p, i, t);
        d.actions.push_back(ds >= 2 ? 2 : ds <= -2 ? 0 : 1);
      }
  games::NPlayerGame game(std::shared_ptr<const Model>(makeModel("classic/beach_bar", params)), 4);
  for (std::int64_t p = 0; p < d.plays; ++p) {
    const auto truth = irl::trueTransitionRewards(*model, d, p);
    BOOST_TEST_REQUIRE(truth.size() == 12u);
    std::vector<std::int64_t> s(4), next(4);
    std::vector<int> a(4);
    for (std::int64_t i = 0; i < 4; ++i) s[static_cast<std::size_t>(i)] = d.state(p, i, 0);
    game.setStates(0, s);
    for (std::int64_t t = 0; t < d.steps; ++t) {
      for (std::int64_t i = 0; i < 4; ++i) {
        a[static_cast<std::size_t>(i)] = static_cast<int>(d.action(p, i, t));
        next[static_cast<std::size_t>(i)] = d.state(p, i, t + 1);
      }
      const auto paid = game.replay(a, next);
      for (std::int64_t i = 0; i < 4; ++i)
        BOOST_TEST(paid.rewards[static_cast<std::size_t>(i)] == truth[static_cast<std::size_t>(i * d.steps + t)],
                   boost::test_tools::tolerance(1e-12));
    }
  }
  // Play 0, t = 0: agents 0 and 1 share position 0 (μ̂ = 1/2), agent 2 is alone at 3 (1/4); with
  // the bar at its default position the distance and crowd terms differ, so the truth is not
  // constant (a constant truth would let the comparison pass trivially).
  const auto truth = irl::trueTransitionRewards(*model, d, 0);
  BOOST_TEST(truth[0] != truth[2 * 3]);
}
