#include "solver/rl/Munchausen.hpp"

namespace mfg::rl {

torch::Tensor munchausenTarget(const torch::Tensor& q_prev_s, const torch::Tensor& q_prev_next,
                               const torch::Tensor& q_target_next, const torch::Tensor& actions,
                               const torch::Tensor& rewards, const torch::Tensor& done, const MunchausenSettings& s) {
  torch::NoGradGuard no_grad;
  const double tau = s.tau;
  const auto log_pi_s = torch::log_softmax(q_prev_s / tau, -1);
  const auto log_pi_next = torch::log_softmax(q_prev_next / tau, -1);
  const auto munchausen = s.alpha * tau * log_pi_s.gather(1, actions.reshape({-1, 1})).squeeze(1);
  const auto soft_next = (log_pi_next.exp() * (q_target_next - tau * log_pi_next)).sum(-1);
  return rewards + munchausen + s.gamma * (1.0 - done) * soft_next;
}

}  // namespace mfg::rl
