#include "solver/games/MfgPolicyActor.hpp"

#include <fmt/core.h>

#include <climits>
#include <cmath>

#include "solver/models/InputError.hpp"
#include "solver/models/Model.hpp"

namespace mfg::games {

std::vector<int> sampleActions(std::span<const double> pi, std::int64_t actions,
                               const std::vector<std::int64_t>& states, Rng& rng) {
  if (actions < 1 || actions > INT_MAX || pi.size() % static_cast<std::size_t>(actions) != 0)
    throw InputError(fmt::format("policy slice of {} entries does not hold rows of {} actions", pi.size(), actions));
  const auto A = static_cast<std::size_t>(actions);
  const auto S = static_cast<std::int64_t>(pi.size() / A);
  std::vector<int> joint(states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i] < 0 || states[i] >= S)
      throw InputError(fmt::format("player {}'s state {} is outside [0, {}]", i, states[i], S - 1));
    const double* row = pi.data() + static_cast<std::size_t>(states[i]) * A;
    double total = 0.0;
    for (std::size_t a = 0; a < A; ++a) total += row[a];
    const double u = NoiseProcess::uniform01(rng) * total;
    double acc = 0.0;
    int chosen = -1;
    for (std::size_t a = 0; a < A; ++a) {
      if (row[a] <= 0.0) continue;
      chosen = static_cast<int>(a);
      acc += row[a];
      if (u < acc) break;
    }
    if (chosen < 0) throw InputError(fmt::format("the policy row of state {} has no mass", states[i]));
    joint[i] = chosen;
  }
  return joint;
}

MfgPolicyActor::MfgPolicyActor(std::vector<double> pi, std::int64_t states, std::int64_t actions)
    : pi_(std::move(pi)), states_(states), actions_(actions) {
  if (states < 1 || actions < 1 || actions > INT_MAX)
    throw InputError(fmt::format("policy: {} states and {} actions", states, actions));
  const auto row = static_cast<std::size_t>(states) * static_cast<std::size_t>(actions);
  if (pi_.empty() || pi_.size() % row != 0)
    throw InputError(fmt::format("policy: {} entries are not a whole number of steps of {} states × {} actions",
                                 pi_.size(), states, actions));
  steps_ = static_cast<int>(pi_.size() / row);
  const auto A = static_cast<std::size_t>(actions);
  for (std::int64_t r = 0; r < static_cast<std::int64_t>(pi_.size() / A); ++r) {
    double sum = 0.0;
    for (std::size_t a = 0; a < A; ++a) {
      const double p = pi_[static_cast<std::size_t>(r) * A + a];
      if (!std::isfinite(p) || p < 0.0)
        throw InputError(fmt::format("policy: π_{}(a = {} | s = {}) = {} is not a probability", r / states, a,
                                     r % states, p));
      sum += p;
    }
    if (std::abs(sum - 1.0) > 1e-6)
      throw InputError(fmt::format("policy: π_{}(·|s = {}) sums to {}, not 1", r / states, r % states, sum));
  }
}

namespace {
std::vector<double> concatenate(const std::vector<std::vector<double>>& slices) {
  std::vector<double> out;
  for (const auto& s : slices) out.insert(out.end(), s.begin(), s.end());
  return out;
}
}  // namespace

MfgPolicyActor::MfgPolicyActor(const std::vector<std::vector<double>>& slices, std::int64_t states,
                               std::int64_t actions)
    : MfgPolicyActor(concatenate(slices), states, actions) {
  for (std::size_t t = 0; t < slices.size(); ++t)
    if (slices[t].size() != static_cast<std::size_t>(states * actions))
      throw InputError(fmt::format("policy: step {} has {} entries, not {} states × {} actions", t, slices[t].size(),
                                   states, actions));
}

MfgPolicyActor MfgPolicyActor::uniform(int steps, std::int64_t states, std::int64_t actions) {
  if (steps < 1 || states < 1 || actions < 1)
    throw InputError(fmt::format("policy: {} steps, {} states, {} actions", steps, states, actions));
  return MfgPolicyActor(std::vector<double>(static_cast<std::size_t>(steps * states * actions),
                                            1.0 / static_cast<double>(actions)),
                        states, actions);
}

std::span<const double> MfgPolicyActor::row(int t, std::int64_t s) const {
  if (t < 0 || t >= steps_) throw InputError(fmt::format("policy: step {} is outside [0, {}]", t, steps_ - 1));
  if (s < 0 || s >= states_) throw InputError(fmt::format("policy: state {} is outside [0, {}]", s, states_ - 1));
  return std::span<const double>(pi_).subspan(static_cast<std::size_t>((t * states_ + s) * actions_),
                                              static_cast<std::size_t>(actions_));
}

std::vector<int> MfgPolicyActor::act(int t, const std::vector<std::int64_t>& states, Rng& rng) const {
  if (t < 0 || t >= steps_) throw InputError(fmt::format("policy: step {} is outside [0, {}]", t, steps_ - 1));
  const auto slice = static_cast<std::size_t>(states_ * actions_);
  return sampleActions(std::span<const double>(pi_).subspan(static_cast<std::size_t>(t) * slice, slice), actions_,
                       states, rng);
}

}  // namespace mfg::games
