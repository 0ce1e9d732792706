// games/nplayer/<model> (docs/models.md §5): the N-player game of an MFG model. Checked: with one
// player the empirical distribution is a one-hot and sampled moves follow the kernel; with many
// players the empirical distribution after one step matches an exact forward pass computed here;
// rewards on hand-built states equal the model's reward on the empirical view (μ̂_t, L̂_t, μ̂_{t+1},
// z, z_next); the observation layout; reproducibility; the MFG policy actor; refused sizes.
//
// Statistical checks use a 4-sigma bound per checked quantity (normal approximation): a two-sided
// false alarm of about 6.3e-5 each, below 1e-2 over all the checks of this file together. The
// seeds are fixed, so a run is deterministic anyway.
#define BOOST_TEST_MODULE nplayer
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>

#include "solver/games/GameRegistry.hpp"
#include "solver/games/MfgPolicyActor.hpp"
#include "solver/games/NPlayerGame.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "tests/TinyModel.hpp"

using namespace mfg;
using namespace mfg::games;

namespace {

/// |observed - p| within 4 standard deviations of a mean of n Bernoulli(p) draws.
void checkFrequency(double observed, double p, double n, const std::string& what) {
  const double sigma = std::sqrt(p * (1.0 - p) / n);
  BOOST_TEST_INFO(what << ": observed " << observed << ", expected " << p << " (sigma " << sigma << ")");
  BOOST_TEST(std::abs(observed - p) <= 4.0 * sigma + 1e-12);
}

std::shared_ptr<const Model> model(const std::string& name, const std::map<std::string, std::vector<double>>& p = {}) {
  return makeModel(name, p);
}

/// The view a test builds by hand: μ̂ from counts, optional L̂ from (state, action) pairs, μ̂_next.
struct HandView {
  std::vector<double> mu, mu_next, L, stats, z, z_next;
  MeanFieldView view;
  HandView(const Model& m, int t, const std::vector<std::int64_t>& s, const std::vector<int>& a,
           const std::vector<std::int64_t>* next, std::vector<double> z_t = {}, std::vector<double> z_n = {})
      : z(std::move(z_t)), z_next(std::move(z_n)) {
    const auto S = static_cast<std::size_t>(m.numStates()), A = static_cast<std::size_t>(m.numActions());
    const double N = static_cast<double>(s.size());
    std::vector<int> count(S, 0), count_next(S, 0), count_sa(S * A, 0);
    for (std::size_t i = 0; i < s.size(); ++i) {
      ++count[static_cast<std::size_t>(s[i])];
      ++count_sa[static_cast<std::size_t>(s[i]) * A + static_cast<std::size_t>(a[i])];
    }
    for (auto c : count) mu.push_back(c / N);
    view.t = t;
    view.mu = mu;
    if (m.usesStateAction()) {
      for (auto c : count_sa) L.push_back(c / N);
      view.L = L;
    }
    if (next && m.rewardUsesNext()) {
      for (auto sn : *next) ++count_next[static_cast<std::size_t>(sn)];
      for (auto c : count_next) mu_next.push_back(c / N);
      view.mu_next = mu_next;
    }
    view.z = z;
    view.z_next = z_next;
    m.aggregate(view, stats);
    view.stats = stats;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(one_player_follows_the_kernel) {
  // TinyModel: a = 0 stays; a = 1 moves with p = 0.8 (uncoupled) or p = 0.5 + 0.5 μ_t(1) (coupled).
  for (bool coupled : {false, true}) {
    NPlayerGame g(std::make_shared<testing::TinyModel>(coupled), 1);
    BOOST_TEST(g.observationShape() == std::vector<std::int64_t>({3}));
    BOOST_TEST(g.stepLimit() == 2);
    BOOST_TEST(g.discount() == 0.9);
    Rng rng(11);
    const int M = 20000;
    int initial_one = 0;
    for (int k = 0; k < M; ++k) {
      g.reset(rng);
      initial_one += g.states()[0] == 1;
      const auto mu = g.empiricalDistribution();
      BOOST_TEST(mu[static_cast<std::size_t>(g.states()[0])] == 1.0);
      BOOST_TEST(mu[static_cast<std::size_t>(1 - g.states()[0])] == 0.0);
    }
    checkFrequency(initial_one / double(M), 0.25, M, "initial share of state 1");
    // With one player μ̂_t is the one-hot of its state: the coupled kernel moves from 0 with
    // p = 0.5 and from 1 with p = 1.
    for (std::int64_t s : {0, 1}) {
      int moved = 0;
      for (int k = 0; k < M; ++k) {
        g.setStates(0, {s});
        const auto r = g.step({1}, rng);
        moved += g.states()[0] != s;
        BOOST_TEST(g.empiricalDistribution()[static_cast<std::size_t>(g.states()[0])] == 1.0);
        // r(s, a; μ̂) = -μ̂(s) - 0.1 a + 1{s = 1} = -1 - 0.1 + 1{s = 1}
        BOOST_TEST(r.rewards.size() == 1u);
        BOOST_TEST(r.rewards[0] == -1.0 - 0.1 + (s == 1 ? 1.0 : 0.0), boost::test_tools::tolerance(1e-12));
      }
      const double p = coupled ? (s == 0 ? 0.5 : 1.0) : 0.8;
      if (p == 1.0) BOOST_TEST(moved == M);
      else checkFrequency(moved / double(M), p, M, "moves from state " + std::to_string(s));
      // a = 0 stays.
      g.setStates(0, {s});
      g.step({0}, rng);
      BOOST_TEST(g.states()[0] == s);
    }
  }
}

BOOST_AUTO_TEST_CASE(many_players_match_the_forward_pass) {
  // classic/beach_bar on 10 positions (no common noise, kernel independent of μ): under the
  // uniform policy each player's next state is i.i.d. with law μ_1 = Σ_{s,a} μ_0(s) (1/|A|) P(·|s,a),
  // so μ̂_1(s) has mean μ_1(s) and variance μ_1(s)(1 - μ_1(s))/N.
  const auto m = model("classic/beach_bar", {{"n", {10}}, {"bar", {3}}, {"p_still", {0.3}}});
  const int N = 1024;
  NPlayerGame g(m, N);
  const auto S = m->numStates(), A = m->numActions();
  const auto mu0 = m->initialDistribution();
  std::vector<double> mu1(static_cast<std::size_t>(S), 0.0);
  MeanFieldView v;
  v.t = 0;
  v.mu = mu0;
  std::vector<mfg::Transition> row;
  for (std::int64_t s = 0; s < S; ++s)
    for (std::int64_t a = 0; a < A; ++a) {
      m->transitions(v, s, a, row);
      for (const auto& e : row) mu1[static_cast<std::size_t>(e.next)] += mu0[static_cast<std::size_t>(s)] * e.prob / double(A);
    }
  const auto actor = MfgPolicyActor::uniform(m->numSteps(), S, A);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Rng rng(seed);
    g.reset(rng);
    const auto mu_hat0 = g.empiricalDistribution();
    for (std::int64_t s = 0; s < S; ++s)
      checkFrequency(mu_hat0[static_cast<std::size_t>(s)], mu0[static_cast<std::size_t>(s)], N,
                     "mu_0 at state " + std::to_string(s));
    g.step(actor.act(0, g.states(), rng), rng);
    BOOST_TEST(g.time() == 1);
    const auto mu_hat1 = g.empiricalDistribution();
    for (std::int64_t s = 0; s < S; ++s)
      checkFrequency(mu_hat1[static_cast<std::size_t>(s)], mu1[static_cast<std::size_t>(s)], N,
                     "mu_1 at state " + std::to_string(s) + ", seed " + std::to_string(seed));
  }
}

BOOST_AUTO_TEST_CASE(rewards_read_the_empirical_view) {
  // μ̂_t only (classic/beach_bar: -log μ(s)).
  {
    const auto m = model("classic/beach_bar");
    NPlayerGame g(m, 5);
    const std::vector<std::int64_t> s = {0, 0, 1, 3, 3};
    const std::vector<int> a = {0, 1, 2, 1, 0};
    g.setStates(1, s);
    Rng rng(5);
    const auto r = g.step(a, rng);
    HandView h(*m, 1, s, a, nullptr);
    for (std::size_t i = 0; i < s.size(); ++i)
      BOOST_TEST(r.rewards[i] == m->reward(h.view, s[i], a[i]), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(g.time() == 2);
  }
  // L̂_t through aggregate() (classic/equilibrium_price: the price falls with total output).
  {
    const auto m = model("classic/equilibrium_price");
    BOOST_REQUIRE(m->usesStateAction());
    NPlayerGame g(m, 4);
    const std::vector<std::int64_t> s = {3, 2, 2, 0};
    const std::vector<int> a = {8, 3, 6, 0};  // q = a / 3: 2, 1, 2, 0
    g.setStates(0, s);
    Rng rng(6);
    const auto r = g.step(a, rng);
    HandView h(*m, 0, s, a, nullptr);
    // supply = (2 + 1 + 2 + 0) / 4; the price (d / (supply + e0))^(1/σ) differs from the one at
    // zero output, so the test sees L̂.
    BOOST_TEST(h.stats.size() == 1u);
    for (std::size_t i = 0; i < s.size(); ++i)
      BOOST_TEST(r.rewards[i] == m->reward(h.view, s[i], a[i]), boost::test_tools::tolerance(1e-12));
  }
  // μ̂_{t+1} (lq: the reward reads the next mean state) and z (held sign): rewards use the next
  // states drawn in the same step. Also at the last step (terminal gap cost).
  {
    const auto m = model("lq", {{"T", {4}}});
    BOOST_REQUIRE(m->rewardUsesNext());
    NPlayerGame g(m, 3);
    BOOST_TEST(g.noiseWidth() == 1);
    for (int t : {2, 3}) {
      const std::vector<std::int64_t> s = {10, 50, 90};
      const std::vector<int> a = {0, 3, 6};
      const std::vector<std::vector<double>> z(static_cast<std::size_t>(t) + 1, std::vector<double>{-1.0});
      g.setStates(t, s, z);
      Rng rng(7);
      const auto r = g.step(a, rng);
      const auto next = g.states();
      BOOST_TEST(g.noiseHistory().size() == z.size() + 1);
      BOOST_TEST(g.noiseHistory().back() == std::vector<double>{-1.0});
      HandView h(*m, t, s, a, &next, {-1.0}, {-1.0});
      for (std::size_t i = 0; i < s.size(); ++i)
        BOOST_TEST(r.rewards[i] == m->reward(h.view, s[i], a[i]), boost::test_tools::tolerance(1e-12));
    }
    BOOST_TEST(g.time() == 4);
    Rng rng(1);
    BOOST_CHECK_THROW(g.step({0, 0, 0}, rng), InputError);  // past the step limit
  }
  // z_next (beach_bar: the bar closes at t = 15 with probability 1/2; the reward reads z_{t+1}).
  {
    const auto m = model("beach_bar");
    NPlayerGame g(m, 2);
    BOOST_TEST(g.noiseWidth() == 2);
    int closed = 0;
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
      const std::vector<std::int64_t> s = {39, 60};  // next to the bar at 40, and far
      const std::vector<int> a = {5, 5};
      g.setStates(14, s, std::vector<std::vector<double>>(15, std::vector<double>{40.0, 1.0}));
      Rng rng(seed);
      const auto r = g.step(a, rng);
      const auto z_next = g.noiseHistory().back();
      closed += z_next[1] == 0.0;
      HandView h(*m, 14, s, a, nullptr, {40.0, 1.0}, z_next);
      for (std::size_t i = 0; i < s.size(); ++i)
        BOOST_TEST(r.rewards[i] == m->reward(h.view, s[i], a[i]), boost::test_tools::tolerance(1e-12));
    }
    BOOST_TEST(closed > 0);
    BOOST_TEST(closed < 40);
  }
}

BOOST_AUTO_TEST_CASE(replay_pays_what_step_pays_and_refuses_impossible_moves) {
  // A step drawn by the game, then the same step replayed from its record: the same rewards, the
  // same states and observation afterwards. classic/beach_bar (4 positions): action a moves to
  // s + (a − 1) + {−1, 0, 1}, clipped.
  const auto m = model("classic/beach_bar");
  NPlayerGame drawn(m, 5), replayed(m, 5);
  const std::vector<std::int64_t> s = {0, 0, 1, 3, 3};
  const std::vector<int> a = {0, 1, 2, 1, 0};
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    drawn.setStates(2, s);
    Rng rng(seed);
    const auto r = drawn.step(a, rng);
    replayed.setStates(2, s);
    const auto q = replayed.replay(a, drawn.states());
    BOOST_TEST(q.rewards == r.rewards, boost::test_tools::per_element());
    BOOST_TEST(replayed.states() == drawn.states(), boost::test_tools::per_element());
    BOOST_TEST(replayed.time() == 3);
    const auto size = static_cast<std::size_t>(drawn.observationShape()[0]);
    std::vector<float> o1(size), o2(size);
    drawn.observe(o1.data());
    replayed.observe(o2.data());
    BOOST_TEST(o1 == o2, boost::test_tools::per_element());
  }
  // Player 2 at position 1 moving right reaches 1, 2 or 3, never 0.
  replayed.setStates(2, s);
  BOOST_CHECK_THROW(replayed.replay(a, {0, 0, 0, 3, 3}), InputError);
  replayed.setStates(2, s);
  BOOST_CHECK_THROW(replayed.replay(a, {0, 0, 1, 3}), InputError);           // a next state missing
  BOOST_CHECK_THROW(replayed.replay(a, {0, 0, 1, 3, -1}), InputError);       // out of range
  // Models with common noise draw z_{t+1}: a record of states alone does not replay them.
  NPlayerGame noisy(model("beach_bar"), 2);
  noisy.setStates(0, {10, 20}, {std::vector<double>{40.0, 1.0}});
  BOOST_CHECK_THROW(noisy.replay({0, 0}, {10, 20}), InputError);
}

BOOST_AUTO_TEST_CASE(observation_layout) {
  {
    const auto m = model("classic/beach_bar");  // 4 states, 3 steps, no noise
    NPlayerGame g(m, 3);
    BOOST_TEST(g.observationShape() == std::vector<std::int64_t>({3 * 4 + 1}));
    BOOST_TEST(g.observationSize() == 13);
    g.setStates(1, {2, 0, 3});
    std::vector<float> o(13, -1.0f);
    g.observe(o.data());
    const std::vector<float> expected = {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1.0f / 3.0f};
    BOOST_TEST(o == expected, boost::test_tools::per_element());
  }
  {
    const auto m = model("beach_bar");  // 101 states, z = (bar, open)
    const int N = 6;
    NPlayerGame g(m, N);
    BOOST_TEST(g.observationShape() == std::vector<std::int64_t>({N * 101 + 1 + 2}));
    Rng rng(3);
    g.reset(rng);
    const auto z0 = g.noiseHistory().at(0);
    std::vector<float> o(static_cast<std::size_t>(g.observationSize()));
    g.observe(o.data());
    for (int i = 0; i < N; ++i) {
      const auto s = g.states()[static_cast<std::size_t>(i)];
      BOOST_TEST(s != static_cast<std::int64_t>(z0[0]));  // μ_0(z_0) puts no mass on the bar
      float row_sum = 0;
      for (int k = 0; k < 101; ++k) row_sum += o[static_cast<std::size_t>(i * 101 + k)];
      BOOST_TEST(row_sum == 1.0f);
      BOOST_TEST(o[static_cast<std::size_t>(i * 101 + s)] == 1.0f);
    }
    BOOST_TEST(o[N * 101] == 0.0f);
    BOOST_TEST(o[N * 101 + 1] == static_cast<float>(z0[0]));
    BOOST_TEST(o[N * 101 + 2] == 1.0f);
    g.step(std::vector<int>(N, 5), rng);
    g.observe(o.data());
    BOOST_TEST(o[N * 101] == static_cast<float>(1.0 / 30.0));
  }
}

BOOST_AUTO_TEST_CASE(reproducible_with_a_seed) {
  const auto m = model("beach_bar", {{"crowd", {0.5}}});
  const auto actor = MfgPolicyActor::uniform(m->numSteps(), m->numStates(), m->numActions());
  auto episode = [&](std::uint64_t seed) {
    NPlayerGame g(m, 8);
    Rng rng(seed);
    g.reset(rng);
    std::vector<double> trace;
    std::vector<float> o(static_cast<std::size_t>(g.observationSize()));
    for (int t = 0; t < g.stepLimit(); ++t) {
      g.observe(o.data());
      trace.insert(trace.end(), o.begin(), o.end());
      const auto joint = actor.act(t, g.states(), rng);
      for (int a : joint) trace.push_back(a);
      const auto r = g.step(joint, rng);
      BOOST_TEST(!r.terminated);
      trace.insert(trace.end(), r.rewards.begin(), r.rewards.end());
    }
    BOOST_CHECK_THROW(g.step(std::vector<int>(8, 5), rng), InputError);
    return trace;
  };
  const auto a = episode(42), b = episode(42), c = episode(43);
  BOOST_TEST(a == b);
  BOOST_TEST(a != c);
}

BOOST_AUTO_TEST_CASE(policy_actor_draws_from_the_table) {
  // 2 steps, 2 states, 3 actions.
  const std::vector<double> pi = {0.2, 0.0, 0.8, /**/ 1.0, 0.0, 0.0,   // t = 0
                                  0.0, 0.5, 0.5, /**/ 0.1, 0.3, 0.6};  // t = 1
  const MfgPolicyActor actor(pi, 2, 3);
  BOOST_TEST(actor.steps() == 2);
  const MfgPolicyActor from_slices(std::vector<std::vector<double>>{{0.2, 0.0, 0.8, 1.0, 0.0, 0.0},
                                                                    {0.0, 0.5, 0.5, 0.1, 0.3, 0.6}},
                                   2, 3);
  const int N = 1024, rounds = 20;
  for (int t : {0, 1}) {
    std::vector<std::int64_t> states(N);
    for (int i = 0; i < N; ++i) states[static_cast<std::size_t>(i)] = i % 2;
    std::vector<std::vector<double>> counts(2, std::vector<double>(3, 0.0));
    Rng rng(100 + static_cast<std::uint64_t>(t)), rng2(100 + static_cast<std::uint64_t>(t));
    for (int k = 0; k < rounds; ++k) {
      const auto joint = actor.act(t, states, rng);
      BOOST_TEST(joint == from_slices.act(t, states, rng2));
      for (int i = 0; i < N; ++i) counts[static_cast<std::size_t>(i % 2)][static_cast<std::size_t>(joint[static_cast<std::size_t>(i)])] += 1;
    }
    const double per_state = N / 2.0 * rounds;
    for (int s : {0, 1})
      for (int a = 0; a < 3; ++a) {
        const double p = actor.row(t, s)[static_cast<std::size_t>(a)];
        const double f = counts[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)] / per_state;
        if (p == 0.0) BOOST_TEST(f == 0.0);
        else if (p == 1.0) BOOST_TEST(f == 1.0);
        else checkFrequency(f, p, per_state, "pi_" + std::to_string(t) + "(" + std::to_string(a) + "|" + std::to_string(s) + ")");
      }
  }
  BOOST_CHECK_THROW(MfgPolicyActor(std::vector<double>{0.5, 0.4, 0.1, 0.2}, 2, 2), InputError);  // row sums 0.9
  BOOST_CHECK_THROW(MfgPolicyActor(std::vector<double>{1.0, 0.0, 1.0}, 2, 2), InputError);       // size
  BOOST_CHECK_THROW(MfgPolicyActor(std::vector<double>{1.5, -0.5, 1.0, 0.0}, 2, 2), InputError);  // negative
  Rng rng(1);
  BOOST_CHECK_THROW(actor.act(2, {0}, rng), InputError);
  BOOST_CHECK_THROW(actor.act(0, {2}, rng), InputError);
}

BOOST_AUTO_TEST_CASE(invalid_sizes_are_refused) {
  const auto small = model("classic/beach_bar");
  BOOST_CHECK_THROW(NPlayerGame(small, 0), InputError);
  BOOST_CHECK_THROW(NPlayerGame(small, -3), InputError);
  BOOST_CHECK_THROW(NPlayerGame(small, 1025), InputError);
  BOOST_CHECK_NO_THROW(NPlayerGame(small, 1024));
  BOOST_CHECK_NO_THROW(NPlayerGame(small, 1));
  BOOST_CHECK_THROW(NPlayerGame(nullptr, 2), InputError);
  // |S| > 10 000
  BOOST_CHECK_THROW(NPlayerGame(model("classic/beach_bar", {{"n", {10001}}}), 1), InputError);
  BOOST_CHECK_NO_THROW(NPlayerGame(model("classic/beach_bar", {{"n", {10000}}}), 100));
  // N·|S| > 10^6
  BOOST_CHECK_THROW(NPlayerGame(model("classic/beach_bar", {{"n", {10000}}}), 101), InputError);
  BOOST_CHECK_THROW(NPlayerGame(model("classic/beach_bar", {{"n", {1000}}}), 1001), InputError);
  // Bad joint actions, steps before reset, bad hand-set states.
  NPlayerGame g(small, 2);
  Rng rng(1);
  BOOST_CHECK_THROW(g.step({0, 1}, rng), InputError);  // before reset
  g.reset(rng);
  BOOST_CHECK_THROW(g.step({0}, rng), InputError);
  BOOST_CHECK_THROW(g.step({0, 3}, rng), InputError);
  BOOST_CHECK_THROW(g.setStates(0, {0, 4}), InputError);
  BOOST_CHECK_THROW(g.setStates(0, {0}), InputError);
  BOOST_CHECK_THROW(g.setStates(4, {0, 0}), InputError);
  BOOST_CHECK_THROW(g.setStates(0, {0, 0}, {{1.0}}), InputError);  // no noise in this model
  NPlayerGame noisy(model("lq"), 2);
  BOOST_CHECK_THROW(noisy.setStates(1, {0, 0}), InputError);           // z_0..z_1 missing
  BOOST_CHECK_THROW(noisy.setStates(0, {0, 0}, {{1.0, 2.0}}), InputError);  // width
}

BOOST_AUTO_TEST_CASE(registry) {
  bool listed = false, gems = false;
  for (const auto& [n, d] : gameNames()) {
    listed = listed || n == "nplayer/classic/beach_bar";
    gems = gems || n == "gems";
  }
  BOOST_TEST(listed);
  BOOST_TEST(gems);

  const auto two = makeGame("nplayer/classic/beach_bar");
  BOOST_TEST(two->players() == 2);
  BOOST_TEST(two->name() == "nplayer/classic/beach_bar");
  BOOST_TEST(!two->cooperative());

  GameOptions options;
  options.players = 7;
  options.parameters = {{"T", {5}}, {"n", {6}}};
  const auto g = makeGame("games/nplayer/classic/beach_bar", options);
  BOOST_TEST(g->players() == 7);
  BOOST_TEST(g->stepLimit() == 6);  // T + 1 decision steps
  BOOST_TEST(g->actionCounts() == std::vector<int>(7, 3));
  BOOST_TEST(g->observationShape() == std::vector<std::int64_t>({7 * 6 + 1}));
  const auto* np = dynamic_cast<const NPlayerGame*>(g.get());
  BOOST_REQUIRE(np);
  BOOST_TEST(np->discount() == 1.0);

  options.parameters = {{"no_such_key", {1}}};
  BOOST_CHECK_THROW(makeGame("nplayer/classic/beach_bar", options), InputError);
  BOOST_CHECK_THROW(makeGame("nplayer/no_such_model"), InputError);
  options = GameOptions{};
  options.players = 2000;
  BOOST_CHECK_THROW(makeGame("nplayer/lq", options), InputError);
  BOOST_CHECK_THROW(makeEnumerableGame("nplayer/lq"), InputError);

  // The other games keep their one-argument form and refuse other sizes or parameters.
  BOOST_TEST(makeGame("xor")->players() == 2);
  BOOST_TEST(makeGame("gems", GameOptions{})->name() == "gems");
  options = GameOptions{};
  options.players = 3;
  BOOST_CHECK_THROW(makeGame("xor", options), InputError);
  options = GameOptions{};
  options.parameters = {{"T", {5}}};
  BOOST_CHECK_THROW(makeGame("bridge", options), InputError);
}
