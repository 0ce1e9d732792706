// The building blocks of the sample-based RL baselines (solver/rl/) against hand computations:
// generalised advantages (including a chunk that holds the end of one episode and the start of the
// next), PPO's clipped policy and value losses with their gradients, the entropy bonus, and the
// Munchausen target on a two-action case computed here with scalars.
#define BOOST_TEST_MODULE rl_losses
#include <torch/torch.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "solver/rl/Advantages.hpp"
#include "solver/rl/Munchausen.hpp"
#include "solver/rl/PpoLosses.hpp"

namespace tt = boost::test_tools;
using namespace mfg::rl;

namespace {
torch::Tensor vec(std::vector<double> v) { return torch::tensor(v, torch::kFloat64); }
}  // namespace

BOOST_AUTO_TEST_CASE(advantages_inside_one_episode_match_a_hand_computation) {
  // γ = 0.9, λ = 0.5: δ = (1.4, 2.35, 3.3); Â_2 = 3.3, Â_1 = 2.35 + 0.45·3.3, Â_0 = 1.4 + 0.45·Â_1.
  const RolloutChunk chunk{{1, 2, 3}, {0.5, 1.0, 1.5}, {false, false, false}, 2.0};
  const auto a = generalisedAdvantages(chunk, 0.9, 0.5);
  const std::vector<double> expected{3.12575, 3.835, 3.3};
  for (std::size_t t = 0; t < 3; ++t) {
    BOOST_TEST(a.advantages[t] == expected[t], tt::tolerance(1e-12));
    BOOST_TEST(a.returns[t] == expected[t] + chunk.values[t], tt::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(an_episode_end_inside_the_chunk_stops_the_bootstrap) {
  // The episode ends with step 1 (its terminal reward 2 is step 1's); step 2 starts the next one.
  // δ_1 = 2 − 1 (no γV(o_2)), Â_1 = 1; Â_0 = δ_0 + γλ Â_1 = 1.4 + 0.45; Â_2 = 3 + 0.9·2 − 1.5.
  const RolloutChunk chunk{{1, 2, 3}, {0.5, 1.0, 1.5}, {false, true, false}, 2.0};
  const auto a = generalisedAdvantages(chunk, 0.9, 0.5);
  BOOST_TEST(a.advantages[0] == 1.85, tt::tolerance(1e-12));
  BOOST_TEST(a.advantages[1] == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(a.advantages[2] == 3.3, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(lambda_one_and_no_discount_give_monte_carlo_returns) {
  const RolloutChunk chunk{{1, 2, 3}, {0.5, 1.0, 1.5}, {false, false, true}, 99.0};  // bootstrap ignored
  const auto a = generalisedAdvantages(chunk, 1.0, 1.0);
  BOOST_TEST(a.returns[0] == 6.0, tt::tolerance(1e-12));
  BOOST_TEST(a.returns[1] == 5.0, tt::tolerance(1e-12));
  BOOST_TEST(a.returns[2] == 3.0, tt::tolerance(1e-12));
  BOOST_CHECK_THROW(generalisedAdvantages({{1}, {0.5, 1}, {false}, 0}, 1, 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(clipped_policy_loss_and_its_gradient) {
  // ρ = (1.4, 0.6, 1.0), Â = (1, −1, 2), ε = 0.2: terms min(1.4, 1.2) = 1.2, min(−0.6, −0.8) = −0.8, 2.
  auto log_new = vec({std::log(0.7), std::log(0.3), std::log(0.2)}).requires_grad_(true);
  const auto log_old = vec({std::log(0.5), std::log(0.5), std::log(0.2)});
  const auto loss = clippedPolicyLoss(log_new, log_old, vec({1, -1, 2}), 0.2);
  BOOST_TEST(loss.item<double>() == -0.8, tt::tolerance(1e-12));
  loss.backward();
  // The two clipped terms carry no gradient; the third: −ρ Â / 3 = −2/3.
  const auto g = log_new.grad();
  BOOST_TEST(g[0].item<double>() == 0.0, tt::tolerance(1e-12));
  BOOST_TEST(g[1].item<double>() == 0.0, tt::tolerance(1e-12));
  BOOST_TEST(g[2].item<double>() == -2.0 / 3.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(clipped_value_loss_takes_the_larger_error) {
  // Item 0: V moved 0.5 from V_old, clipped to 0.7: max((1 − 2)², (0.7 − 2)²) = 1.69. Item 1: 1.
  auto v = vec({1.0, 2.0}).requires_grad_(true);
  const auto loss = clippedValueLoss(v, vec({0.5, 2.0}), vec({2.0, 1.0}), 0.2);
  BOOST_TEST(loss.item<double>() == 0.5 * (1.69 + 1.0) / 2.0, tt::tolerance(1e-12));
  loss.backward();
  // The clipped branch is constant in V for item 0; item 1: ½·2(V − R)/2 = 0.5.
  BOOST_TEST(v.grad()[0].item<double>() == 0.0, tt::tolerance(1e-12));
  BOOST_TEST(v.grad()[1].item<double>() == 0.5, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(entropy_of_two_rows) {
  const auto logits = torch::stack({vec({0.0, 0.0}), vec({0.0, std::log(3.0)})});
  const double h2 = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  BOOST_TEST(meanEntropy(logits).item<double>() == (std::log(2.0) + h2) / 2.0, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(munchausen_target_on_a_two_action_case) {
  const MunchausenSettings s{0.5, 0.9, 0.99};
  // Scalars: π_prev(·|s) = softmax((1, 2)/τ), action 1; π_prev(·|s') = softmax((0, 1)/τ); Q_tgt(s') = (2, 0).
  const auto log_softmax = [&](double x0, double x1, int a) {
    const double z0 = x0 / s.tau, z1 = x1 / s.tau, m = std::max(z0, z1);
    const double lse = m + std::log(std::exp(z0 - m) + std::exp(z1 - m));
    return (a == 0 ? z0 : z1) - lse;
  };
  const double munchausen = s.alpha * s.tau * log_softmax(1, 2, 1);
  double soft_next = 0.0;
  const double q_tgt[2] = {2.0, 0.0};
  for (int a = 0; a < 2; ++a) {
    const double lp = log_softmax(0, 1, a);
    soft_next += std::exp(lp) * (q_tgt[a] - s.tau * lp);
  }
  const double live = 0.3 + munchausen + s.gamma * soft_next;
  const double terminal = 0.3 + munchausen;
  const auto y = munchausenTarget(torch::stack({vec({1, 2}), vec({1, 2})}), torch::stack({vec({0, 1}), vec({0, 1})}),
                                  torch::stack({vec({2, 0}), vec({2, 0})}), torch::tensor({1, 1}, torch::kInt64),
                                  vec({0.3, 0.3}), vec({0.0, 1.0}), s);
  BOOST_TEST(y[0].item<double>() == live, tt::tolerance(1e-12));
  BOOST_TEST(y[1].item<double>() == terminal, tt::tolerance(1e-12));
  // By hand: log π(1|s) = −log(1 + e⁻²) = −0.126928; π(·|s') = (0.119203, 0.880797) with logs
  // (−2.126928, −0.126928); soft value 0.119203·3.063464 + 0.880797·0.063464 = 0.421073;
  // y = 0.3 − 0.45·0.126928 + 0.99·0.421073 = 0.659745.
  BOOST_TEST(live == 0.659745, tt::tolerance(1e-5));
}
