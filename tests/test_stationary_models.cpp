// The pieces of the aiyagari model that need no solver: Tauchen's chain against a hand
// computation from the normal CDF, the firm's prices, the asset grid, rewards and feasibility.
#define BOOST_TEST_MODULE stationary_models
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "solver/models/InputError.hpp"
#include "solver/models/StationaryModel.hpp"
#include "solver/models/stationary/Aiyagari.hpp"
#include "solver/models/stationary/Tauchen.hpp"

namespace {
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
}  // namespace

BOOST_AUTO_TEST_CASE(tauchen_three_points_by_hand) {
  // ρ = 0.5, σ_e = 1, width 1: σ_x = 1/√0.75, points -σ_x, 0, σ_x, step σ_x.
  const double rho = 0.5, sx = 1.0 / std::sqrt(0.75), h = sx / 2;
  const auto chain = mfg::stationary::tauchen(3, rho, 1.0, 1.0);
  const double x[3] = {-sx, 0.0, sx};
  for (int i = 0; i < 3; ++i) BOOST_TEST(std::abs(chain.points[i] - x[i]) < 1e-15);
  for (int i = 0; i < 3; ++i) {
    const double m = rho * x[i];
    const double expected[3] = {Phi(x[0] + h - m), Phi(x[1] + h - m) - Phi(x[1] - h - m), 1.0 - Phi(x[2] - h - m)};
    double total = 0;
    for (int j = 0; j < 3; ++j) {
      BOOST_TEST(std::abs(chain.prob[i][j] - expected[j]) < 1e-15, "row " << i << " col " << j);
      total += chain.prob[i][j];
    }
    BOOST_TEST(std::abs(total - 1.0) < 1e-14);
  }
  // Symmetric chain: π symmetric, and πP = π.
  BOOST_TEST(std::abs(chain.stationary[0] - chain.stationary[2]) < 1e-14);
  for (int j = 0; j < 3; ++j) {
    double pj = 0;
    for (int i = 0; i < 3; ++i) pj += chain.stationary[i] * chain.prob[i][j];
    BOOST_TEST(std::abs(pj - chain.stationary[j]) < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(tauchen_aiyagari_default_chain) {
  // 7 points on ±3σ with σ = 0.2 (unconditional), ρ = 0.6: σ_e = 0.2·0.8 = 0.16, step 0.2.
  const auto chain = mfg::stationary::tauchen(7, 0.6, 0.16, 3.0);
  for (int i = 0; i < 7; ++i) BOOST_TEST(std::abs(chain.points[i] - (-0.6 + 0.2 * i)) < 1e-14);
  // Middle row: mass of N(0, 0.16²) within ±0.1 of 0 is 2Φ(0.625) − 1.
  BOOST_TEST(std::abs(chain.prob[3][3] - (2 * Phi(0.1 / 0.16) - 1)) < 1e-15);
  // Top row, top point: the tail above 0.5 of N(0.36, 0.16²).
  BOOST_TEST(std::abs(chain.prob[6][6] - (1 - Phi((0.5 - 0.36) / 0.16))) < 1e-15);
}

BOOST_AUTO_TEST_CASE(tauchen_without_risk_is_uniform_on_identical_points) {
  const auto chain = mfg::stationary::tauchen(4, 0.6, 0.0, 3.0);
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(chain.points[i] == 0.0);
    BOOST_TEST(chain.stationary[i] == 0.25);
    for (int j = 0; j < 4; ++j) BOOST_TEST(chain.prob[i][j] == 0.25);
  }
}

BOOST_AUTO_TEST_CASE(aiyagari_prices_grid_and_household) {
  auto economy = mfg::makeEconomy("aiyagari", {{"asset_points", {11}}, {"asset_max", {10.0}}});
  const auto& a = dynamic_cast<const mfg::stationary::AiyagariEconomy&>(*economy);
  // Quadratic spacing a_i = 10 (i/10)².
  for (int i = 0; i <= 10; ++i) BOOST_TEST(std::abs(a.assets()[i] - 10.0 * (i / 10.0) * (i / 10.0)) < 1e-13);
  BOOST_TEST((economy->stateShape() == std::vector<std::int64_t>{11, 7}));
  // Firm: r = 0.04 → k = (0.36/0.12)^(1/0.64), w = 0.64 k^0.36; the inverse gives r back.
  const double k = std::pow(3.0, 1.0 / 0.64);
  BOOST_TEST(std::abs(a.capitalPerWorker(0.04) - k) < 1e-12);
  BOOST_TEST(std::abs(a.wage(0.04) - 0.64 * std::pow(k, 0.36)) < 1e-12);
  BOOST_TEST(std::abs(economy->priceForSupply(economy->demand(0.04)) - 0.04) < 1e-12);
  // L = Σ π_j exp(x_j), about E[l] = exp(σ²/2) for a fine chain.
  BOOST_TEST(std::abs(a.labour() - std::exp(0.02)) < 5e-3);
  // savings rate δK/Y = αδ/(r + δ) when K is the demand at r; both ways of reporting it agree then.
  for (const auto& f : economy->report(0.04, economy->demand(0.04)))
    if (f.name == "savings_rate" || f.name == "savings_rate_from_supply")
      BOOST_TEST(std::abs(f.value - 0.36 * 0.08 / 0.12) < 1e-12, f.name);

  // Household at r = 0.04: state (a_2 = 0.4, l_0), action a' = a_1 = 0.1; cash on hand about 1.07.
  const auto household = economy->household(0.04);
  const std::int64_t s = 2 * 7 + 0;
  const double c = 1.04 * 0.4 + a.wage(0.04) * a.endowments()[0] - 0.1;
  BOOST_TEST(c > 0);
  BOOST_TEST(household->feasible(s, 1));
  BOOST_TEST(std::abs(household->reward(s, 1) - (std::pow(c, -2.0) - 1) / -2.0) < 1e-12);
  BOOST_TEST(household->feasible(s, 10) == false);  // a' = 10 > cash on hand
  BOOST_TEST(household->reward(s, 10) == mfg::stationary::kInfeasibleReward);
  std::vector<mfg::Transition> row;
  household->transitions(s, 5, row);
  double total = 0;
  for (const auto& t : row) {
    BOOST_TEST(t.next / 7 == 5);  // next assets are the chosen grid point
    BOOST_TEST(std::abs(t.prob - a.income().prob[0][t.next % 7]) < 1e-15);
    total += t.prob;
  }
  BOOST_TEST(std::abs(total - 1.0) < 1e-14);
}

BOOST_AUTO_TEST_CASE(aiyagari_log_utility_and_bad_input) {
  auto economy = mfg::makeEconomy("aiyagari", {{"crra", {1.0}}, {"asset_points", {5}}});
  const auto& a = dynamic_cast<const mfg::stationary::AiyagariEconomy&>(*economy);
  BOOST_TEST(std::abs(a.utility(2.0) - std::log(2.0)) < 1e-15);
  BOOST_CHECK_THROW(mfg::makeEconomy("aiyagari", {{"sigma", {2.0}}}), mfg::InputError);
  BOOST_CHECK_THROW(mfg::makeEconomy("aiyagari", {{"nope", {1.0}}}), mfg::InputError);
  BOOST_CHECK_THROW(mfg::makeEconomy("lq"), mfg::InputError);
}
