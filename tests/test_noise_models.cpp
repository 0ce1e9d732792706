#define BOOST_TEST_MODULE noise_models
#include <boost/test/unit_test.hpp>

// Unit tests of the common-noise benchmark models of docs/models.md §1 (lq, beach_bar,
// macro) and of their scenario trees. Every expected number is derived from the spec's formulas,
// computed independently here (derivations in the comments); none was copied from the code's output.
//   1. Scenario trees of lq and beach_bar: roots, level sizes, branching, probabilities, z paths.
//   2. macro prices at t = 0 (reference.md: r_0 ≈ 0.0537, w_0 ≈ 1.867) and the e^z scaling.
//   3. macro kernel rows and rewards, by hand from the grids and prices.
//   4. Every kernel row along every node of the enumerated trees is a probability vector
//      (lq, beach_bar, macro on a 3-point Rouwenhorst chain), and the Rouwenhorst probabilities.
//   5. Sampled noise paths: reproducible by seed; macro's continuous AR(1) has the right law.
//   6. Bad macro parameters are InputErrors naming the key.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ModelChecks.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Model.hpp"
#include "solver/models/Registry.hpp"
#include "solver/noise/ScenarioTree.hpp"

using mfg::InputError;
using mfg::MeanFieldView;
using mfg::Model;
using mfg::ScenarioTree;
using mfg::Transition;

namespace {

using mfg::testing::Overrides;
using mfg::testing::Row;
using mfg::testing::checkClose;
using mfg::testing::expectInputError;
using mfg::testing::row;

/// Storage behind a MeanFieldView, filled as the engine does: t, μ_t, μ_{t+1} (only if
/// rewardUsesNext()), z_t, z_{t+1}; then stats = aggregate(view) and view.stats = stats.
struct Field {
  int t = 0;
  std::vector<double> mu, mu_next, z, z_next, stats;

  MeanFieldView view(const Model& m) {
    MeanFieldView v;
    v.t = t;
    v.mu = mu;
    if (m.rewardUsesNext()) v.mu_next = mu_next;
    v.z = z;
    v.z_next = z_next;
    m.aggregate(v, stats);
    v.stats = stats;
    return v;
  }
};

/// The successor where two rows differ most (a missing successor has probability 0), or -1.
std::int64_t worst(const Row& got, const Row& want, double tol, double& g, double& w) {
  std::int64_t at = -1;
  double gap = tol;
  for (const Row* r : {&got, &want})
    for (const auto& [k, unused] : *r) {
      const double x = got.count(k) ? got.at(k) : 0.0, y = want.count(k) ? want.at(k) : 0.0;
      if (std::abs(x - y) > gap) gap = std::abs(x - y), at = k, g = x, w = y;
    }
  return at;
}

void checkRow(const Row& got, const Row& want, const std::string& what, double tol = 1e-12) {
  double g = 0, w = 0;
  const auto k = worst(got, want, tol, g, w);
  BOOST_CHECK_MESSAGE(k < 0, what << ": P(s' = " << k << ") = " << g << ", expected " << w);
}

// ----- macro by hand (docs/models.md §1.3) -----

/// The macro grids, written as 0.25 · 397^{i/(n-1)} - 0.25 (99.25/0.25 = 397) instead of numpy's
/// 10^linspace: the same numbers to ~1e-15 relative, endpoints exact (a_0 = 0, a_{n-1} = 99).
struct MacroGrids {
  std::vector<double> a, y;
  int actions = 20;
  explicit MacroGrids(int na = 200, int ny = 5, int nu = 20) : actions(nu) {
    for (int i = 0; i < na; ++i)
      a.push_back(std::max(0.25 * std::pow(397.0, static_cast<double>(i) / (na - 1)) - 0.25, 0.0));
    a.back() = 99.0;
    for (int i = 0; i < ny; ++i) y.push_back(0.35 * std::pow(2.25 / 0.35, static_cast<double>(i) / (ny - 1)) - 0.25);
  }
};

/// (K, L, r, w) of μ at noise z: K = Σ μ a, L = Σ μ y, r = e^z α (L/(K+1e-6))^{1-α},
/// w = e^z (1-α) (K/(L+1e-6))^α, α = 0.36.
struct Prices {
  double K = 0, L = 0, r = 0, w = 0;
};
Prices prices(const MacroGrids& g, const std::vector<double>& mu, double z, double alpha = 0.36) {
  Prices p;
  const std::size_t ny = g.y.size();
  for (std::size_t s = 0; s < mu.size(); ++s) {
    p.K += mu[s] * g.a[s / ny];
    p.L += mu[s] * g.y[s % ny];
  }
  p.r = std::exp(z) * alpha * std::pow(p.L / (p.K + 1e-6), 1.0 - alpha);
  p.w = std::exp(z) * (1.0 - alpha) * std::pow(p.K / (p.L + 1e-6), alpha);
  return p;
}

/// Kernel row of state (ia, iy) and share index k: x = (1+r) a + w y, a' = (1-u) x split linearly
/// between the grid points around it (all at the top when a' >= a_max); income index ±1 with
/// probability 0.1 each, 0.8 stays, clipped at the ends (so 0.9 stays at either end).
Row macroRow(const MacroGrids& g, const Prices& p, int ia, int iy, int k) {
  const int na = static_cast<int>(g.a.size()), ny = static_cast<int>(g.y.size());
  const double u = (k + 0.5) / g.actions, x = (1.0 + p.r) * g.a[ia] + p.w * g.y[iy], next = (1.0 - u) * x;
  std::map<int, double> wealth;
  if (next >= g.a.back()) {
    wealth[na - 1] = 1.0;
  } else {
    int i = 0;  // largest i <= na-2 with a_i <= a'
    while (i + 1 < na - 1 && g.a[i + 1] <= next) ++i;
    const double hi = (next - g.a[i]) / (g.a[i + 1] - g.a[i]);
    wealth[i] += 1.0 - hi;
    wealth[i + 1] += hi;
  }
  std::map<int, double> income;
  income[std::max(iy - 1, 0)] += 0.1;
  income[iy] += 0.8;
  income[std::min(iy + 1, ny - 1)] += 0.1;
  Row r;
  for (const auto& [i, pw] : wealth)
    for (const auto& [j, py] : income) r[static_cast<std::int64_t>(i) * ny + j] += pw * py;
  return r;
}

std::vector<double> uniform(std::int64_t n) { return std::vector<double>(static_cast<std::size_t>(n), 1.0 / n); }

/// The history z_0..z_T of every leaf.
std::vector<std::vector<std::vector<double>>> sampledHistories(const ScenarioTree& tree) {
  std::vector<std::vector<std::vector<double>>> out;
  for (int leaf : tree.leaves()) out.push_back(tree.history(leaf));
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Scenario trees of lq and beach_bar.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(lq_tree_is_a_held_sign) {
  // z ∈ {-1, +1} with probability 1/2 each, drawn at t = 0 and held: two chains of T+1 = 31 nodes.
  auto m = mfg::makeModel("lq");
  const auto tree = ScenarioTree::forModel(*m);
  BOOST_REQUIRE_EQUAL(tree.steps(), 30);
  BOOST_REQUIRE_EQUAL(tree.roots().size(), 2u);
  BOOST_CHECK_EQUAL(tree.size(), 62u);
  std::set<std::vector<double>> signs;
  for (int r : tree.roots()) {
    signs.insert(tree.node(r).z);
    BOOST_CHECK_EQUAL(tree.node(r).prob, 0.5);
  }
  BOOST_CHECK((signs == std::set<std::vector<double>>{{-1.0}, {1.0}}));
  for (int t = 0; t <= 30; ++t) BOOST_CHECK_EQUAL(tree.levelBegin(t + 1) - tree.levelBegin(t), 2);
  const auto leaves = tree.leaves();
  BOOST_REQUIRE_EQUAL(leaves.size(), 2u);
  double total = 0.0;
  for (int leaf : leaves) {
    total += tree.node(leaf).prob;
    BOOST_CHECK_EQUAL(tree.node(leaf).prob, 0.5);
    const auto path = tree.pathTo(leaf);
    BOOST_REQUIRE_EQUAL(path.size(), 31u);
    for (std::size_t t = 0; t < path.size(); ++t) {
      BOOST_CHECK_EQUAL(tree.node(path[t]).level, static_cast<int>(t));
      BOOST_CHECK(tree.node(path[t]).z == tree.node(path[0]).z);  // held for the episode
      if (t > 0) BOOST_CHECK_EQUAL(tree.node(path[t]).cond_prob, 1.0);
    }
  }
  BOOST_CHECK_SMALL(total - 1.0, 1e-14);

  // common_noise = false: z = 0, a single chain of probability 1.
  const auto chain = ScenarioTree::forModel(*mfg::makeModel("lq", {{"common_noise", {0}}}));
  BOOST_REQUIRE_EQUAL(chain.roots().size(), 1u);
  BOOST_CHECK_EQUAL(chain.size(), 31u);
  BOOST_CHECK(chain.node(chain.roots()[0]).z == std::vector<double>{0.0});
  BOOST_CHECK_EQUAL(chain.node(chain.roots()[0]).prob, 1.0);
  BOOST_REQUIRE_EQUAL(chain.leaves().size(), 1u);
  BOOST_CHECK(chain.node(chain.leaves()[0]).z == std::vector<double>{0.0});
}

BOOST_AUTO_TEST_CASE(lq_rows_follow_the_shock_sign) {
  // docs/models.md §1.1: s̃ = clip(trunc(s + a + σ ρ ε_t), 0, 98), ε_t = −10 z for t < 8, +10 z for
  // t > 20, 0 otherwise, σ ρ = 0.5; then s' = clip(s̃ + k, 0, 98), p_k ∝ exp(−k²/2), k = −3..3.
  // The shift is written out by hand for each case; lq is symmetric under z → −z with s → 98 − s,
  // so only rows at a given (t, z) can tell the sign of the shock.
  auto m = mfg::makeModel("lq");
  double total = 0.0;
  for (int k = -3; k <= 3; ++k) total += std::exp(-k * k / 2.0);
  const auto p = [&](int k) { return std::exp(-k * k / 2.0) / total; };
  const struct { int t; double z; std::int64_t s, action_index, base; } cases[] = {
      {3, 1.0, 50, 3, 45},    // a = 0, ε = −10: shift −5
      {0, -1.0, 50, 5, 57},   // a = +2, ε = +10: shift +5
      {7, 1.0, 20, 6, 18},    // last shocked early step: a = +3, shift −5
      {8, 1.0, 50, 2, 49},    // no shock from t = 8: a = −1
      {20, -1.0, 50, 4, 51},  // ... to t = 20: a = +1
      {21, 1.0, 50, 3, 55},   // first late step: ε = +10 z, shift +5
      {29, -1.0, 60, 1, 53},  // a = −2, shift −5
      {25, -1.0, 2, 0, 0},    // 2 − 3 − 5 = −6, clipped to 0
      {2, -1.0, 96, 6, 98},   // 96 + 3 + 5 = 104, clipped to 98
  };
  std::vector<double> mu(99, 1.0 / 99), z(1);
  for (const auto& c : cases) {
    z[0] = c.z;
    MeanFieldView v;
    v.t = c.t;
    v.mu = mu;
    v.z = z;
    Row want;
    for (int k = -3; k <= 3; ++k) want[std::clamp<std::int64_t>(c.base + k, 0, 98)] += p(k);
    std::ostringstream what;
    what << "lq row t=" << c.t << " z=" << c.z << " s=" << c.s << " a=" << c.action_index - 3 << " (s~ = " << c.base
         << ")";
    checkRow(row(*m, v, c.s, c.action_index), want, what.str());
  }
}

BOOST_AUTO_TEST_CASE(beach_bar_tree_branches_at_15) {
  // z = (b, open): b uniform on {25..75} (51 roots, 1/51 each), open = 1; at t+1 = 15 each history
  // splits into closed/open with 1/2 each, otherwise z is held. T = 30: levels 0..14 have 51 nodes,
  // levels 15..30 have 102; 102 leaves of probability 1/102.
  auto m = mfg::makeModel("beach_bar");
  const auto tree = ScenarioTree::forModel(*m);
  BOOST_REQUIRE_EQUAL(tree.steps(), 30);
  BOOST_REQUIRE_EQUAL(tree.roots().size(), 51u);
  std::set<std::vector<double>> roots, want;
  for (int r : tree.roots()) {
    roots.insert(tree.node(r).z);
    BOOST_CHECK_CLOSE_FRACTION(tree.node(r).prob, 1.0 / 51, 1e-14);
  }
  for (int b = 25; b <= 75; ++b) want.insert({static_cast<double>(b), 1.0});
  BOOST_CHECK(roots == want);
  for (int t = 0; t <= 30; ++t)
    BOOST_CHECK_MESSAGE(tree.levelBegin(t + 1) - tree.levelBegin(t) == (t < 15 ? 51 : 102),
                        "level " << t << " has " << tree.levelBegin(t + 1) - tree.levelBegin(t) << " nodes");
  BOOST_CHECK_EQUAL(tree.size(), 51u * 15 + 102u * 16);
  // The branching step: every level-14 node has children (b, 0) and (b, 1) with 1/2 each.
  for (int id = tree.levelBegin(14); id < tree.levelBegin(15); ++id) {
    const auto& n = tree.node(id);
    BOOST_REQUIRE_EQUAL(n.children.size(), 2u);
    std::set<double> opens;
    for (int c : n.children) {
      BOOST_CHECK_EQUAL(tree.node(c).z[0], n.z[0]);
      opens.insert(tree.node(c).z[1]);
      BOOST_CHECK_EQUAL(tree.node(c).cond_prob, 0.5);
      BOOST_CHECK_CLOSE_FRACTION(tree.node(c).prob, 1.0 / 102.0, 1e-14);
    }
    BOOST_CHECK((opens == std::set<double>{0.0, 1.0}));
  }
  const auto leaves = tree.leaves();
  BOOST_REQUIRE_EQUAL(leaves.size(), 102u);
  double total = 0.0;
  for (int leaf : leaves) {
    total += tree.node(leaf).prob;
    BOOST_CHECK_CLOSE_FRACTION(tree.node(leaf).prob, 1.0 / 102.0, 1e-14);
    const auto path = tree.pathTo(leaf);
    BOOST_REQUIRE_EQUAL(path.size(), 31u);
    const auto& last = tree.node(leaf).z;
    for (std::size_t t = 0; t < path.size(); ++t) {
      const auto& n = tree.node(path[t]);
      BOOST_CHECK_EQUAL(n.z[0], last[0]);                   // the bar does not move
      BOOST_CHECK_EQUAL(n.z[1], t < 15 ? 1.0 : last[1]);    // open until 15, then held
      if (t > 0) BOOST_CHECK_EQUAL(n.cond_prob, t == 15 ? 0.5 : 1.0);
    }
  }
  BOOST_CHECK_SMALL(total - 1.0, 1e-13);
  // μ_0 is uniform on S \ {b}: 1/100 elsewhere, 0 on the bar.
  const auto mu0 = m->initialDistribution({40.0, 1.0});
  BOOST_REQUIRE_EQUAL(mu0.size(), 101u);
  for (int s = 0; s < 101; ++s) BOOST_CHECK_CLOSE_FRACTION(mu0[s] + (s == 40 ? 0.01 : 0.0), 0.01, 1e-14);
  // A horizon that ends before t = 15 never branches; with T = 15 the leaf level z_15 branches.
  BOOST_CHECK_EQUAL(ScenarioTree::forModel(*mfg::makeModel("beach_bar", {{"T", {10}}})).leaves().size(), 51u);
  BOOST_CHECK_EQUAL(ScenarioTree::forModel(*mfg::makeModel("beach_bar", {{"T", {15}}})).leaves().size(), 102u);
}

// ---------------------------------------------------------------------------------------------
// 2. macro prices.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(macro_shapes_and_prices_at_t0) {
  auto m = mfg::makeModel("macro");
  BOOST_CHECK((m->stateShape() == std::vector<std::int64_t>{200, 5}));
  BOOST_CHECK_EQUAL(m->numActions(), 20);
  BOOST_CHECK_EQUAL(m->numSteps(), 128);
  BOOST_CHECK_CLOSE_FRACTION(m->discount(), 0.95, 1e-15);
  const auto mu0 = m->initialDistribution({0.0});
  BOOST_REQUIRE_EQUAL(mu0.size(), 1000u);
  for (double p : mu0) BOOST_CHECK_CLOSE_FRACTION(p, 1e-3, 1e-14);

  // Uniform μ_0: K = mean of the wealth grid ≈ 16.4616, L = mean of (0.1, 0.3073, 0.6374, 1.1630,
  // 2.0) ≈ 0.84155; r_0 = 0.36 (0.84155/16.4616)^0.64 ≈ 0.053680, w_0 = 0.64 (16.4616/0.84155)^0.36
  // ≈ 1.86672 (reference.md: 0.0537 and 1.867).
  const MacroGrids g;
  BOOST_CHECK_CLOSE_FRACTION(g.y[1], 0.3073, 1e-4);  // the spec's printed income grid
  BOOST_CHECK_CLOSE_FRACTION(g.y[3], 1.163, 1e-3);
  Field f{0, uniform(1000), {}, {0.0}, {}, {}};
  f.view(*m);
  BOOST_REQUIRE_EQUAL(f.stats.size(), 4u);
  const Prices p = prices(g, f.mu, 0.0);
  BOOST_CHECK(std::abs(p.K - 16.4616) < 1e-4 && std::abs(p.L - 0.84155) < 1e-5);
  BOOST_CHECK(std::abs(f.stats[2] - 0.0537) <= 5e-4 * 0.0537);
  BOOST_CHECK(std::abs(f.stats[3] - 1.867) <= 5e-4 * 1.867);
  // TFP: z = 0.1 scales both prices by e^{0.1}; K and L do not move. o_t = (r_t, w_t).
  for (double z : {0.0, 0.1}) {
    Field h{0, f.mu, {}, {z}, {}, {}};
    const auto o = m->observation(h.view(*m));
    const std::vector<double> want = {p.K, p.L, std::exp(z) * p.r, std::exp(z) * p.w};
    for (int i = 0; i < 4; ++i) checkClose(h.stats[i], want[i], "z=" + std::to_string(z) + " (K,L,r,w)[" + std::to_string(i) + "]");
    BOOST_REQUIRE_EQUAL(o.size(), 2u);
    checkClose(o[0], want[2], "observation r at z = " + std::to_string(z));
    checkClose(o[1], want[3], "observation w at z = " + std::to_string(z));
  }

  // A point mass on (i_a, i_y) = (100, 3): K = a_100, L = y_3.
  Field d{0, std::vector<double>(1000, 0.0), {}, {-0.02}, {}, {}};
  d.mu[100 * 5 + 3] = 1.0;
  d.view(*m);
  const Prices q = prices(g, d.mu, -0.02);  // K = a_100 ≈ 4.81, L = y_3 ≈ 1.163
  const std::vector<double> want = {g.a[100], g.y[3], q.r, q.w};
  for (int i = 0; i < 4; ++i) checkClose(d.stats[i], want[i], "point mass stats[" + std::to_string(i) + "]");
}

// ---------------------------------------------------------------------------------------------
// 3. macro kernel rows and rewards.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(macro_kernel_rows_and_rewards_by_hand) {
  auto m = mfg::makeModel("macro");
  const MacroGrids g;
  const auto S = [](int ia, int iy) { return static_cast<std::int64_t>(ia * 5 + iy); };
  for (double z : {0.0, 0.05}) {
    BOOST_TEST_CONTEXT("z = " << z) {
      Field f{0, uniform(1000), {}, {z}, {}, {}};
      const auto v = f.view(*m);
      const Prices p = prices(g, f.mu, z);
      // Spot cases: (i_a, i_y, k) with u = (k+0.5)/20. At z = 0 (r ≈ 0.053680, w ≈ 1.866725):
      //  (0,0,0):    x = w·0.1 ≈ 0.186672, a' = 0.975 x ≈ 0.182006 ∈ [a_18, a_19) = [0.17954, 0.19266),
      //              weight on a_19 ≈ 0.18782; income 0 stays with 0.9, 1 with 0.1.
      //  (50,2,10):  x ≈ 2.11116, a' = 0.475 x ≈ 1.00280 ∈ [a_53, a_54), weight ≈ 0.59381.
      //  (120,4,3):  x ≈ 13.1921, a' = 0.825 x ≈ 10.8835 ∈ [a_126, a_127), weight ≈ 0.24420; the top
      //              income keeps 0.9 and moves down with 0.1.
      //  (199,4,0):  x = 1.05368·99 + w·2 ≈ 108.048, a' ≈ 105.35 >= 99: all wealth mass at a_199.
      //  (199,0,19): x ≈ 104.501, a' = 0.025 x ≈ 2.61252 ∈ [a_81, a_82), weight ≈ 0.07628.
      //  (10,1,5):   x ≈ 0.666072, a' = 0.725 x ≈ 0.482902 ∈ [a_35, a_36), weight ≈ 0.76552.
      const int cases[][3] = {{0, 0, 0}, {50, 2, 10}, {120, 4, 3}, {199, 4, 0}, {199, 0, 19}, {10, 1, 5}};
      for (const auto& c : cases) {
        checkRow(row(*m, v, S(c[0], c[1]), c[2]), macroRow(g, p, c[0], c[1], c[2]),
                 "row (" + std::to_string(c[0]) + "," + std::to_string(c[1]) + "), k=" + std::to_string(c[2]));
      }
      if (z == 0.0) {
        // The numbers of the comment above (computed separately in double precision).
        const double w18 = 0.18782015617749898, w53 = 0.5938061324950906;
        checkRow(row(*m, v, S(0, 0), 0),
                 {{S(18, 0), 0.9 * (1 - w18)}, {S(18, 1), 0.1 * (1 - w18)}, {S(19, 0), 0.9 * w18}, {S(19, 1), 0.1 * w18}},
                 "(0,0,0) literal", 1e-9);
        checkRow(row(*m, v, S(50, 2), 10),
                 {{S(53, 1), 0.1 * (1 - w53)}, {S(53, 2), 0.8 * (1 - w53)}, {S(53, 3), 0.1 * (1 - w53)},
                  {S(54, 1), 0.1 * w53}, {S(54, 2), 0.8 * w53}, {S(54, 3), 0.1 * w53}},
                 "(50,2,10) literal", 1e-9);
      }
      // a' >= 99 puts all wealth mass at the top point: from (199, 4) every share u <= 0.075 gives
      // a' >= 0.925 · 108 > 99; from (199, 2) with u = 0.025: x ≈ 1.0537·99 + 1.867·0.637 ≈ 105.5.
      checkRow(row(*m, v, S(199, 4), 0), {{S(199, 3), 0.1}, {S(199, 4), 0.9}}, "top wealth, top income");
      checkRow(row(*m, v, S(199, 4), 1), {{S(199, 3), 0.1}, {S(199, 4), 0.9}}, "top wealth, u = 0.075");
      checkRow(row(*m, v, S(199, 2), 0), {{S(199, 1), 0.1}, {S(199, 2), 0.8}, {S(199, 3), 0.1}}, "top wealth, y_2");
      // Every row against the hand formula.
      long bad = 0;
      for (int ia = 0; ia < 200; ++ia)
        for (int iy = 0; iy < 5; ++iy)
          for (int k = 0; k < 20; ++k) {
            double x = 0, y = 0;
            const auto at = worst(row(*m, v, S(ia, iy), k), macroRow(g, p, ia, iy, k), 1e-12, x, y);
            if (at >= 0 && ++bad <= 5)
              BOOST_ERROR("row (" << ia << "," << iy << ") k=" << k << ": P(" << at << ") = " << x << ", expected " << y);
          }
      BOOST_CHECK_EQUAL(bad, 0);

      // Rewards, σ = 2: u(c) = c^{-1}/(-1) = -1/c with c = u x; at t = T-1 = 127, u(x) = -1/x.
      for (const auto& c : cases) {
        const double x = (1.0 + p.r) * g.a[c[0]] + p.w * g.y[c[1]], u = (c[2] + 0.5) / 20.0;
        checkClose(m->reward(v, S(c[0], c[1]), c[2]), -1.0 / (u * x), "reward t=0");
        Field last = f;
        last.t = 127;
        checkClose(m->reward(last.view(*m), S(c[0], c[1]), c[2]), -1.0 / x, "reward t=T-1");
      }
      if (z == 0.0) checkClose(m->reward(v, S(0, 0), 0), -214.2790750866236, "reward (0,0,0) literal", 1e-9);
    }
  }
  // σ = 3: u(c) = c^{-2}/(-2).
  auto m3 = mfg::makeModel("macro", {{"sigma", {3.0}}});
  Field f{0, uniform(1000), {}, {0.0}, {}, {}};
  const Prices p = prices(g, f.mu, 0.0);
  const double c = 0.525 * ((1.0 + p.r) * g.a[50] + p.w * g.y[2]);
  checkClose(m3->reward(f.view(*m3), S(50, 2), 10), -0.5 / (c * c), "sigma = 3 reward");
}

// ---------------------------------------------------------------------------------------------
// 4. Rows are probability vectors at every node of the enumerated trees.
// ---------------------------------------------------------------------------------------------

namespace {

/// Walks the tree level by level with the uniform policy: μ at a root is initialDistribution(z_0),
/// a child gets μ_{t+1}(s') = Σ_{s,a} μ(s) (1/|A|) P(s'|s,a) of its parent (which reads z_t only).
/// Checks every (s,a) row at every decision node (non-negative, inside S, sum 1 within 1e-12) and
/// every reward for every child's z_{t+1}; `extra(view, node, s, a, row)` adds model checks.
template <class Extra>
void walkTree(const Model& m, const ScenarioTree& tree, Extra extra) {
  const std::int64_t S = m.numStates(), A = m.numActions();
  std::vector<std::vector<double>> mus(tree.size());
  for (int r : tree.roots()) mus[r] = m.initialDistribution(tree.node(r).z);
  long bad_entry = 0, bad_sum = 0, bad_reward = 0, bad_mu = 0;
  std::vector<Transition> out;
  for (int id = 0; id < tree.decisionNodes(); ++id) {
    const auto& node = tree.node(id);
    Field f{node.level, mus[id], {}, node.z, {}, {}};
    auto v = f.view(m);
    std::vector<double> next(static_cast<std::size_t>(S), 0.0);
    for (std::int64_t s = 0; s < S; ++s)
      for (std::int64_t a = 0; a < A; ++a) {
        m.transitions(v, s, a, out);
        double sum = 0.0;
        Row r;
        for (const auto& tr : out) {
          const bool ok = tr.prob >= 0.0 && std::isfinite(tr.prob) && tr.next >= 0 && tr.next < S;
          if (!ok && ++bad_entry <= 5)
            BOOST_ERROR("node " << id << " s=" << s << " a=" << a << ": entry (" << tr.next << ", " << tr.prob << ")");
          sum += tr.prob;
          r[tr.next] += tr.prob;
          if (ok) next[tr.next] += f.mu[s] / A * tr.prob;
        }
        if (std::abs(sum - 1.0) > 1e-12 && ++bad_sum <= 5)
          BOOST_ERROR("node " << id << " (t=" << node.level << ") s=" << s << " a=" << a << ": row sums to " << sum);
        extra(v, id, s, a, r);
      }
    double total = 0.0;
    for (double p : next) total += p;
    if (std::abs(total - 1.0) > 1e-10 && ++bad_mu <= 5) BOOST_ERROR("node " << id << ": μ_{t+1} sums to " << total);
    for (int c : node.children) {
      mus[c] = next;
      Field g = f;
      g.mu_next = next;
      g.z_next = tree.node(c).z;
      const auto w = g.view(m);
      for (std::int64_t s = 0; s < S; ++s)
        for (std::int64_t a = 0; a < A; ++a)
          if (!std::isfinite(m.reward(w, s, a)) && ++bad_reward <= 5)
            BOOST_ERROR("node " << id << " child " << c << " s=" << s << " a=" << a << ": non-finite reward");
    }
  }
  BOOST_CHECK_EQUAL(bad_entry, 0);
  BOOST_CHECK_EQUAL(bad_sum, 0);
  BOOST_CHECK_EQUAL(bad_reward, 0);
  BOOST_CHECK_EQUAL(bad_mu, 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(lq_and_beach_bar_rows_at_every_node) {
  auto lq = mfg::makeModel("lq");
  walkTree(*lq, ScenarioTree::forModel(*lq), [](const MeanFieldView&, int, std::int64_t, std::int64_t, const Row&) {});
  // beach_bar: besides, nobody steps onto the bar from another state (proj keeps s' ≠ b).
  auto bb = mfg::makeModel("beach_bar");
  long on_bar = 0;
  walkTree(*bb, ScenarioTree::forModel(*bb),
           [&](const MeanFieldView& v, int id, std::int64_t s, std::int64_t a, const Row& r) {
             const auto b = static_cast<std::int64_t>(v.z[0]);
             if (s != b && r.count(b) && ++on_bar <= 5)
               BOOST_ERROR("beach_bar node " << id << " s=" << s << " a=" << a << " reaches the bar " << b);
           });
  BOOST_CHECK_EQUAL(on_bar, 0);
}

BOOST_AUTO_TEST_CASE(macro_rouwenhorst_tree_and_rows) {
  // noise_points = 3, T = 4, 20 wealth points: p = (1+0.9)/2 = 0.95, ψ = 0.03/√(1-0.81)·√2
  // ≈ 0.097333; grid (-ψ, 0, ψ); rows [p², 2p(1-p), (1-p)²], [p(1-p), p²+(1-p)², p(1-p)],
  // [(1-p)², 2p(1-p), p²]; z_0 = 0 with probability 1. All entries > 0: 1+3+9+27+81 = 121 nodes.
  auto m = mfg::makeModel("macro", {{"noise_points", {3}}, {"T", {4}}, {"wealth_points", {20}}});
  BOOST_REQUIRE(m->noise() != nullptr);
  BOOST_CHECK(m->noise()->finite());
  BOOST_CHECK((m->stateShape() == std::vector<std::int64_t>{20, 5}));
  const double rho = 0.9, nu = 0.03, p = (1.0 + rho) / 2.0, psi = nu / std::sqrt(1.0 - rho * rho) * std::sqrt(2.0);
  const double grid[3] = {-psi, 0.0, psi};
  const double P[3][3] = {{p * p, 2 * p * (1 - p), (1 - p) * (1 - p)},
                          {p * (1 - p), p * p + (1 - p) * (1 - p), p * (1 - p)},
                          {(1 - p) * (1 - p), 2 * p * (1 - p), p * p}};
  const auto point = [&](double z) {
    for (int i = 0; i < 3; ++i)
      if (std::abs(z - grid[i]) <= 1e-15) return i;
    BOOST_ERROR("z = " << z << " is not a point of the 3-point grid (±" << psi << ", 0)");
    return 1;
  };
  const auto tree = ScenarioTree::forModel(*m);
  BOOST_REQUIRE_EQUAL(tree.roots().size(), 1u);
  BOOST_CHECK(tree.node(tree.roots()[0]).z == std::vector<double>{0.0});
  BOOST_CHECK_EQUAL(tree.node(tree.roots()[0]).prob, 1.0);
  BOOST_CHECK_EQUAL(tree.size(), 121u);
  BOOST_CHECK_EQUAL(tree.leaves().size(), 81u);
  for (int id = 0; id < tree.decisionNodes(); ++id) {
    const auto& n = tree.node(id);
    BOOST_REQUIRE_EQUAL(n.children.size(), 3u);
    std::set<int> seen;
    for (int c : n.children) {
      const int j = point(tree.node(c).z[0]);
      seen.insert(j);
      BOOST_CHECK_CLOSE_FRACTION(tree.node(c).cond_prob, P[point(n.z[0])][j], 1e-13);
    }
    BOOST_CHECK_EQUAL(seen.size(), 3u);
  }
  double total = 0.0;
  for (int leaf : tree.leaves()) {
    total += tree.node(leaf).prob;
    const auto h = tree.history(leaf);
    double want = 1.0;
    for (std::size_t t = 1; t < h.size(); ++t) want *= P[point(h[t - 1][0])][point(h[t][0])];
    BOOST_CHECK_CLOSE_FRACTION(tree.node(leaf).prob, want, 1e-13);
  }
  BOOST_CHECK_SMALL(total - 1.0, 1e-13);

  // Rows at every node: probability vectors, and equal to the hand row at that node's μ and z.
  const MacroGrids g(20, 5, 20);
  long bad = 0;
  int priced = -1;  // the node whose prices `pr` holds
  Prices pr;
  walkTree(*m, tree, [&](const MeanFieldView& v, int id, std::int64_t s, std::int64_t a, const Row& r) {
    if (id != priced) pr = prices(g, std::vector<double>(v.mu.begin(), v.mu.end()), v.z[0]), priced = id;
    double x = 0, y = 0;
    const auto at = worst(r, macroRow(g, pr, static_cast<int>(s / 5), static_cast<int>(s % 5), static_cast<int>(a)),
                          1e-12, x, y);
    if (at >= 0 && ++bad <= 5)
      BOOST_ERROR("macro node " << id << " s=" << s << " a=" << a << ": P(" << at << ") = " << x << ", expected " << y);
  });
  BOOST_CHECK_EQUAL(bad, 0);
}

BOOST_AUTO_TEST_CASE(macro_rouwenhorst_5_points_matches_the_ar1_moments) {
  // Rouwenhorst with p = q = (1+ρ)/2 is the sum of n-1 independent two-state chains on ±h,
  // h = ψ/(n-1), each with E[x'|x] = (2p-1)x = ρx and Var[x'|x] = h²(1-ρ²); so at every grid point
  // E[z'|z] = ρ z and Var[z'|z] = (n-1)h²(1-ρ²) = ψ²(1-ρ²)/(n-1) = ν², the AR(1)'s moments.
  // Grid for n = 5: equally spaced on [-ψ, ψ], ψ = ν/√(1-ρ²)·2.
  for (double rho : {0.9, 0.5}) {
    auto m = mfg::makeModel("macro", {{"noise_points", {5}}, {"T", {2}}, {"rho_z", {rho}}});
    const double nu = 0.03, psi = nu / std::sqrt(1.0 - rho * rho) * 2.0;
    const auto tree = ScenarioTree::forModel(*m);
    BOOST_REQUIRE_EQUAL(tree.roots().size(), 1u);
    const auto& root = tree.node(tree.roots()[0]);
    BOOST_REQUIRE_EQUAL(root.children.size(), 5u);
    std::vector<double> pts;
    for (int c : root.children) pts.push_back(tree.node(c).z[0]);
    std::sort(pts.begin(), pts.end());
    for (int i = 0; i < 5; ++i) checkClose(pts[i], -psi + psi * i / 2.0, "grid point " + std::to_string(i), 1e-14);
    for (int c : root.children) {
      const double z = tree.node(c).z[0];
      double total = 0.0, mean = 0.0, second = 0.0;
      for (int cc : tree.node(c).children) {
        const double q = tree.node(cc).cond_prob, z2 = tree.node(cc).z[0];
        BOOST_CHECK(q >= 0.0);
        total += q;
        mean += q * z2;
        second += q * z2 * z2;
      }
      checkClose(total, 1.0, "row sum from z = " + std::to_string(z));
      BOOST_CHECK_SMALL(mean - rho * z, 1e-14);
      BOOST_CHECK_SMALL(second - mean * mean - nu * nu, 1e-14);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Sampled paths.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sampled_paths_are_reproducible_by_seed) {
  const std::vector<std::pair<std::string, Overrides>> models = {
      {"lq", {}}, {"beach_bar", {}}, {"macro", {}}, {"macro", {{"noise_points", {3}}}}};
  for (const auto& [name, ov] : models) {
    BOOST_TEST_CONTEXT(name << (ov.empty() ? "" : " (3 points)")) {
      auto m = mfg::makeModel(name, ov);
      BOOST_REQUIRE(m->noise() != nullptr);
      const int steps = ov.empty() ? 20 : 8, paths = 64;  // 3^8 histories on the 3-point chain
      const auto a = ScenarioTree::sampledPaths(*m->noise(), steps, paths, 2024);
      const auto b = ScenarioTree::sampledPaths(*m->noise(), steps, paths, 2024);
      const auto c = ScenarioTree::sampledPaths(*m->noise(), steps, paths, 2025);
      BOOST_REQUIRE_EQUAL(a.roots().size(), static_cast<std::size_t>(paths));
      BOOST_REQUIRE_EQUAL(a.leaves().size(), static_cast<std::size_t>(paths));
      for (int r : a.roots()) BOOST_CHECK_CLOSE_FRACTION(a.node(r).prob, 1.0 / paths, 1e-15);
      const auto ha = sampledHistories(a), hb = sampledHistories(b), hc = sampledHistories(c);
      BOOST_CHECK(ha == hb);  // bit for bit
      BOOST_CHECK(ha != hc);
      // Finite processes: every sampled history is a history of the enumerated tree.
      if (m->noise()->finite()) {
        const auto full = ScenarioTree::enumerate(*m->noise(), steps, 2000000);
        for (const auto& h : ha) BOOST_CHECK(full.find(h) >= 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(macro_continuous_ar1_has_the_right_law) {
  // z_0 = 0, z_{t+1} = 0.9 z_t + 0.03 ξ_t: z_1 = 0.03 ξ_0 ~ N(0, 0.03²); the innovations
  // e_t = z_{t+1} - 0.9 z_t are N(0, ν²) and independent. Tolerance: 5 standard errors, SE(mean) =
  // ν/√n, SE(variance) ≈ ν²√(2/(n-1)), SE(correlation) ≈ 1/√n.
  auto m = mfg::makeModel("macro");
  BOOST_REQUIRE(m->noise() != nullptr);
  BOOST_CHECK(!m->noise()->finite());
  BOOST_CHECK_THROW(m->noise()->next(std::vector<std::vector<double>>{{0.0}}), std::exception);
  BOOST_CHECK_THROW(ScenarioTree::forModel(*m), InputError);
  const int n = 2000;
  const double rho = 0.9, nu = 0.03;
  const auto tree = ScenarioTree::sampledPaths(*m->noise(), 3, n, 7);
  std::vector<double> e1, e2;
  for (const auto& h : sampledHistories(tree)) {
    BOOST_REQUIRE_EQUAL(h.size(), 4u);
    BOOST_CHECK_EQUAL(h[0][0], 0.0);
    e1.push_back(h[1][0]);
    e2.push_back(h[2][0] - rho * h[1][0]);
  }
  const auto moments = [](const std::vector<double>& x) {
    double mean = 0.0, var = 0.0;
    for (double v : x) mean += v;
    mean /= x.size();
    for (double v : x) var += (v - mean) * (v - mean);
    return std::pair<double, double>{mean, var / (x.size() - 1)};
  };
  for (const auto* x : {&e1, &e2}) {
    const auto [mean, var] = moments(*x);
    BOOST_CHECK_MESSAGE(std::abs(mean) <= 5.0 * nu / std::sqrt(n), "innovation mean " << mean);
    BOOST_CHECK_MESSAGE(std::abs(var - nu * nu) <= 5.0 * nu * nu * std::sqrt(2.0 / (n - 1)),
                        "innovation variance " << var << ", expected " << nu * nu);
  }
  double cov = 0.0;
  for (int i = 0; i < n; ++i) cov += e1[i] * e2[i];
  const double corr = cov / n / (nu * nu);
  BOOST_CHECK_MESSAGE(std::abs(corr) <= 5.0 / std::sqrt(n), "innovations correlated: " << corr);
}

// ---------------------------------------------------------------------------------------------
// 6. Bad parameters.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(macro_rejects_bad_parameters) {
  expectInputError("macro", {{"noise_points", {2}}}, "noise_points");
  expectInputError("macro", {{"noise_points", {4}}}, "noise_points");
  expectInputError("macro", {{"noise_points", {1}}}, "noise_points");
  expectInputError("macro", {{"noise_points", {-1}}}, "noise_points");
  expectInputError("macro", {{"wealth_points", {1}}}, "wealth_points");
  // Valid discretisations are accepted.
  BOOST_CHECK_NO_THROW(mfg::makeModel("macro", {{"noise_points", {3}}}));
  BOOST_CHECK_NO_THROW(mfg::makeModel("macro", {{"noise_points", {7}}}));
}
