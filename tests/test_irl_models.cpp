#define BOOST_TEST_MODULE irl_models
#include <boost/test/unit_test.hpp>

// The inverse-RL family's dynamics parameters, their transfer values, and the synthetic taxi
// (docs/models.md §3). Every expected number is computed by hand in the comments or by a formula
// written out here independently of the model's code (taxi's demand map: exp of the squared
// distance here, a product of per-axis factors in the model). The structural checks that every
// model gets (rows sum to 1 inside the support, rewardBlock, own-state reads at default size) are
// in test_models.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ModelChecks.hpp"
#include "solver/models/irl/IrlModels.hpp"

using mfg::MeanFieldView;
using mfg::Model;
using mfg::Transition;
using mfg::testing::checkClose;
using mfg::testing::expectInputError;
using mfg::testing::Overrides;
using mfg::testing::Row;
using mfg::testing::row;

namespace {

/// μ and the model's aggregates, kept alive for the view that points to them.
struct Field {
  explicit Field(std::vector<double> m) : mu(std::move(m)) {}
  std::vector<double> mu, stats;
  MeanFieldView view(const Model& m) {
    MeanFieldView v;
    v.mu = mu;
    m.aggregate(v, stats);
    v.stats = stats;
    return v;
  }
};

std::vector<double> pointMass(std::size_t n, std::size_t at) {
  std::vector<double> mu(n, 0.0);
  mu[at] = 1.0;
  return mu;
}

std::vector<double> randomMu(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> mu(n);
  double total = 0.0;
  for (double& x : mu) total += (x = u(rng));
  for (double& x : mu) x /= total;
  return mu;
}

/// Rows compared entry by entry (a missing successor has probability 0); `exact` asks for ==.
void checkRow(const Row& got, const Row& want, const std::string& what, bool exact = false) {
  std::set<std::int64_t> keys;
  for (const auto& [k, p] : got) keys.insert(k);
  for (const auto& [k, p] : want) keys.insert(k);
  for (auto k : keys) {
    const double g = got.count(k) ? got.at(k) : 0.0, w = want.count(k) ? want.at(k) : 0.0;
    BOOST_CHECK_MESSAGE(exact ? g == w : std::abs(g - w) <= 1e-12,
                        what << ": P(s' = " << k << ") = " << g << ", expected " << w);
  }
}

/// P(uniform on {lo..hi}) scaled by `mass`.
Row uniformOn(std::int64_t lo, std::int64_t hi, double mass = 1.0) {
  Row r;
  for (std::int64_t j = lo; j <= hi; ++j) r[j] = mass / static_cast<double>(hi - lo + 1);
  return r;
}

std::vector<std::int64_t> supportOf(const Model& m, std::int64_t s, std::int64_t a) {
  std::vector<std::int64_t> cols;
  m.support(s, a, cols);
  return cols;
}

std::vector<std::int64_t> range(std::int64_t lo, std::int64_t hi) {
  std::vector<std::int64_t> v;
  for (std::int64_t j = lo; j <= hi; ++j) v.push_back(j);
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Defaults: the published dynamics (docs/models.md §3.1–3.3), bit for bit.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(default_dynamics_are_the_published_ones_bit_for_bit) {
  std::mt19937_64 rng(7);
  auto malware = mfg::makeModel("malware"), investment = mfg::makeModel("investment"), sis = mfg::makeModel("sis");
  // Malware: repair -> 0; nothing -> uniform on {s..9}, each 1/(10 - s) as one division.
  Field f{randomMu(10, rng)};
  auto v = f.view(*malware);
  for (std::int64_t s = 0; s < 10; ++s) {
    checkRow(row(*malware, v, s, 1), {{0, 1.0}}, "malware repair s=" + std::to_string(s), true);
    checkRow(row(*malware, v, s, 0), uniformOn(s, 9), "malware nothing s=" + std::to_string(s), true);
    BOOST_CHECK(supportOf(*malware, s, 1) == std::vector<std::int64_t>{0});
    BOOST_CHECK(supportOf(*malware, s, 0) == range(s, 9));
  }
  // Investment on both sides of ⟨μ⟩ = 4: point masses at 3 (below) and 4 (not below).
  for (std::size_t at : {3u, 4u}) {
    Field g{pointMass(10, at)};
    auto w = g.view(*investment);
    for (std::int64_t s = 0; s < 10; ++s) {
      const std::int64_t top = at < 4 ? 9 : s + (10 - s) / 2;
      checkRow(row(*investment, w, s, 1), uniformOn(s, top), "investment ⟨μ⟩=" + std::to_string(at), true);
      checkRow(row(*investment, w, s, 0), {{s, 1.0}}, "investment none", true);
      BOOST_CHECK(supportOf(*investment, s, 1) == range(s, 9));
    }
  }
  // SIS: recovery 0.3, whatever the action; 0.7 must be the literal double.
  Field h{{0.55, 0.45}};
  auto x = h.view(*sis);
  for (std::int64_t a = 0; a < 2; ++a) checkRow(row(*sis, x, 1, a), {{0, 0.3}, {1, 0.7}}, "sis infected", true);
  checkRow(row(*sis, x, 0, 1), {{0, 1.0 - 0.81 * 0.45}, {1, 0.81 * 0.45}}, "sis S out");
  // The new parameters exist with the neutral defaults.
  BOOST_CHECK_EQUAL(malware->parameters().real("repair_prob"), 1.0);
  BOOST_CHECK_EQUAL(malware->parameters().integer("drift_span"), 10);
  BOOST_CHECK_EQUAL(investment->parameters().real("threshold"), 4.0);
  BOOST_CHECK_EQUAL(sis->parameters().real("recovery"), 0.3);
}

// ---------------------------------------------------------------------------------------------
// Changed dynamics, by hand.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(malware_failed_repairs_and_shorter_drift) {
  auto m = mfg::makeModel("malware", {{"repair_prob", {0.7}}, {"drift_span", {4}}});
  Field f{pointMass(10, 2)};
  auto v = f.view(*m);
  // Nothing at s = 3: {3..6}, 1/4 each; at s = 8 the span is capped at 9: {8, 9}, 1/2 each.
  checkRow(row(*m, v, 3, 0), {{3, 0.25}, {4, 0.25}, {5, 0.25}, {6, 0.25}}, "s=3 nothing");
  checkRow(row(*m, v, 8, 0), {{8, 0.5}, {9, 0.5}}, "s=8 nothing");
  // Repair at s = 5: 0 with 0.7, and 0.3 over {5..8}, 0.075 each.
  checkRow(row(*m, v, 5, 1), {{0, 0.7}, {5, 0.075}, {6, 0.075}, {7, 0.075}, {8, 0.075}}, "s=5 repair");
  // Repair at s = 0: the failed repair's drift {0..3} also reaches 0: 0.7 + 0.075.
  checkRow(row(*m, v, 0, 1), {{0, 0.775}, {1, 0.075}, {2, 0.075}, {3, 0.075}}, "s=0 repair");
  BOOST_CHECK(supportOf(*m, 5, 1) == (std::vector<std::int64_t>{0, 5, 6, 7, 8}));
  BOOST_CHECK(supportOf(*m, 0, 1) == range(0, 3));
  BOOST_CHECK(supportOf(*m, 3, 0) == range(3, 6));
  // repair_prob alone (full drift span): s = 5 repair -> 0 with 0.7, 0.3/5 = 0.06 on {5..9}.
  auto r = mfg::makeModel("malware", {{"repair_prob", {0.7}}});
  Field g{pointMass(10, 2)};
  checkRow(row(*r, g.view(*r), 5, 1), {{0, 0.7}, {5, 0.06}, {6, 0.06}, {7, 0.06}, {8, 0.06}, {9, 0.06}},
           "repair_prob 0.7, s=5 repair");
  // repair_prob 0: repairing moves like doing nothing (and pays l).
  auto z = mfg::makeModel("malware", {{"repair_prob", {0.0}}});
  Field h{pointMass(10, 2)};
  auto w = h.view(*z);
  checkRow(row(*z, w, 4, 1), uniformOn(4, 9), "repair_prob 0, s=4 repair");
  BOOST_CHECK(supportOf(*z, 4, 1) == range(4, 9));
  // The reward is untouched: ⟨μ⟩ = 2, r(5, repair) = -(0.2 + 0.2)·0.5 - 0.5.
  checkClose(m->reward(v, 5, 1), -0.4 * 0.5 - 0.5, "r(5, repair)");
  expectInputError("malware", {{"drift_span", {0}}}, "drift_span");
  expectInputError("malware", {{"repair_prob", {1.2}}}, "repair_prob");
}

BOOST_AUTO_TEST_CASE(investment_threshold) {
  // ⟨μ⟩ = 5 (point mass on 5): not below 4 (half effective), below 6 (fully effective).
  auto low = mfg::makeModel("investment"), high = mfg::makeModel("investment", {{"threshold", {6.0}}});
  Field f{pointMass(10, 5)}, g{pointMass(10, 5)}, h{pointMass(10, 6)};
  checkRow(row(*low, f.view(*low), 3, 1), {{3, 0.25}, {4, 0.25}, {5, 0.25}, {6, 0.25}}, "threshold 4, s=3");
  checkRow(row(*high, g.view(*high), 3, 1), uniformOn(3, 9), "threshold 6, s=3: 1/7 each");
  // ⟨μ⟩ = 6 is not below 6: {3..3 + ⌊7/2⌋} = {3..6}.
  checkRow(row(*high, h.view(*high), 3, 1), uniformOn(3, 6), "threshold 6, ⟨μ⟩ = 6");
  // Reward 0.3·s/10 - 0.2·⟨μ⟩/10 - 0.2·a: r(3, invest) at ⟨μ⟩ = 5 = 0.09 - 0.1 - 0.2.
  checkClose(high->reward(g.view(*high), 3, 1), 0.09 - 0.1 - 0.2, "r(3, invest)");
}

BOOST_AUTO_TEST_CASE(sis_recovery) {
  auto m = mfg::makeModel("sis", {{"recovery", {0.15}}});
  Field f{{0.6, 0.4}};
  auto v = f.view(*m);
  for (std::int64_t a = 0; a < 2; ++a) checkRow(row(*m, v, 1, a), {{0, 0.15}, {1, 0.85}}, "infected");
  checkRow(row(*m, v, 0, 1), {{0, 1.0 - 0.324}, {1, 0.324}}, "S out: 0.81 · 0.4");
  checkClose(m->reward(v, 1, 1), -2.0, "r(I, out)");
  expectInputError("sis", {{"recovery", {-0.1}}}, "recovery");
}

// ---------------------------------------------------------------------------------------------
// transferDynamics.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(transfer_dynamics_values) {
  BOOST_CHECK(mfg::transferDynamics("malware") == (Overrides{{"repair_prob", {0.7}}, {"drift_span", {4}}}));
  BOOST_CHECK(mfg::transferDynamics("investment") == (Overrides{{"threshold", {6.0}}}));
  BOOST_CHECK(mfg::transferDynamics("sis") == (Overrides{{"recovery", {0.15}}}));
  BOOST_CHECK(mfg::transferDynamics("taxi") == (Overrides{{"ride_radius", {4}}}));
  for (const char* none : {"lq", "classic/beach_bar", "no_such_model"})
    BOOST_CHECK_THROW(mfg::transferDynamics(none), mfg::InputError);
  // Applied: malware's s = 5 repair row is the hand-computed one above.
  auto m = mfg::makeModel("malware", mfg::transferDynamics("malware"));
  Field f{pointMass(10, 0)};
  checkRow(row(*m, f.view(*m), 5, 1), {{0, 0.7}, {5, 0.075}, {6, 0.075}, {7, 0.075}, {8, 0.075}}, "transfer malware");
  auto s = mfg::makeModel("sis", mfg::transferDynamics("sis"));
  Field g{{0.5, 0.5}};
  checkRow(row(*s, g.view(*s), 1, 0), {{0, 0.15}, {1, 0.85}}, "transfer sis");
}

BOOST_AUTO_TEST_CASE(transfer_changes_the_kernel_and_never_the_reward) {
  const std::set<std::string> reward_or_horizon = {"k", "l", "d", "c", "c_inf", "income_weight", "idle_cost",
                                                   "congestion_cost", "T", "gamma"};
  std::mt19937_64 rng(11);
  for (const std::string name : {"malware", "investment", "sis", "taxi"}) {
    BOOST_TEST_CONTEXT(name) {
      Overrides base = name == "taxi" ? Overrides{{"width", {11}}, {"height", {9}}} : Overrides{};
      Overrides changed = base;
      for (const auto& [k, val] : mfg::transferDynamics(name)) {
        BOOST_CHECK_MESSAGE(!reward_or_horizon.count(k), k << " is not a dynamics parameter");
        changed[k] = val;
      }
      auto m0 = mfg::makeModel(name, base), m1 = mfg::makeModel(name, changed);
      const auto S = m0->numStates(), A = m0->numActions();
      long differing_rows = 0;
      for (int trial = 0; trial < 3; ++trial) {
        // Point masses at the top state move ⟨μ⟩ past investment's thresholds; random μ elsewhere.
        Field f0{trial == 0 ? pointMass(S, S - 1) : randomMu(S, rng)}, f1 = f0;
        if (name == "investment" && trial == 1) f0.mu = f1.mu = pointMass(S, 5);
        auto v0 = f0.view(*m0), v1 = f1.view(*m1);
        for (std::int64_t s = 0; s < S; ++s)
          for (std::int64_t a = 0; a < A; ++a) {
            BOOST_CHECK_EQUAL(m0->reward(v0, s, a), m1->reward(v1, s, a));
            Row x = row(*m0, v0, s, a), y = row(*m1, v1, s, a);
            bool same = x.size() == y.size();
            for (const auto& [k, p] : x) same = same && y.count(k) && std::abs(y.at(k) - p) < 1e-12;
            differing_rows += !same;
          }
      }
      BOOST_CHECK_MESSAGE(differing_rows > 0, "the changed dynamics change no kernel row");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// taxi (synthetic).
// ---------------------------------------------------------------------------------------------

namespace {

/// Zone (x, y) of a W x H grid: flat x·H + y.
std::int64_t zone(std::int64_t x, std::int64_t y, std::int64_t H) { return x * H + y; }

/// base(z) from its definition: base_demand + hotspot_demand · Σ_h exp(-d_h² / (2 σ²)), d_h the
/// distance from the zone's centre ((x + ½)/W, (y + ½)/H) to hot spot h.
double demandByHand(std::int64_t x, std::int64_t y, std::int64_t W, std::int64_t H, const std::vector<double>& spots,
                    double base = 0.4, double hot = 1.2, double sigma = 0.1) {
  double sum = 0.0;
  for (std::size_t h = 0; h < spots.size(); h += 2) {
    const double du = (x + 0.5) / W - spots[h], dv = (y + 0.5) / H - spots[h + 1];
    sum += std::exp(-(du * du + dv * dv) / (2 * sigma * sigma));
  }
  return base + hot * sum;
}

/// The row by its definition: stay with 1 - q, else each offset 1 ≤ |dx| + |dy| ≤ R equally likely,
/// the destination clipped into the grid.
Row taxiRowByHand(std::int64_t x, std::int64_t y, std::int64_t W, std::int64_t H, std::int64_t R, double q) {
  std::vector<std::pair<std::int64_t, std::int64_t>> offsets;
  for (std::int64_t dx = -R; dx <= R; ++dx)
    for (std::int64_t dy = -R; dy <= R; ++dy)
      if (std::abs(dx) + std::abs(dy) >= 1 && std::abs(dx) + std::abs(dy) <= R) offsets.push_back({dx, dy});
  Row r;
  r[zone(x, y, H)] += 1.0 - q;
  for (auto [dx, dy] : offsets) {
    const auto cx = std::min(std::max(x + dx, std::int64_t{0}), W - 1), cy = std::min(std::max(y + dy, std::int64_t{0}), H - 1);
    r[zone(cx, cy, H)] += q / static_cast<double>(offsets.size());
  }
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(taxi_defaults) {
  auto m = mfg::makeModel("taxi");
  BOOST_CHECK_EQUAL(m->numStates(), 10000);
  BOOST_CHECK(m->stateShape() == (std::vector<std::int64_t>{100, 100}));
  BOOST_CHECK(m->actionShape() == (std::vector<std::int64_t>{3}));
  BOOST_CHECK(m->actionValues() == (std::vector<double>{0.5, 1.0, 1.5}));
  BOOST_CHECK_EQUAL(m->numSteps(), 10);
  BOOST_CHECK_EQUAL(m->discount(), 0.9);
  BOOST_CHECK(m->kernelDependsOnMeanField());
  BOOST_CHECK(m->readsMeanFieldAtOwnStateOnly());
  BOOST_CHECK(!m->kernelDependsOnTime());
  const auto mu0 = m->initialDistribution();
  BOOST_REQUIRE_EQUAL(mu0.size(), 10000u);
  for (double p : mu0) BOOST_REQUIRE_EQUAL(p, 1e-4);
  // Interior zone (50, 40) under uniform μ (density 1): 12 ride destinations + staying.
  Field f{mu0};
  auto v = f.view(*m);
  BOOST_CHECK(f.stats.empty());  // no aggregate: it would read μ away from the own zone
  const double base = demandByHand(50, 40, 100, 100, {0.25, 0.3, 0.7, 0.25, 0.45, 0.75});
  const double q = base * std::exp(-1.0) / (1.0 + 0.5);
  const Row got = row(*m, v, zone(50, 40, 100), 1);
  BOOST_CHECK_EQUAL(got.size(), 13u);
  checkRow(got, taxiRowByHand(50, 40, 100, 100, 2, q), "zone (50, 40), price 1");
  BOOST_CHECK_EQUAL(supportOf(*m, zone(50, 40, 100), 0).size(), 13u);
}

BOOST_AUTO_TEST_CASE(taxi_ride_probability_row_and_reward_by_hand) {
  // 5 x 4 grid, one hot spot at the centre of zone (2, 2): u = 2.5/5, v = 2.5/4.
  auto m = mfg::makeModel("taxi", {{"width", {5}}, {"height", {4}}, {"hotspots", {0.5, 0.625}}});
  const std::int64_t z = zone(2, 2, 4);  // 10
  BOOST_REQUIRE_EQUAL(z, 10);
  std::vector<double> mu(20, 0.9 / 19);
  mu[z] = 0.1;  // density μ(z)·|S| = 2
  Field f{mu};
  auto v = f.view(*m);
  // base = 0.4 + 1.2 = 1.6; q = 1.6 e^{-p} / (1 + 0.5·2) = 0.8 e^{-p}.
  const double q0 = 0.8 * std::exp(-0.5), q1 = 0.8 * std::exp(-1.0), q2 = 0.8 * std::exp(-1.5);
  BOOST_CHECK(q0 > q1 && q1 > q2);
  // Reward p·q - 0.5 (1 - q) - 0.1·2 = (p + 0.5) q - 0.7.
  checkClose(m->reward(v, z, 0), 1.0 * q0 - 0.7, "r(z, 0.5)");
  checkClose(m->reward(v, z, 1), 1.5 * q1 - 0.7, "r(z, 1.0)");
  checkClose(m->reward(v, z, 2), 2.0 * q2 - 0.7, "r(z, 1.5)");
  // Row at price 1: stay 1 - q; rides to (3,2)=14, (1,2)=6, (2,1)=9, (4,2)=18, (0,2)=2, (2,0)=8,
  // (3,3)=15, (3,1)=13, (1,3)=7, (1,1)=5 with q/12 each, and (2,3)=11 twice ((2,4) is clipped).
  Row want = {{10, 1.0 - q1}, {11, 2 * q1 / 12}};
  for (std::int64_t s : {14, 6, 9, 18, 2, 8, 15, 13, 7, 5}) want[s] = q1 / 12;
  checkRow(row(*m, v, z, 1), want, "row at (2, 2), price 1");
  BOOST_CHECK(supportOf(*m, z, 1) == (std::vector<std::int64_t>{2, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 18}));
  // Corner (0, 0) with radius 1: (-1, 0) and (0, -1) clip back to (0, 0).
  auto c = mfg::makeModel("taxi", {{"width", {5}}, {"height", {4}}, {"ride_radius", {1}}});
  Field g{mu};
  auto w = g.view(*c);
  const double qc = demandByHand(0, 0, 5, 4, {0.25, 0.3, 0.7, 0.25, 0.45, 0.75}) * std::exp(-1.5) /
                    (1.0 + 0.5 * 0.9 / 19 * 20);
  checkRow(row(*c, w, 0, 2), {{0, 1.0 - qc / 2}, {1, qc / 4}, {4, qc / 4}}, "corner, radius 1, price 1.5");
  BOOST_CHECK(supportOf(*c, 0, 2) == (std::vector<std::int64_t>{0, 1, 4}));
}

BOOST_AUTO_TEST_CASE(taxi_every_zone_against_its_definition) {
  // A small irregular grid with radius 3 (borders clip in every direction), random μ.
  const std::int64_t W = 7, H = 6, R = 3;
  const std::vector<double> prices = {0.5, 1.5};
  auto m = mfg::makeModel("taxi", {{"width", {7}}, {"height", {6}}, {"ride_radius", {3}}, {"prices", prices},
                                   {"elasticity", {0.7}}, {"crowding", {2.0}}, {"income_weight", {1.5}},
                                   {"idle_cost", {0.4}}, {"congestion_cost", {0.25}}});
  std::mt19937_64 rng(3);
  Field f{randomMu(W * H, rng)};
  auto v = f.view(*m);
  const std::vector<double> spots = {0.25, 0.3, 0.7, 0.25, 0.45, 0.75};
  for (std::int64_t x = 0; x < W; ++x)
    for (std::int64_t y = 0; y < H; ++y)
      for (std::int64_t a = 0; a < 2; ++a) {
        const std::int64_t s = zone(x, y, H);
        const double density = f.mu[s] * W * H;
        const double q = std::min(1.0, demandByHand(x, y, W, H, spots) * std::exp(-0.7 * prices[a]) / (1 + 2.0 * density));
        const std::string at = std::string("(") + std::to_string(x) + ", " + std::to_string(y) + ") a=" + std::to_string(a);
        const Row got = row(*m, v, s, a);
        checkRow(got, taxiRowByHand(x, y, W, H, R, q), at);
        double total = 0.0;
        for (const auto& [k, p] : got) total += p;
        checkClose(total, 1.0, at + " row sum");
        // The support is exactly the successors (0 < q < 1 here, so each has positive mass).
        std::vector<std::int64_t> successors;
        for (const auto& [k, p] : got) successors.push_back(k);
        BOOST_CHECK_MESSAGE(supportOf(*m, s, a) == successors, at << ": support is not the successor set");
        checkClose(m->reward(v, s, a), 1.5 * q * prices[a] - 0.4 * (1 - q) - 0.25 * density, at + " reward");
      }
}

BOOST_AUTO_TEST_CASE(taxi_reads_the_mean_field_only_at_the_own_zone) {
  auto m = mfg::makeModel("taxi", {{"width", {6}}, {"height", {5}}});
  std::mt19937_64 rng(5);
  Field f{randomMu(30, rng)};
  const std::int64_t z = zone(3, 2, 5);
  // Same μ(z), everything else reshuffled and rescaled (not even a distribution any more).
  Field g = f;
  std::shuffle(g.mu.begin(), g.mu.end(), rng);
  for (double& p : g.mu) p *= 3.0;
  g.mu[z] = f.mu[z];
  BOOST_REQUIRE(g.mu != f.mu);
  auto v = f.view(*m), w = g.view(*m);
  for (std::int64_t a = 0; a < 3; ++a) {
    checkRow(row(*m, w, z, a), row(*m, v, z, a), "other zones changed", true);
    BOOST_CHECK_EQUAL(m->reward(w, z, a), m->reward(v, z, a));
  }
  // The own zone's density does matter: doubling μ(z) lowers the ride chance and the reward.
  Field h = f;
  h.mu[z] *= 2.0;
  auto u = h.view(*m);
  BOOST_CHECK(row(*m, u, z, 1).at(z) > row(*m, v, z, 1).at(z));
  BOOST_CHECK(m->reward(u, z, 1) < m->reward(v, z, 1));
}

BOOST_AUTO_TEST_CASE(taxi_ride_probability_is_clipped_at_one) {
  // base = 1 + 1·(bumps) ≥ 1 and price 0 with no crowding: q = 1, nobody stays (except by clipping).
  auto m = mfg::makeModel("taxi", {{"width", {5}}, {"height", {4}}, {"base_demand", {1.0}}, {"hotspot_demand", {1.0}},
                                   {"prices", {0.0}}, {"crowding", {0.0}}});
  Field f{std::vector<double>(20, 0.05)};
  auto v = f.view(*m);
  Row want = taxiRowByHand(2, 2, 5, 4, 2, 1.0);
  BOOST_CHECK_EQUAL(want[10], 0.0);
  checkRow(row(*m, v, 10, 0), want, "q = 1");
  checkClose(m->reward(v, 10, 0), -0.1, "r = -0.1 · density 1");
}

BOOST_AUTO_TEST_CASE(taxi_bad_parameters) {
  expectInputError("taxi", {{"hotspots", {0.5, 0.5, 0.2}}}, "hotspots");
  expectInputError("taxi", {{"hotspots", {1.5, 0.5}}}, "hotspots");
  expectInputError("taxi", {{"width", {0}}}, "width");
  expectInputError("taxi", {{"ride_radius", {0}}}, "ride_radius");
  expectInputError("taxi", {{"prices", {-1.0}}}, "prices");
}
