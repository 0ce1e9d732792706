#define BOOST_TEST_MODULE models
#include <boost/test/unit_test.hpp>

// Unit tests of the built-in models against docs/models.md (sections 2 and 3).
// Every expected number below is derived by hand from the spec's formulas (the derivation is in
// the comments); none was copied from the code's output.
//   1. Structural checks of every built-in model: kernel rows are probability vectors, successors
//      lie in the declared support, and the "skip work" flags are truthful.
//   2. Hand-computed spot checks of each model (shapes, horizon, μ_0, kernels, rewards).
//   3. Parameter validation: every bad input is an mfg::InputError that names the key.

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <limits>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "ModelChecks.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Model.hpp"
#include "solver/models/Registry.hpp"

using mfg::InputError;
using mfg::MeanFieldView;
using mfg::Model;
using mfg::Transition;

namespace {

using mfg::testing::Overrides;
using mfg::testing::Row;
using mfg::testing::checkClose;
using mfg::testing::expectInputError;
using mfg::testing::row;

/// The arrays a MeanFieldView points to, plus the model's aggregates (computed as the engine does:
/// aggregate() on the view, then view.stats = the result). L is passed only to models that declare
/// usesStateAction() and μ_{t+1} only to models with rewardUsesNext(), as the engine would.
struct Field {
  int t = 0;
  std::vector<double> mu, mu_next, L, stats;

  MeanFieldView view(const Model& m) {
    MeanFieldView v;
    v.t = t;
    v.mu = mu;
    if (m.rewardUsesNext()) v.mu_next = mu_next;
    if (m.usesStateAction()) v.L = L;
    m.aggregate(v, stats);
    v.stats = stats;
    return v;
  }
};

/// Builds a field at step t from μ and L (L state-major); μ_{t+1} defaults to μ.
Field field(int t, std::vector<double> mu, std::vector<double> L = {}) {
  Field f;
  f.t = t;
  f.mu = std::move(mu);
  f.mu_next = f.mu;
  f.L = std::move(L);
  return f;
}

/// μ(s) = Σ_a L(s,a).
std::vector<double> marginal(const std::vector<double>& L, std::int64_t A) {
  std::vector<double> mu(L.size() / static_cast<std::size_t>(A), 0.0);
  for (std::size_t i = 0; i < L.size(); ++i) mu[i / static_cast<std::size_t>(A)] += L[i];
  return mu;
}

std::vector<double> pointMass(std::int64_t n, std::int64_t at) {
  std::vector<double> mu(static_cast<std::size_t>(n), 0.0);
  mu[static_cast<std::size_t>(at)] = 1.0;
  return mu;
}

std::vector<double> uniformMu(std::int64_t n) {
  return std::vector<double>(static_cast<std::size_t>(n), 1.0 / static_cast<double>(n));
}

std::vector<double> randomDistribution(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> p(n);
  double total = 0.0;
  for (double& x : p) total += (x = u(rng));
  for (double& x : p) x /= total;
  return p;
}

/// L = μ × π for a random policy π.
std::vector<double> randomL(const std::vector<double>& mu, std::int64_t A, std::mt19937_64& rng) {
  std::vector<double> L;
  for (double m : mu)
    for (double p : randomDistribution(static_cast<std::size_t>(A), rng)) L.push_back(m * p);
  return L;
}

/// Compares two rows entrywise (a missing successor has probability 0).
void checkRow(const Row& got, const Row& want, const std::string& what, double tol = 1e-12) {
  std::set<std::int64_t> keys;
  for (const auto& [k, p] : got) keys.insert(k);
  for (const auto& [k, p] : want) keys.insert(k);
  for (auto k : keys) {
    const double g = got.count(k) ? got.at(k) : 0.0;
    const double w = want.count(k) ? want.at(k) : 0.0;
    BOOST_CHECK_MESSAGE(std::abs(g - w) <= tol, what << ": P(s' = " << k << ") = " << g
                                                     << ", expected " << w);
  }
}

bool sameRow(const Row& x, const Row& y, double tol = 1e-14) {
  std::set<std::int64_t> keys;
  for (const auto& [k, p] : x) keys.insert(k);
  for (const auto& [k, p] : y) keys.insert(k);
  for (auto k : keys) {
    const double a = x.count(k) ? x.at(k) : 0.0, b = y.count(k) ? y.at(k) : 0.0;
    if (std::abs(a - b) > tol) return false;
  }
  return true;
}

std::string str(const std::vector<std::int64_t>& v) {
  std::ostringstream os;
  os << "(";
  for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  return os.str() + ")";
}

/// Normalised noise weights ∝ exp(-e_j²/2), e_j = j·sigma, j = -3..3 (index j + 3).
std::vector<double> gaussWeights(double sigma) {
  std::vector<double> w;
  double total = 0.0;
  for (int j = -3; j <= 3; ++j) {
    const double e = j * sigma;
    w.push_back(std::exp(-e * e / 2.0));
    total += w.back();
  }
  for (double& x : w) x /= total;
  return w;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 1. Structure of every built-in model at default parameters.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_model_has_stochastic_rows_inside_its_support) {
  BOOST_REQUIRE(!mfg::builtinModels().empty());
  for (const auto& info : mfg::builtinModels()) {
    BOOST_TEST_CONTEXT("model " << info.name) {
      auto m = mfg::makeModel(info.name);
      BOOST_CHECK_EQUAL(m->name(), info.name);
      if (m->noise()) continue;  // the common-noise models (lq, beach_bar) need z_t in the view
      const std::int64_t S = m->numStates(), A = m->numActions();
      BOOST_REQUIRE(S > 0 && A > 0 && m->numSteps() > 0);

      // μ_0 is a distribution over S.
      const auto mu0 = m->initialDistribution();
      BOOST_REQUIRE_EQUAL(static_cast<std::int64_t>(mu0.size()), S);
      double total = 0.0;
      for (double p : mu0) {
        BOOST_CHECK(p >= 0.0);
        total += p;
      }
      BOOST_CHECK_SMALL(total - 1.0, 1e-12);

      // Mean fields: μ_0, a random μ, a point mass on the last state; L = μ × a random policy.
      std::mt19937_64 rng(12345);
      std::vector<std::vector<double>> mus = {mu0, randomDistribution(S, rng), pointMass(S, S - 1)};
      std::vector<std::vector<double>> Ls;
      for (const auto& mu : mus) Ls.push_back(randomL(mu, A, rng));

      long bad_support = 0, bad_prob = 0, bad_sum = 0, bad_reward = 0, bad_successor = 0, bad_block = 0,
           bad_local = 0;
      long bad_time_flag = 0, bad_mf_flag = 0;
      std::vector<std::int64_t> cols;
      std::vector<Transition> out;
      // rows[f][s*A+a] at t = 0, for the time-independence check.
      std::vector<std::vector<Row>> rows_t0(mus.size());
      for (int t = 0; t < m->numSteps(); ++t) {
        std::vector<Field> fields;
        for (std::size_t f = 0; f < mus.size(); ++f) fields.push_back(field(t, mus[f], Ls[f]));
        std::vector<MeanFieldView> views;
        for (auto& f : fields) views.push_back(f.view(*m));
        for (std::int64_t s = 0; s < S; ++s)
          for (std::int64_t a = 0; a < A; ++a) {
            m->support(s, a, cols);
            const bool ascending = std::adjacent_find(cols.begin(), cols.end(),
                                                      [](auto x, auto y) { return x >= y; }) == cols.end();
            const bool inside = !cols.empty() && cols.front() >= 0 && cols.back() < S;
            if ((!ascending || !inside) && ++bad_support <= 5)
              BOOST_ERROR("support(" << s << ", " << a << ") is not ascending, unique and inside S: "
                                     << str(cols));
            Row first;
            for (std::size_t f = 0; f < views.size(); ++f) {
              m->transitions(views[f], s, a, out);
              double sum = 0.0;
              Row r;
              for (const auto& tr : out) {
                if (!(tr.prob >= 0.0 && std::isfinite(tr.prob)) && ++bad_prob <= 5)
                  BOOST_ERROR("t=" << t << " s=" << s << " a=" << a << " field " << f
                                   << ": negative or non-finite probability " << tr.prob);
                if (!std::binary_search(cols.begin(), cols.end(), tr.next) && ++bad_successor <= 5)
                  BOOST_ERROR("t=" << t << " s=" << s << " a=" << a << " field " << f << ": successor "
                                   << tr.next << " is outside support " << str(cols));
                sum += tr.prob;
                r[tr.next] += tr.prob;
              }
              if (std::abs(sum - 1.0) > 1e-12 && ++bad_sum <= 5)
                BOOST_ERROR("t=" << t << " s=" << s << " a=" << a << " field " << f
                                 << ": row sums to " << sum);
              const double rew = m->reward(views[f], s, a);
              if (!std::isfinite(rew) && ++bad_reward <= 5)
                BOOST_ERROR("t=" << t << " s=" << s << " a=" << a << " field " << f
                                 << ": non-finite reward " << rew);
              // A kernel that claims not to read the mean field must not change with it.
              if (f == 0) first = r;
              else if (!m->kernelDependsOnMeanField() && !sameRow(r, first) && ++bad_mf_flag <= 5)
                BOOST_ERROR("t=" << t << " s=" << s << " a=" << a
                                 << ": kernel changes with the mean field but kernelDependsOnMeanField() is false");
              // A kernel that claims not to read t must be the same at every step.
              if (t == 0) rows_t0[f].push_back(r);
              else if (!m->kernelDependsOnTime() &&
                       !sameRow(r, rows_t0[f][static_cast<std::size_t>(s * A + a)]) && ++bad_time_flag <= 5)
                BOOST_ERROR("t=" << t << " s=" << s << " a=" << a
                                 << ": kernel changes with t but kernelDependsOnTime() is false");
            }
          }
        // rewardBlock equals reward bit for bit, from the first state and from an offset; a model
        // that reads the mean field only at its own state gives the same rows and rewards when
        // every other entry of μ_t, μ_{t+1} and L_t is NaN (what the engine shows it on many ranks).
        std::vector<double> block;
        for (std::size_t f = 0; f < views.size(); ++f)
          for (const std::int64_t first : {std::int64_t{0}, S / 3}) {
            block.assign(static_cast<std::size_t>((S - first) * A), 0.0);
            m->rewardBlock(views[f], first, S, block.data());
            for (std::int64_t s = first; s < S; ++s)
              for (std::int64_t a = 0; a < A; ++a) {
                const double want = m->reward(views[f], s, a), got = block[static_cast<std::size_t>((s - first) * A + a)];
                if (std::memcmp(&want, &got, sizeof(double)) != 0 && ++bad_block <= 5)
                  BOOST_ERROR("t=" << t << " s=" << s << " a=" << a << " field " << f << std::setprecision(17) << ": rewardBlock gives " << got
                                   << ", reward " << want);
              }
          }
        if (m->readsMeanFieldAtOwnStateOnly()) {
          // NaN arrays built once per field, with state s's entries copied in and NaN put back
          // afterwards: fresh arrays per state would cost O(|S|²) on the 10^4-zone taxi.
          const double nan = std::numeric_limits<double>::quiet_NaN();
          for (std::size_t f = 0; f < views.size(); ++f) {
            std::vector<double> mu(static_cast<std::size_t>(S), nan), next(mu), L(static_cast<std::size_t>(S * A), nan);
            for (std::int64_t s = 0; s < S; ++s) {
              mu[s] = fields[f].mu[s];
              next[s] = fields[f].mu_next[s];
              for (std::int64_t a = 0; a < A && !fields[f].L.empty(); ++a) L[s * A + a] = fields[f].L[s * A + a];
              MeanFieldView local = views[f];
              local.mu = mu;
              if (!local.mu_next.empty()) local.mu_next = next;
              if (!local.L.empty()) local.L = L;
              for (std::int64_t a = 0; a < A; ++a) {
                std::vector<Transition> whole, alone;
                m->transitions(views[f], s, a, whole);
                m->transitions(local, s, a, alone);
                bool same = whole.size() == alone.size() && m->reward(views[f], s, a) == m->reward(local, s, a);
                for (std::size_t k = 0; same && k < whole.size(); ++k)
                  same = whole[k].next == alone[k].next && whole[k].prob == alone[k].prob;
                if (!same && ++bad_local <= 5)
                  BOOST_ERROR("t=" << t << " s=" << s << " a=" << a << " field " << f
                                   << ": readsMeanFieldAtOwnStateOnly() is true but the row or reward reads other states");
              }
              mu[s] = next[s] = nan;
              for (std::int64_t a = 0; a < A; ++a) L[s * A + a] = nan;
            }
          }
        }
      }
      BOOST_CHECK_EQUAL(bad_block, 0);
      BOOST_CHECK_EQUAL(bad_local, 0);
      BOOST_CHECK_EQUAL(bad_support, 0);
      BOOST_CHECK_EQUAL(bad_prob, 0);
      BOOST_CHECK_EQUAL(bad_successor, 0);
      BOOST_CHECK_EQUAL(bad_sum, 0);
      BOOST_CHECK_EQUAL(bad_reward, 0);
      BOOST_CHECK_EQUAL(bad_mf_flag, 0);
      BOOST_CHECK_EQUAL(bad_time_flag, 0);
    }
  }
}

// The spec's kernels read the mean field (or L, or t) in these models; the engine skips work
// when a flag is false, so the flags must be set.
BOOST_AUTO_TEST_CASE(dependency_flags_follow_the_spec) {
  const std::vector<std::string> kernel_reads_mf = {"classic/conservative_treasure_hunting",
                                                    "classic/linear_quadratic",
                                                    "classic/susceptible_infected", "investment", "sis", "taxi"};
  for (const auto& n : kernel_reads_mf)
    BOOST_CHECK_MESSAGE(mfg::makeModel(n)->kernelDependsOnMeanField(), n);
  BOOST_CHECK(mfg::makeModel("classic/conservative_treasure_hunting")->kernelDependsOnTime());
  BOOST_CHECK(mfg::makeModel("classic/conservative_treasure_hunting")->usesStateAction());
  BOOST_CHECK(mfg::makeModel("classic/equilibrium_price")->usesStateAction());
  // The linear-quadratic reward switches to the terminal cost at t = T: it reads t, but only the
  // kernel flag exists; its kernel does not read t.
}

// ---------------------------------------------------------------------------------------------
// 2. Shapes, horizons and μ_0 (spec §3: T+1 decision steps, no discounting).
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(classic_shapes_horizons_and_initial_distributions) {
  struct Expect {
    std::string name;
    std::vector<std::int64_t> states, actions;
    int steps;
    std::vector<double> mu0;  // empty: uniform
  };
  const std::vector<Expect> expected = {
      {"classic/beach_bar", {4}, {3}, 3, {}},                       // T = 2, n = 4
      {"classic/building_evacuation", {5, 10, 10}, {6}, 4, {}},     // T = 3, (floors, length, width)
      {"classic/conservative_treasure_hunting", {3}, {3}, 6, {}},   // T = 5, n = 3
      {"classic/crowd_motion", {20, 20}, {5}, 4, {}},               // T = 3, 20 x 20, 5 moves
      {"classic/equilibrium_price", {4}, {3, 3}, 5, {}},            // T = 4, s_inv = 3, (Q+1, H+1)
      {"classic/left_right", {3}, {2}, 2, {1.0, 0.0, 0.0}},         // T = 1
      {"classic/linear_quadratic", {11}, {5}, 4, {}},               // T = 3, el = 5, m = 2
      {"classic/rock_paper_scissors", {4}, {3}, 2, {1.0, 0.0, 0.0, 0.0}},  // T = 1
      {"classic/susceptible_infected", {2}, {2}, 51, {0.4, 0.6}},   // T = 50
  };
  for (const auto& e : expected) {
    BOOST_TEST_CONTEXT("model " << e.name) {
      auto m = mfg::makeModel(e.name);
      BOOST_CHECK(m->stateShape() == e.states);
      BOOST_CHECK(m->actionShape() == e.actions);
      BOOST_CHECK_EQUAL(m->numSteps(), e.steps);
      BOOST_CHECK_EQUAL(m->discount(), 1.0);
      const auto mu0 = m->initialDistribution();
      const auto want = e.mu0.empty() ? uniformMu(m->numStates()) : e.mu0;
      BOOST_REQUIRE_EQUAL(mu0.size(), want.size());
      for (std::size_t i = 0; i < mu0.size(); ++i) checkClose(mu0[i], want[i], "mu0[" + std::to_string(i) + "]");
    }
  }
  // The horizon follows T: T + 1 decision steps.
  BOOST_CHECK_EQUAL(mfg::makeModel("classic/beach_bar", {{"T", {7}}})->numSteps(), 8);
  BOOST_CHECK_EQUAL(mfg::makeModel("classic/left_right", {{"T", {0}}})->numSteps(), 1);
  BOOST_CHECK_EQUAL(mfg::makeModel("classic/susceptible_infected", {{"T", {3}}})->numSteps(), 4);
  // Shapes follow the size parameters.
  {
    auto m = mfg::makeModel("classic/building_evacuation", {{"floors", {2}}, {"length", {3}}, {"width", {4}}});
    BOOST_CHECK(m->stateShape() == (std::vector<std::int64_t>{2, 3, 4}));
  }
  {
    auto m = mfg::makeModel("classic/equilibrium_price", {{"s_inv", {5}}, {"Q", {1}}, {"H", {3}}});
    BOOST_CHECK(m->stateShape() == (std::vector<std::int64_t>{6}));
    BOOST_CHECK(m->actionShape() == (std::vector<std::int64_t>{2, 4}));
  }
  {
    auto m = mfg::makeModel("classic/linear_quadratic", {{"el", {3}}, {"m", {1}}});
    BOOST_CHECK(m->stateShape() == (std::vector<std::int64_t>{7}));
    BOOST_CHECK(m->actionShape() == (std::vector<std::int64_t>{3}));
  }
}

BOOST_AUTO_TEST_CASE(irl_shapes) {
  // §2 fixes the state and action sets (not the horizon, discount or μ_0); taxi's are mfg's own
  // (100 x 100 zones, 3 prices).
  for (const auto& [name, S, A] : std::vector<std::tuple<std::string, std::int64_t, std::int64_t>>{
           {"malware", 10, 2}, {"investment", 10, 2}, {"sis", 2, 2}, {"taxi", 10000, 3}}) {
    auto m = mfg::makeModel(name);
    BOOST_CHECK_MESSAGE(m->numStates() == S, name);
    BOOST_CHECK_MESSAGE(m->numActions() == A, name);
    BOOST_CHECK_MESSAGE(m->discount() >= 0.0 && m->discount() <= 1.0, name);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Hand-computed spot checks, model by model.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(classic_beach_bar) {
  // Defaults n = 4, bar = 2, p_still = 0.5: noise (-1, 0, +1) with (0.25, 0.5, 0.25);
  // s' = clip(s + (a-1) + e, 0, 3).
  auto m = mfg::makeModel("classic/beach_bar");
  Field f = field(0, uniformMu(4));
  const auto v = f.view(*m);
  checkRow(row(*m, v, 1, 2), {{1, 0.25}, {2, 0.5}, {3, 0.25}}, "s=1 a=+1");  // 1+1+e = 1, 2, 3
  checkRow(row(*m, v, 0, 0), {{0, 1.0}}, "s=0 a=-1");                          // -2, -1, 0 -> 0
  checkRow(row(*m, v, 3, 2), {{3, 1.0}}, "s=3 a=+1");                          // 3, 4, 5 -> 3
  checkRow(row(*m, v, 0, 1), {{0, 0.75}, {1, 0.25}}, "s=0 a=0");              // -1, 0, 1
  checkRow(row(*m, v, 3, 0), {{1, 0.25}, {2, 0.5}, {3, 0.25}}, "s=3 a=-1");  // 1, 2, 3
  checkRow(row(*m, v, 2, 1), {{1, 0.25}, {2, 0.5}, {3, 0.25}}, "s=2 a=0");

  // Rewards: -d(s) - |a-1|/n - log(μ(s) + eps); ring distance to bar 2 on n = 4:
  // d(0) = min(2, 2) = 2, d(1) = 1, d(2) = 0, d(3) = min(1, 3) = 1.
  Field g = field(1, {0.1, 0.2, 0.3, 0.4});
  const auto w = g.view(*m);
  checkClose(m->reward(w, 0, 1), -2.0 - 0.0 - std::log(0.1 + 1e-20), "r(0, stay)");
  checkClose(m->reward(w, 1, 0), -1.0 - 0.25 - std::log(0.2 + 1e-20), "r(1, left)");
  checkClose(m->reward(w, 2, 2), -0.0 - 0.25 - std::log(0.3 + 1e-20), "r(2, right)");
  checkClose(m->reward(w, 3, 1), -1.0 - 0.0 - std::log(0.4 + 1e-20), "r(3, stay)");
  // Empty state: -log(0 + 1e-20) = 20 log 10.
  Field z = field(2, {0.5, 0.5, 0.0, 0.0});
  checkClose(m->reward(z.view(*m), 2, 1), 20.0 * std::log(10.0), "r(2, stay) on an empty state");

  // n = 7, bar = 1: the distance is on the ring (d(6) = min(5, 2) = 2, d(4) = min(3, 4) = 3,
  // d(0) = min(6, 1) = 1) while moves are clipped (s = 6, a = +1 stays at 6).
  auto r7 = mfg::makeModel("classic/beach_bar", {{"n", {7}}, {"bar", {1}}, {"p_still", {0.2}}});
  Field u = field(0, uniformMu(7));
  const auto v7 = u.view(*r7);
  const double lu = std::log(1.0 / 7.0 + 1e-20);
  checkClose(r7->reward(v7, 6, 0), -2.0 - 1.0 / 7.0 - lu, "n=7 r(6, left)");
  checkClose(r7->reward(v7, 4, 1), -3.0 - lu, "n=7 r(4, stay)");
  checkClose(r7->reward(v7, 0, 2), -1.0 - 1.0 / 7.0 - lu, "n=7 r(0, right)");
  checkClose(r7->reward(v7, 1, 1), -0.0 - lu, "n=7 r(1, stay)");
  // p_still = 0.2: noise (0.4, 0.2, 0.4).
  checkRow(row(*r7, v7, 6, 2), {{6, 1.0}}, "n=7 s=6 a=+1");                       // 6, 7, 8 -> 6
  checkRow(row(*r7, v7, 5, 2), {{5, 0.4}, {6, 0.6}}, "n=7 s=5 a=+1");            // 5, 6, 7 -> 6
  checkRow(row(*r7, v7, 3, 0), {{1, 0.4}, {2, 0.2}, {3, 0.4}}, "n=7 s=3 a=-1");  // 1, 2, 3
}

BOOST_AUTO_TEST_CASE(classic_building_evacuation) {
  // Defaults floors = 5, length = 10, width = 10: s = (f*10 + x)*10 + y.
  auto m = mfg::makeModel("classic/building_evacuation");
  const auto S = [](int f, int x, int y) { return static_cast<std::int64_t>((f * 10 + x) * 10 + y); };
  Field f = field(0, uniformMu(500));
  const auto v = f.view(*m);
  // Actions: 0 x+1, 1 x-1, 2 y-1, 3 y+1 (clipped), 4 down, 5 up.
  checkRow(row(*m, v, S(1, 3, 4), 0), {{S(1, 4, 4), 1.0}}, "x+1");
  checkRow(row(*m, v, S(1, 3, 4), 1), {{S(1, 2, 4), 1.0}}, "x-1");
  checkRow(row(*m, v, S(1, 3, 4), 2), {{S(1, 3, 3), 1.0}}, "y-1");
  checkRow(row(*m, v, S(1, 3, 4), 3), {{S(1, 3, 5), 1.0}}, "y+1");
  checkRow(row(*m, v, S(1, 9, 4), 0), {{S(1, 9, 4), 1.0}}, "x+1 clipped");
  checkRow(row(*m, v, S(1, 0, 4), 1), {{S(1, 0, 4), 1.0}}, "x-1 clipped");
  checkRow(row(*m, v, S(1, 3, 0), 2), {{S(1, 3, 0), 1.0}}, "y-1 clipped");
  checkRow(row(*m, v, S(1, 3, 9), 3), {{S(1, 3, 9), 1.0}}, "y+1 clipped");
  // Down only at (0,0) with f > 0.
  checkRow(row(*m, v, S(2, 0, 0), 4), {{S(1, 0, 0), 1.0}}, "down at (2,0,0)");
  checkRow(row(*m, v, S(0, 0, 0), 4), {{S(0, 0, 0), 1.0}}, "down on the ground floor");
  checkRow(row(*m, v, S(2, 1, 0), 4), {{S(2, 1, 0), 1.0}}, "down at (2,1,0)");
  checkRow(row(*m, v, S(2, 0, 1), 4), {{S(2, 0, 1), 1.0}}, "down at (2,0,1)");
  checkRow(row(*m, v, S(2, 9, 9), 4), {{S(2, 9, 9), 1.0}}, "down at the up corner");
  // Up only at (length-1, width-1) = (9,9) with f < floors-1 = 4.
  checkRow(row(*m, v, S(2, 9, 9), 5), {{S(3, 9, 9), 1.0}}, "up at (2,9,9)");
  checkRow(row(*m, v, S(4, 9, 9), 5), {{S(4, 9, 9), 1.0}}, "up on the top floor");
  checkRow(row(*m, v, S(2, 9, 8), 5), {{S(2, 9, 8), 1.0}}, "up at (2,9,8)");
  checkRow(row(*m, v, S(2, 8, 9), 5), {{S(2, 8, 9), 1.0}}, "up at (2,8,9)");
  checkRow(row(*m, v, S(2, 0, 0), 5), {{S(2, 0, 0), 1.0}}, "up at the down corner");

  // Reward -eta log(max(μ, eps)) + evac_reward 1{f = 0}; eta = 1, evac = 10, eps = 1e-20.
  std::vector<double> mu(500, 0.0);
  mu[S(0, 4, 4)] = 0.02;
  mu[S(3, 4, 4)] = 0.5;
  mu[S(0, 0, 0)] = 0.48;
  Field g = field(1, mu);
  const auto w = g.view(*m);
  checkClose(m->reward(w, S(0, 4, 4), 2), -std::log(0.02) + 10.0, "ground floor, μ = 0.02");
  checkClose(m->reward(w, S(3, 4, 4), 0), -std::log(0.5), "floor 3, μ = 0.5");
  checkClose(m->reward(w, S(3, 5, 5), 5), 20.0 * std::log(10.0), "floor 3, empty: -log(1e-20)");
  checkClose(m->reward(w, S(0, 5, 5), 1), 20.0 * std::log(10.0) + 10.0, "ground floor, empty");
  auto m2 = mfg::makeModel("classic/building_evacuation", {{"eta", {2.0}}, {"evac_reward", {3.0}}});
  Field g2 = field(0, mu);
  checkClose(m2->reward(g2.view(*m2), S(0, 4, 4), 0), -2.0 * std::log(0.02) + 3.0, "eta = 2, evac = 3");
}

BOOST_AUTO_TEST_CASE(classic_conservative_treasure_hunting) {
  // n = 3, T = 5, r = (2, 3, 5), c = (0.5, 2, 1, 1, 1).
  auto m = mfg::makeModel("classic/conservative_treasure_hunting",
                          {{"r", {2.0, 3.0, 5.0}}, {"c", {0.5, 2.0, 1.0, 1.0, 1.0}}});
  // L (rows s, columns a):  [0.2 0.1 0.0; 0.0 0.3 0.1; 0.1 0.0 0.2]; Σ L² = 0.20,
  // D(s) = Σ L² - 2 L(s,s) + 1: D(0) = 0.8, D(1) = 0.6, D(2) = 0.8.
  const std::vector<double> L = {0.2, 0.1, 0.0, 0.0, 0.3, 0.1, 0.1, 0.0, 0.2};
  const auto mu = marginal(L, 3);

  // t = 0: s' = a, reward 0.
  Field f0 = field(0, mu, L);
  const auto v0 = f0.view(*m);
  for (std::int64_t s = 0; s < 3; ++s)
    for (std::int64_t a = 0; a < 3; ++a) {
      checkRow(row(*m, v0, s, a), {{a, 1.0}}, "t=0 s=" + std::to_string(s) + " a=" + std::to_string(a));
      checkClose(m->reward(v0, s, a), 0.0, "t=0 reward");
    }

  // t = 1 (c_0 = 0.5): s = 1: cD = 0.3, 1 + 3 cD = 1.9; P = 0.3/1.9 + 1{s' = a}/1.9.
  Field f1 = field(1, mu, L);
  const auto v1 = f1.view(*m);
  checkRow(row(*m, v1, 1, 2), {{0, 0.3 / 1.9}, {1, 0.3 / 1.9}, {2, 1.3 / 1.9}}, "t=1 s=1 a=2");
  // s = 0: cD = 0.4, 1 + 3 cD = 2.2.
  checkRow(row(*m, v1, 0, 0), {{0, 1.4 / 2.2}, {1, 0.4 / 2.2}, {2, 0.4 / 2.2}}, "t=1 s=0 a=0");
  // Rewards t >= 1: r_s (1 - D(s)/2) if a = s, else 0.
  checkClose(m->reward(v1, 0, 0), 2.0 * (1.0 - 0.4), "t=1 r(0,0)");
  checkClose(m->reward(v1, 1, 1), 3.0 * (1.0 - 0.3), "t=1 r(1,1)");
  checkClose(m->reward(v1, 2, 2), 5.0 * (1.0 - 0.4), "t=1 r(2,2)");
  checkClose(m->reward(v1, 1, 2), 0.0, "t=1 r(1,2)");
  checkClose(m->reward(v1, 2, 0), 0.0, "t=1 r(2,0)");

  // t = 2 (c_1 = 2): s = 1: cD = 1.2, 1 + 3 cD = 4.6.
  Field f2 = field(2, mu, L);
  const auto v2 = f2.view(*m);
  checkRow(row(*m, v2, 1, 0), {{0, 2.2 / 4.6}, {1, 1.2 / 4.6}, {2, 1.2 / 4.6}}, "t=2 s=1 a=0");
  // s = 2: cD = 1.6, 1 + 3 cD = 5.8.
  checkRow(row(*m, v2, 2, 1), {{0, 1.6 / 5.8}, {1, 2.6 / 5.8}, {2, 1.6 / 5.8}}, "t=2 s=2 a=1");
  checkClose(m->reward(v2, 1, 1), 3.0 * 0.7, "t=2 r(1,1)");

  // A concentrated L = point mass on (1,1): D(1) = 0, D(0) = D(2) = 1 + 1 = 2.
  // t = 3 (c_2 = 1): s = 1 moves exactly to a; s = 0: cD = 2, 1 + 3 cD = 7.
  std::vector<double> Lp(9, 0.0);
  Lp[1 * 3 + 1] = 1.0;
  Field f3 = field(3, marginal(Lp, 3), Lp);
  const auto v3 = f3.view(*m);
  checkRow(row(*m, v3, 1, 2), {{2, 1.0}}, "t=3 D=0");
  checkRow(row(*m, v3, 0, 2), {{0, 2.0 / 7.0}, {1, 2.0 / 7.0}, {2, 3.0 / 7.0}}, "t=3 D=2");
  checkClose(m->reward(v3, 1, 1), 3.0, "t=3 r(1,1) with D = 0");
  checkClose(m->reward(v3, 0, 0), 0.0, "t=3 r(0,0) with D = 2");

  // Defaults (r = c = ones): t = 1, s = 1, cD = 0.6, 1 + 3 cD = 2.8.
  auto d = mfg::makeModel("classic/conservative_treasure_hunting");
  Field fd = field(1, mu, L);
  const auto vd = fd.view(*d);
  checkRow(row(*d, vd, 1, 1), {{0, 0.6 / 2.8}, {1, 1.6 / 2.8}, {2, 0.6 / 2.8}}, "defaults t=1 s=1 a=1");
  checkClose(d->reward(vd, 1, 1), 0.7, "defaults t=1 r(1,1)");
}

BOOST_AUTO_TEST_CASE(classic_crowd_motion) {
  // 20 x 20, s = x*20 + y; bar at (10, 10); moves (1,0), (-1,0), (0,1), (0,-1), (0,0);
  // noise the same vectors with (q, q, q, q, p_still) = (0.125, 0.125, 0.125, 0.125, 0.5).
  auto m = mfg::makeModel("classic/crowd_motion");
  const auto S = [](int x, int y) { return static_cast<std::int64_t>(x * 20 + y); };
  Field f = field(0, uniformMu(400));
  const auto v = f.view(*m);
  // (5,7) + (1,0) = (6,7), then noise.
  checkRow(row(*m, v, S(5, 7), 0),
           {{S(7, 7), 0.125}, {S(5, 7), 0.125}, {S(6, 8), 0.125}, {S(6, 6), 0.125}, {S(6, 7), 0.5}},
           "(5,7) move (1,0)");
  // (5,7) + (0,0).
  checkRow(row(*m, v, S(5, 7), 4),
           {{S(6, 7), 0.125}, {S(4, 7), 0.125}, {S(5, 8), 0.125}, {S(5, 6), 0.125}, {S(5, 7), 0.5}},
           "(5,7) stay");
  // (5,7) + (0,-1) = (5,6).
  checkRow(row(*m, v, S(5, 7), 3),
           {{S(6, 6), 0.125}, {S(4, 6), 0.125}, {S(5, 7), 0.125}, {S(5, 5), 0.125}, {S(5, 6), 0.5}},
           "(5,7) move (0,-1)");
  // Corner (19,19) moving (0,1). Reading of "position clipped to the grid": the sum
  // position + move + noise is clipped once (as beach_bar's clip(s + (a-1) + e)), so the noise
  // (0,-1) lands on clip(19 + 1 - 1) = 19: (1,0) -> (19,19), (-1,0) -> (18,19), (0,1) -> (19,19),
  // (0,-1) -> (19,19), (0,0) -> (19,19).
  checkRow(row(*m, v, S(19, 19), 2), {{S(19, 19), 0.875}, {S(18, 19), 0.125}}, "(19,19) move (0,1)");
  // Corner (0,0) moving (-1,0): (1,0) -> clip(0) = 0, (-1,0) -> 0, (0,1) -> (0,1), (0,-1) -> (0,0),
  // (0,0) -> (0,0).
  checkRow(row(*m, v, S(0, 0), 1), {{S(0, 0), 0.875}, {S(0, 1), 0.125}}, "(0,0) move (-1,0)");
  // Corner (0,0), interior-agnostic case: stay; noise (-1,0) and (0,-1) clipped.
  checkRow(row(*m, v, S(0, 0), 4), {{S(0, 0), 0.75}, {S(1, 0), 0.125}, {S(0, 1), 0.125}}, "(0,0) stay");

  // Reward c (1 - (|x-bx| + |y-by|)/(length + width)) - log(μ(s) + eps), c = 10, eps = 1e-10.
  std::vector<double> mu(400, 0.0);
  mu[S(3, 15)] = 0.01;
  mu[S(10, 10)] = 0.2;
  mu[S(0, 0)] = 0.79;
  Field g = field(2, mu);
  const auto w = g.view(*m);
  checkClose(m->reward(w, S(3, 15), 1), 10.0 * (1.0 - 12.0 / 40.0) - std::log(0.01 + 1e-10), "(3,15)");
  checkClose(m->reward(w, S(10, 10), 4), 10.0 - std::log(0.2 + 1e-10), "at the bar");
  checkClose(m->reward(w, S(0, 0), 0), 10.0 * (1.0 - 20.0 / 40.0) - std::log(0.79 + 1e-10), "(0,0)");
  checkClose(m->reward(w, S(19, 19), 0), 10.0 * (1.0 - 18.0 / 40.0) - std::log(1e-10), "(19,19), empty");

  // Odd sizes: length = 5, width = 7, bar at (5/2, 7/2) = (2, 3); s = x*7 + y.
  auto o = mfg::makeModel("classic/crowd_motion", {{"length", {5}}, {"width", {7}}, {"c", {4.0}}});
  Field h = field(0, uniformMu(35));
  const auto vo = h.view(*o);
  const double lu = std::log(1.0 / 35.0 + 1e-10);
  checkClose(o->reward(vo, 2 * 7 + 3, 0), 4.0 - lu, "5x7: at the bar (2,3)");
  checkClose(o->reward(vo, 0, 0), 4.0 * (1.0 - 5.0 / 12.0) - lu, "5x7: (0,0)");
  checkClose(o->reward(vo, 4 * 7 + 6, 0), 4.0 * (1.0 - 5.0 / 12.0) - lu, "5x7: (4,6)");
  checkClose(o->reward(vo, 3 * 7 + 3, 0), 4.0 * (1.0 - 1.0 / 12.0) - lu, "5x7: (3,3)");

  // p_still = 0.2: q = 0.2.
  auto p = mfg::makeModel("classic/crowd_motion", {{"p_still", {0.2}}});
  Field fp = field(0, uniformMu(400));
  checkRow(row(*p, fp.view(*p), S(5, 7), 1),
           {{S(5, 7), 0.2}, {S(3, 7), 0.2}, {S(4, 8), 0.2}, {S(4, 6), 0.2}, {S(4, 7), 0.2}},
           "p_still = 0.2, (5,7) move (-1,0)");

  // A per-step bar list (T = 3: four (x, y) pairs): at t = 1 the bar is at (19, 19).
  auto b = mfg::makeModel("classic/crowd_motion", {{"bars", {0, 0, 19, 19, 5, 5, 10, 3}}});
  for (int t = 0; t < 4; ++t) {
    const std::int64_t bx[] = {0, 19, 5, 10}, by[] = {0, 19, 5, 3};
    Field fb = field(t, uniformMu(400));
    const auto vb = fb.view(*b);
    const double l4 = std::log(1.0 / 400.0 + 1e-10);
    checkClose(b->reward(vb, S(static_cast<int>(bx[t]), static_cast<int>(by[t])), 0), 10.0 - l4,
               "bars: at the bar at t = " + std::to_string(t));
    checkClose(b->reward(vb, S(0, 19), 0),
               10.0 * (1.0 - static_cast<double>(bx[t] + (19 - by[t])) / 40.0) - l4,
               "bars: (0,19) at t = " + std::to_string(t));
  }
}

BOOST_AUTO_TEST_CASE(classic_equilibrium_price) {
  // s_inv = 3, Q = 2, H = 2: a = q*3 + h. s' = min(s - min(q, s) + h, 3).
  auto m = mfg::makeModel("classic/equilibrium_price", {{"sigma", {2.0}}, {"c", {0.1, 0.2, 0.3, 0.4, 0.5}}});
  const auto A = [](int q, int h) { return static_cast<std::int64_t>(q * 3 + h); };
  // L: mass 1/4 on (s=0, q=1,h=0), (s=1, q=2,h=1), (s=2, q=0,h=2), (s=3, q=2,h=2).
  std::vector<double> L(4 * 9, 0.0);
  L[0 * 9 + A(1, 0)] = 0.25;
  L[1 * 9 + A(2, 1)] = 0.25;
  L[2 * 9 + A(0, 2)] = 0.25;
  L[3 * 9 + A(2, 2)] = 0.25;
  Field f = field(0, marginal(L, 9), L);
  const auto v = f.view(*m);
  // Next inventory.
  checkRow(row(*m, v, 1, A(2, 1)), {{1, 1.0}}, "s=1 q=2 h=1: 1 - 1 + 1");
  checkRow(row(*m, v, 3, A(0, 2)), {{3, 1.0}}, "s=3 q=0 h=2: min(5, 3)");
  checkRow(row(*m, v, 2, A(1, 2)), {{3, 1.0}}, "s=2 q=1 h=2: 2 - 1 + 2");
  checkRow(row(*m, v, 0, A(2, 0)), {{0, 1.0}}, "s=0 q=2 h=0");
  checkRow(row(*m, v, 2, A(1, 0)), {{1, 1.0}}, "s=2 q=1 h=0");
  checkRow(row(*m, v, 0, A(0, 1)), {{1, 1.0}}, "s=0 q=0 h=1");
  checkRow(row(*m, v, 3, A(2, 1)), {{2, 1.0}}, "s=3 q=2 h=1: 3 - 2 + 1");
  // Price: Σ L q = 0.25 (1 + 2 + 0 + 2) = 1.25; p = (1 / (1.25 + 1))^(1/2) = 2/3.
  const double p = 2.0 / 3.0;
  // Reward (p - c0) q - c1 q² - c2 h - (c2 + c3) max(q - s, 0) - c4 s.
  checkClose(m->reward(v, 1, A(2, 1)), (p - 0.1) * 2 - 0.2 * 4 - 0.3 * 1 - 0.7 * 1 - 0.5 * 1, "r(1, (2,1))");
  checkClose(m->reward(v, 3, A(1, 0)), (p - 0.1) * 1 - 0.2 * 1 - 0.0 - 0.0 - 0.5 * 3, "r(3, (1,0))");
  checkClose(m->reward(v, 0, A(0, 2)), -0.3 * 2, "r(0, (0,2))");
  checkClose(m->reward(v, 0, A(2, 2)), (p - 0.1) * 2 - 0.2 * 4 - 0.3 * 2 - 0.7 * 2, "r(0, (2,2))");
  // Defaults (sigma = 1, c = ones): p = 1 / 2.25.
  auto d = mfg::makeModel("classic/equilibrium_price");
  Field fd = field(0, marginal(L, 9), L);
  const auto vd = fd.view(*d);
  const double pd = 1.0 / 2.25;
  checkClose(d->reward(vd, 0, A(2, 0)), (pd - 1) * 2 - 4 - 0 - 2 * 2 - 0, "defaults r(0, (2,0))");
  checkClose(d->reward(vd, 2, A(1, 1)), (pd - 1) * 1 - 1 - 1 - 0 - 2, "defaults r(2, (1,1))");
  // No production at all: p = (1 / (0 + 1))^1 = 1.
  std::vector<double> L0(4 * 9, 0.0);
  L0[1 * 9 + A(0, 1)] = 1.0;
  Field f0 = field(0, marginal(L0, 9), L0);
  checkClose(d->reward(f0.view(*d), 3, A(1, 0)), (1.0 - 1) * 1 - 1 - 0 - 0 - 3, "defaults, no supply, r(3, (1,0))");
}

BOOST_AUTO_TEST_CASE(classic_left_right) {
  auto m = mfg::makeModel("classic/left_right");
  Field f = field(0, {0.2, 0.5, 0.3});
  const auto v = f.view(*m);
  for (std::int64_t s = 0; s < 3; ++s) {
    checkRow(row(*m, v, s, 0), {{1, 1.0}}, "left from " + std::to_string(s));
    checkRow(row(*m, v, s, 1), {{2, 1.0}}, "right from " + std::to_string(s));
  }
  for (std::int64_t a = 0; a < 2; ++a) {
    checkClose(m->reward(v, 0, a), 0.0, "centre");
    checkClose(m->reward(v, 1, a), -0.5, "left: -μ(left)");
    checkClose(m->reward(v, 2, a), -0.6, "right: -2 μ(right)");
  }
}

BOOST_AUTO_TEST_CASE(classic_linear_quadratic) {
  // Defaults el = 5, m = 2, sigma = 3, delta = 0.1, k = 1, q = 0.01, kappa = 0.5, c_term = 1, T = 3.
  // s = x + 5, a = act + 2. Noise atoms e_j = 3j, weights ∝ exp(-9 j²/2); the noise displacement
  // sigma e_j √delta = 9 j √0.1 ≈ 2.846 j.
  auto m = mfg::makeModel("classic/linear_quadratic");
  const auto w = gaussWeights(3.0);  // w[j + 3]
  {
    // μ = point mass on x = 5: m_t = 5. x = 2, act = +2: x + (k (m - x) + a) delta = 2 + 5 (0.1) = 2.5
    // exactly -> round half to even 2 (std::round would give 3). Other atoms:
    // j=1: 5.346 -> 5; j=2: 8.19 -> 8 -> 5; j=3: 11.04 -> 5; j=-1: -0.346 -> 0; j=-2: -3.19 -> -3;
    // j=-3: -6.04 -> -6 -> -5.
    Field f = field(0, pointMass(11, 10));
    const auto v = f.view(*m);
    checkRow(row(*m, v, 2 + 5, 2 + 2),
             {{-5 + 5, w[0]}, {-3 + 5, w[1]}, {0 + 5, w[2]}, {2 + 5, w[3]}, {5 + 5, w[4] + w[5] + w[6]}},
             "m=5 x=2 a=+2 (2.5 -> 2)");
    // Reward t < T: (-a²/2 + q a (m - x) - (kappa/2)(m - x)²) delta, gap = 3.
    checkClose(m->reward(v, 7, 4), (-2.0 + 0.01 * 2 * 3 - 0.25 * 9) * 0.1, "r(x=2, a=+2), m=5");
    checkClose(m->reward(v, 7, 1), (-0.5 - 0.01 * 1 * 3 - 0.25 * 9) * 0.1, "r(x=2, a=-1), m=5");
    checkClose(m->reward(v, 0, 2), (-0.0 + 0.0 - 0.25 * 100) * 0.1, "r(x=-5, a=0), m=5");
  }
  {
    // μ = point mass on x = 0: m_t = 0. x = -3, act = +2: -3 + (3 + 2)(0.1) = -2.5 -> -2 (even).
    // j=1: 0.346 -> 0; j=2: 3.19 -> 3; j=3: 6.04 -> 5; j=-1: -5.346 -> -5; j=-2, -3 -> -5.
    Field f = field(1, pointMass(11, 5));
    const auto v = f.view(*m);
    checkRow(row(*m, v, -3 + 5, 2 + 2),
             {{-5 + 5, w[0] + w[1] + w[2]}, {-2 + 5, w[3]}, {0 + 5, w[4]}, {3 + 5, w[5]}, {5 + 5, w[6]}},
             "m=0 x=-3 a=+2 (-2.5 -> -2)");
    // x = 0, act = 0: drift 0; j=±1: ±2.846 -> ±3; j=±2: ±5.69 -> ±6 -> ±5; j=±3: ±8.54 -> ±5.
    checkRow(row(*m, v, 5, 2),
             {{0, w[0] + w[1]}, {2, w[2]}, {5, w[3]}, {8, w[4]}, {10, w[5] + w[6]}}, "m=0 x=0 a=0");
    // Terminal reward at t = T = 3: -(c_term/2)(m - x)².
    Field ft = field(3, pointMass(11, 5));
    const auto vt = ft.view(*m);
    checkClose(m->reward(vt, -3 + 5, 4), -0.5 * 9, "terminal r(x=-3), m=0");
    checkClose(m->reward(vt, 4 + 5, 0), -0.5 * 16, "terminal r(x=4), m=0");
    checkClose(m->reward(vt, 5, 3), 0.0, "terminal r(x=0), m=0");
    // At t = T - 1 = 2 the running reward still applies.
    Field f2 = field(2, pointMass(11, 5));
    checkClose(m->reward(f2.view(*m), -3 + 5, 4), (-2.0 + 0.01 * 2 * 3 - 0.25 * 9) * 0.1, "t=2 r(x=-3,a=+2)");
  }
  {
    // Noise weights at the defaults: ∝ exp(-e_j²/2) with e_j = 3j (not exp(-j²/2)).
    // Normaliser Z = 1 + 2e^{-4.5} + 2e^{-18} + 2e^{-40.5}.
    const double Z = 1 + 2 * std::exp(-4.5) + 2 * std::exp(-18.0) + 2 * std::exp(-40.5);
    Field f = field(0, pointMass(11, 5));
    const auto r = row(*m, f.view(*m), 5, 2);
    checkClose(r.count(5) ? r.at(5) : 0.0, 1.0 / Z, "P(0 | x=0, a=0, m=0)");
  }
  {
    // A mixed mean field: μ(x=-5) = 0.25, μ(x=3) = 0.75: m_t = -1.25 + 2.25 = 1.
    // x = 4, act = -1 (a = 1): 4 + (1 (1 - 4) - 1)(0.1) = 4 - 0.4 = 3.6 -> 4 at j = 0.
    std::vector<double> mu(11, 0.0);
    mu[0] = 0.25;
    mu[8] = 0.75;
    Field f = field(0, mu);
    const auto v = f.view(*m);
    const auto r = row(*m, v, 4 + 5, 1);
    checkClose(r.count(4 + 5) ? r.at(4 + 5) : 0.0, w[3], "m=1 x=4 a=-1: j = 0 atom at x' = 4");
    checkClose(m->reward(v, 9, 1), (-0.5 + 0.01 * (-1) * (-3) - 0.25 * 9) * 0.1, "r(x=4, a=-1), m=1");
  }

  // sigma = 1, delta = 0.25, k = 0: x' = round_half_even(x + act/4 + j/2) (√0.25 = 0.5 exactly),
  // weights ∝ exp(-j²/2).
  auto h = mfg::makeModel("classic/linear_quadratic", {{"sigma", {1.0}}, {"delta", {0.25}}, {"k", {0.0}}});
  const auto u = gaussWeights(1.0);
  Field f = field(0, uniformMu(11));
  const auto v = f.view(*h);
  // x = 0, act = +2: 0.5 + j/2 = -1, -0.5, 0, 0.5, 1, 1.5, 2 -> -1, 0, 0, 0, 1, 2, 2.
  checkRow(row(*h, v, 5, 4), {{4, u[0]}, {5, u[1] + u[2] + u[3]}, {6, u[4]}, {7, u[5] + u[6]}},
           "half-to-even x=0 a=+2");
  // x = 1, act = +2: 1.5 + j/2 = 0, 0.5, 1, 1.5, 2, 2.5, 3 -> 0, 0, 1, 2, 2, 2, 3.
  checkRow(row(*h, v, 6, 4), {{5, u[0] + u[1]}, {6, u[2]}, {7, u[3] + u[4] + u[5]}, {8, u[6]}},
           "half-to-even x=1 a=+2");
  // x = -4, act = -2: -4.5 + j/2 = -6, -5.5, -5, -4.5, -4, -3.5, -3
  //   -> -6 (clip -5), -6 (clip -5), -5, -4, -4, -4, -3.
  checkRow(row(*h, v, 1, 0), {{0, u[0] + u[1] + u[2]}, {1, u[3] + u[4] + u[5]}, {2, u[6]}},
           "half-to-even x=-4 a=-2");
}

BOOST_AUTO_TEST_CASE(classic_rock_paper_scissors) {
  auto m = mfg::makeModel("classic/rock_paper_scissors");
  Field f = field(1, {0.1, 0.2, 0.3, 0.4});
  const auto v = f.view(*m);
  for (std::int64_t s = 0; s < 4; ++s)
    for (std::int64_t a = 0; a < 3; ++a) {
      checkRow(row(*m, v, s, a), {{a + 1, 1.0}}, "s=" + std::to_string(s) + " a=" + std::to_string(a));
      // rock: 2 (0.4) - 0.3 = 0.5; paper: 4 (0.2) - 2 (0.4) = 0; scissors: 6 (0.3) - 3 (0.2) = 1.2.
      const double want[] = {0.0, 0.5, 0.0, 1.2};
      checkClose(m->reward(v, s, a), want[s], "reward s=" + std::to_string(s));
    }
  Field g = field(1, {0.0, 0.5, 0.25, 0.25});
  const auto w = g.view(*m);
  checkClose(m->reward(w, 1, 0), 2 * 0.25 - 0.25, "rock");       // 0.25
  checkClose(m->reward(w, 2, 0), 4 * 0.5 - 2 * 0.25, "paper");    // 1.5
  checkClose(m->reward(w, 3, 0), 6 * 0.25 - 3 * 0.5, "scissors"); // 0
}

BOOST_AUTO_TEST_CASE(classic_susceptible_infected) {
  auto m = mfg::makeModel("classic/susceptible_infected");
  Field f = field(3, {0.7, 0.3});
  const auto v = f.view(*m);
  // S going out: infected with 0.81 μ(I) = 0.243.
  checkRow(row(*m, v, 0, 0), {{0, 0.757}, {1, 0.243}}, "S, go out");
  checkRow(row(*m, v, 0, 1), {{0, 1.0}}, "S, stay home");
  checkRow(row(*m, v, 1, 0), {{0, 0.3}, {1, 0.7}}, "I, go out");
  checkRow(row(*m, v, 1, 1), {{0, 0.3}, {1, 0.7}}, "I, stay home");
  checkClose(m->reward(v, 0, 0), 0.0, "r(S, out)");
  checkClose(m->reward(v, 0, 1), -0.5, "r(S, home)");
  checkClose(m->reward(v, 1, 0), -1.0, "r(I, out)");
  checkClose(m->reward(v, 1, 1), -1.5, "r(I, home)");
  Field g = field(0, {0.0, 1.0});
  checkRow(row(*m, g.view(*m), 0, 0), {{0, 0.19}, {1, 0.81}}, "S, go out, μ(I) = 1");
}

BOOST_AUTO_TEST_CASE(irl_malware) {
  auto m = mfg::makeModel("malware");
  // ⟨μ⟩ = 0.5 (2) + 0.5 (6) = 4.
  std::vector<double> mu(10, 0.0);
  mu[2] = mu[6] = 0.5;
  Field f = field(0, mu);
  const auto v = f.view(*m);
  checkRow(row(*m, v, 7, 0), {{7, 1.0 / 3}, {8, 1.0 / 3}, {9, 1.0 / 3}}, "s=7 nothing");
  checkRow(row(*m, v, 9, 0), {{9, 1.0}}, "s=9 nothing");
  Row zero;
  for (int j = 0; j < 10; ++j) zero[j] = 0.1;
  checkRow(row(*m, v, 0, 0), zero, "s=0 nothing");
  for (std::int64_t s = 0; s < 10; ++s) checkRow(row(*m, v, s, 1), {{0, 1.0}}, "repair");
  // r = -(k + ⟨μ⟩/10) s/10 - l a = -(0.2 + 0.4) s/10 - 0.5 a.
  checkClose(m->reward(v, 5, 1), -0.6 * 0.5 - 0.5, "r(5, repair)");
  checkClose(m->reward(v, 5, 0), -0.6 * 0.5, "r(5, nothing)");
  checkClose(m->reward(v, 0, 0), 0.0, "r(0, nothing)");
  checkClose(m->reward(v, 9, 0), -0.6 * 0.9, "r(9, nothing)");
  auto k = mfg::makeModel("malware", {{"k", {1.0}}, {"l", {2.0}}});
  Field g = field(0, mu);
  checkClose(k->reward(g.view(*k), 3, 1), -(1.0 + 0.4) * 0.3 - 2.0, "k = 1, l = 2: r(3, repair)");
}

BOOST_AUTO_TEST_CASE(irl_investment) {
  auto m = mfg::makeModel("investment");
  // ⟨μ⟩ = 4 exactly (point mass on 4): not < 4, so invest -> uniform on {s..s + ⌊(10-s)/2⌋}.
  Field hi = field(0, pointMass(10, 4));
  const auto vh = hi.view(*m);
  checkRow(row(*m, vh, 3, 1), {{3, 0.25}, {4, 0.25}, {5, 0.25}, {6, 0.25}}, "⟨μ⟩=4 s=3: {3..6}");
  Row r0;
  for (int j = 0; j <= 5; ++j) r0[j] = 1.0 / 6;
  checkRow(row(*m, vh, 0, 1), r0, "⟨μ⟩=4 s=0: {0..5}");
  checkRow(row(*m, vh, 8, 1), {{8, 0.5}, {9, 0.5}}, "⟨μ⟩=4 s=8: {8..9}");
  checkRow(row(*m, vh, 9, 1), {{9, 1.0}}, "⟨μ⟩=4 s=9: {9}");
  checkRow(row(*m, vh, 3, 0), {{3, 1.0}}, "⟨μ⟩=4 no investment");
  // ⟨μ⟩ = 0.1 (3) + 0.9 (4) = 3.9 < 4: invest -> uniform on {s..9}.
  std::vector<double> mu(10, 0.0);
  mu[3] = 0.1;
  mu[4] = 0.9;
  Field lo = field(0, mu);
  const auto vl = lo.view(*m);
  Row r3;
  for (int j = 3; j <= 9; ++j) r3[j] = 1.0 / 7;
  checkRow(row(*m, vl, 3, 1), r3, "⟨μ⟩=3.9 s=3: {3..9}");
  Row rz;
  for (int j = 0; j <= 9; ++j) rz[j] = 0.1;
  checkRow(row(*m, vl, 0, 1), rz, "⟨μ⟩=3.9 s=0: {0..9}");
  checkRow(row(*m, vl, 6, 0), {{6, 1.0}}, "⟨μ⟩=3.9 no investment");
  // Reward 0.3 s/10 - 0.2 ⟨μ⟩/10 - 0.2 a.
  checkClose(m->reward(vh, 6, 1), 0.18 - 0.08 - 0.2, "⟨μ⟩=4 r(6, invest)");
  checkClose(m->reward(vh, 6, 0), 0.18 - 0.08, "⟨μ⟩=4 r(6, none)");
  checkClose(m->reward(vl, 0, 1), 0.0 - 0.078 - 0.2, "⟨μ⟩=3.9 r(0, invest)");
}

BOOST_AUTO_TEST_CASE(irl_sis) {
  auto m = mfg::makeModel("sis");
  Field f = field(0, {0.6, 0.4});
  const auto v = f.view(*m);
  // Actions {0 distance, 1 go out}. Susceptible going out: infected with 0.81 (0.4) = 0.324.
  checkRow(row(*m, v, 0, 1), {{0, 0.676}, {1, 0.324}}, "S, go out");
  checkRow(row(*m, v, 0, 0), {{0, 1.0}}, "S, distance");
  checkRow(row(*m, v, 1, 0), {{0, 0.3}, {1, 0.7}}, "I, distance");
  checkRow(row(*m, v, 1, 1), {{0, 0.3}, {1, 0.7}}, "I, go out");
  // Reward -0.5 distancing, -1 going out, -c_inf (= 1) per step infected.
  checkClose(m->reward(v, 0, 0), -0.5, "r(S, distance)");
  checkClose(m->reward(v, 0, 1), -1.0, "r(S, out)");
  checkClose(m->reward(v, 1, 0), -1.5, "r(I, distance)");
  checkClose(m->reward(v, 1, 1), -2.0, "r(I, out)");
  auto c = mfg::makeModel("sis", {{"c_inf", {3.0}}, {"beta", {0.5}}});
  Field g = field(0, {0.6, 0.4});
  const auto w = g.view(*c);
  checkClose(c->reward(w, 1, 1), -4.0, "c_inf = 3: r(I, out)");
  checkRow(row(*c, w, 0, 1), {{0, 0.8}, {1, 0.2}}, "beta = 0.5: S, go out");
}

// ---------------------------------------------------------------------------------------------
// 3. Parameter validation.
// ---------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(unknown_parameters_are_rejected) {
  for (const auto& info : mfg::builtinModels())
    expectInputError(info.name, {{"no_such_parameter", {1.0}}}, "no_such_parameter");
  try {
    mfg::makeModel("classic/no_such_model");
    BOOST_ERROR("an unknown model was accepted");
  } catch (const InputError& e) {
    BOOST_CHECK(std::string(e.what()).find("classic/no_such_model") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_values_are_rejected) {
  expectInputError("classic/beach_bar", {{"p_still", {1.5}}}, "p_still");
  expectInputError("classic/beach_bar", {{"T", {-1}}}, "T");
  expectInputError("classic/building_evacuation", {{"floors", {0}}}, "floors");
  expectInputError("classic/crowd_motion", {{"p_still", {-0.1}}}, "p_still");
  expectInputError("classic/conservative_treasure_hunting", {{"n", {0}}}, "n");
  expectInputError("classic/linear_quadratic", {{"delta", {0.0}}}, "delta");
  expectInputError("sis", {{"beta", {2.0}}}, "beta");
  expectInputError("malware", {{"gamma", {1.5}}}, "gamma");
}

BOOST_AUTO_TEST_CASE(non_integer_values_of_integer_parameters_are_rejected) {
  expectInputError("classic/beach_bar", {{"n", {4.5}}}, "n");
  expectInputError("classic/linear_quadratic", {{"el", {2.5}}}, "el");
  expectInputError("classic/equilibrium_price", {{"Q", {1.25}}}, "Q");
  expectInputError("classic/susceptible_infected", {{"T", {3.5}}}, "T");
  expectInputError("malware", {{"T", {3.5}}}, "T");
  expectInputError("classic/crowd_motion", {{"bars", {0, 0, 1.5, 1, 2, 2, 3, 3}}}, "bars");
}

BOOST_AUTO_TEST_CASE(scalar_parameters_take_one_value) {
  expectInputError("classic/beach_bar", {{"n", {4, 5}}}, "n");
  expectInputError("classic/linear_quadratic", {{"sigma", {1.0, 2.0}}}, "sigma");
}

BOOST_AUTO_TEST_CASE(list_lengths_are_checked) {
  // conservative_treasure_hunting: len(r) = n, len(c) = T.
  expectInputError("classic/conservative_treasure_hunting", {{"r", {1.0, 1.0}}}, "r");
  expectInputError("classic/conservative_treasure_hunting", {{"r", {1.0, 1.0, 1.0, 1.0}}}, "r");
  expectInputError("classic/conservative_treasure_hunting", {{"c", {1.0, 1.0, 1.0}}}, "c");
  expectInputError("classic/conservative_treasure_hunting", {{"T", {2}}, {"c", {1, 1, 1, 1, 1}}}, "c");
  expectInputError("classic/conservative_treasure_hunting", {{"n", {4}}, {"r", {1, 1, 1}}}, "r");
  BOOST_CHECK_NO_THROW(mfg::makeModel("classic/conservative_treasure_hunting",
                                      {{"n", {4}}, {"r", {1, 2, 3, 4}}, {"T", {2}}, {"c", {1, 2}}}));
  // Changing n or T alone keeps r and c consistent (ones of the right length).
  BOOST_CHECK_NO_THROW(mfg::makeModel("classic/conservative_treasure_hunting", {{"n", {5}}, {"T", {2}}}));
  // equilibrium_price: c = (c0..c4).
  expectInputError("classic/equilibrium_price", {{"c", {1.0, 1.0, 1.0, 1.0}}}, "c");
  expectInputError("classic/equilibrium_price", {{"c", {1.0, 1.0, 1.0, 1.0, 1.0, 1.0}}}, "c");
  // crowd_motion: one (x, y) pair per step.
  expectInputError("classic/crowd_motion", {{"bars", {1, 1}}}, "bars");
}

BOOST_AUTO_TEST_CASE(beach_bar_position_must_be_on_the_line) {
  expectInputError("classic/beach_bar", {{"bar", {4}}}, "bar");  // n = 4
  expectInputError("classic/beach_bar", {{"bar", {9}}}, "bar");
  expectInputError("classic/beach_bar", {{"n", {2}}}, "bar");  // default bar = 2 >= n = 2
  BOOST_CHECK_NO_THROW(mfg::makeModel("classic/beach_bar", {{"bar", {3}}}));
  BOOST_CHECK_NO_THROW(mfg::makeModel("classic/beach_bar", {{"n", {6}}, {"bar", {5}}}));
}

BOOST_AUTO_TEST_CASE(crowd_motion_bars_must_be_on_the_grid) {
  expectInputError("classic/crowd_motion", {{"bars", {0, 0, 20, 0, 1, 1, 2, 2}}}, "bars");
  BOOST_CHECK_NO_THROW(mfg::makeModel("classic/crowd_motion", {{"bars", {0, 0, 19, 19, 1, 1, 2, 2}}}));
}
