#include "solver/games/NPlayerGame.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "solver/models/InputError.hpp"

namespace mfg::games {

namespace {

/// An index drawn from the weights `w` (not necessarily normalised) with one uniform01 draw:
/// the first entry whose cumulative weight exceeds u·total. Entries of weight 0 are never drawn.
template <class Weight>
std::size_t drawIndex(std::size_t n, const Weight& w, Rng& rng) {
  double total = 0.0;
  for (std::size_t k = 0; k < n; ++k) total += w(k);
  const double u = NoiseProcess::uniform01(rng) * total;
  double acc = 0.0;
  std::size_t last_positive = n;
  for (std::size_t k = 0; k < n; ++k) {
    const double p = w(k);
    if (p <= 0.0) continue;
    last_positive = k;
    acc += p;
    if (u < acc) return k;
  }
  return last_positive;  // rounding: u·total at or above the running sum
}

}  // namespace

NPlayerGame::NPlayerGame(std::shared_ptr<const Model> model, int players) : model_(std::move(model)), players_(players) {
  if (!model_) throw InputError("nplayer: no model");
  const std::string who = "nplayer/" + model_->name();
  if (players < 1 || players > kMaxPlayers)
    throw InputError(fmt::format("{}: the number of players {} is outside [1, {}]", who, players, kMaxPlayers));
  states_count_ = model_->numStates();
  if (states_count_ < 1 || states_count_ > kMaxStates)
    throw InputError(fmt::format("{}: the model has {} states; the N-player game takes models of 1 to {} states",
                                 who, states_count_, kMaxStates));
  if (static_cast<std::int64_t>(players) * states_count_ > kMaxPlayerStates)
    throw InputError(fmt::format("{}: {} players × {} states = {} exceeds the limit N·|S| ≤ {}", who, players,
                                 states_count_, static_cast<std::int64_t>(players) * states_count_, kMaxPlayerStates));
  const std::int64_t A = model_->numActions();
  if (A < 1 || A > INT_MAX) throw InputError(fmt::format("{}: the model has {} actions", who, A));
  actions_ = static_cast<int>(A);
  steps_ = model_->numSteps();
  if (steps_ < 1) throw InputError(fmt::format("{}: the model has {} steps", who, steps_));
  if (const NoiseProcess* noise = model_->noise()) {
    if (noise->finite()) {
      const auto outcomes = noise->initial();
      if (outcomes.empty()) throw std::logic_error(who + ": the noise process has no initial outcome");
      noise_width_ = static_cast<int>(outcomes.front().z.size());
    } else {
      Rng probe(0);  // only the size of z is used
      noise_width_ = static_cast<int>(noise->sampleInitial(probe).size());
    }
  }
}

std::vector<std::int64_t> NPlayerGame::observationShape() const {
  return {static_cast<std::int64_t>(players_) * states_count_ + 1 + noise_width_};
}

std::vector<double> NPlayerGame::empirical(const std::vector<std::int64_t>& states) const {
  std::vector<double> mu(static_cast<std::size_t>(states_count_), 0.0);
  const double w = 1.0 / static_cast<double>(players_);
  for (auto s : states) mu[static_cast<std::size_t>(s)] += w;
  return mu;
}

void NPlayerGame::reset(Rng& rng) {
  history_.clear();
  std::vector<double> mu0;
  if (const NoiseProcess* noise = model_->noise()) {
    history_.push_back(noise->sampleInitial(rng));
    mu0 = model_->initialDistribution(history_.back());
  } else {
    mu0 = model_->initialDistribution();
  }
  if (static_cast<std::int64_t>(mu0.size()) != states_count_)
    throw std::logic_error(fmt::format("{}: the initial distribution has {} entries, not |S| = {}", name(), mu0.size(),
                                       states_count_));
  // Cumulative weights; a draw is the first state whose cumulative weight exceeds u·total, so
  // states of probability 0 are never drawn.
  std::vector<double> cum(mu0.size());
  double acc = 0.0;
  for (std::size_t s = 0; s < mu0.size(); ++s) cum[s] = acc += std::max(mu0[s], 0.0);
  if (!(acc > 0.0)) throw std::logic_error(name() + ": the initial distribution has no mass");
  states_.assign(static_cast<std::size_t>(players_), 0);
  for (auto& s : states_) {
    const double u = NoiseProcess::uniform01(rng) * acc;
    const auto k = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
    s = static_cast<std::int64_t>(std::min(k, cum.size() - 1));
  }
  t_ = 0;
  started_ = true;
}

void NPlayerGame::checkStep(const std::vector<int>& joint) const {
  checkJointAction(joint);
  if (!started_) throw InputError(name() + ": step before reset");
  if (t_ >= steps_)
    throw InputError(fmt::format("{}: the episode ended at the step limit {}; reset first", name(), steps_));
}

void NPlayerGame::kernelView(const std::vector<int>& joint, MeanFieldView& view) {
  const auto N = static_cast<std::size_t>(players_);
  const auto A = static_cast<std::size_t>(actions_);
  mu_ = empirical(states_);
  view.t = t_;
  view.mu = mu_;
  if (model_->usesStateAction()) {
    L_.assign(static_cast<std::size_t>(states_count_) * A, 0.0);
    const double w = 1.0 / static_cast<double>(players_);
    for (std::size_t i = 0; i < N; ++i) L_[static_cast<std::size_t>(states_[i]) * A + static_cast<std::size_t>(joint[i])] += w;
    view.L = L_;
  }
  if (!history_.empty()) view.z = history_.back();
  model_->aggregate(view, stats_);
  view.stats = stats_;
}

StepResult NPlayerGame::payAndAdvance(const std::vector<int>& joint, MeanFieldView& view) {
  const auto N = static_cast<std::size_t>(players_);
  if (model_->rewardUsesNext()) {
    mu_next_ = empirical(next_);
    view.mu_next = mu_next_;
  }
  view.stats = {};
  model_->aggregate(view, stats_next_);
  view.stats = stats_next_;
  StepResult r;
  r.rewards.resize(N);
  for (std::size_t i = 0; i < N; ++i) r.rewards[i] = model_->reward(view, states_[i], joint[i]);
  states_.swap(next_);
  ++t_;
  return r;
}

StepResult NPlayerGame::step(const std::vector<int>& joint, Rng& rng) {
  checkStep(joint);
  const auto N = static_cast<std::size_t>(players_);
  // 1. The kernel view at t.
  MeanFieldView view;
  kernelView(joint, view);

  // 2. Next states, player order.
  next_.resize(N);
  for (std::size_t i = 0; i < N; ++i) {
    row_.clear();
    model_->transitions(view, states_[i], joint[i], row_);
    if (row_.empty()) throw std::logic_error(fmt::format("{}: empty kernel row at ({}, {})", name(), states_[i], joint[i]));
    const std::size_t k = drawIndex(row_.size(), [&](std::size_t j) { return row_[j].prob; }, rng);
    if (k == row_.size() || row_[k].next < 0 || row_[k].next >= states_count_)
      throw std::logic_error(fmt::format("{}: the kernel row at ({}, {}) has no valid successor", name(), states_[i],
                                         joint[i]));
    next_[i] = row_[k].next;
  }

  // 3. The common noise.
  if (const NoiseProcess* noise = model_->noise()) {
    auto z = noise->sampleNext(history_, rng);
    history_.push_back(std::move(z));
    view.z = history_[history_.size() - 2];  // history_ may have moved its storage
    view.z_next = history_.back();
  }

  // 4. Rewards on the reward view.
  return payAndAdvance(joint, view);
}

StepResult NPlayerGame::replay(const std::vector<int>& joint, const std::vector<std::int64_t>& next) {
  checkStep(joint);
  if (model_->noise()) throw InputError(name() + ": replaying recorded steps needs a model without common noise");
  const auto N = static_cast<std::size_t>(players_);
  if (next.size() != N) throw InputError(fmt::format("{}: {} next states given for {} players", name(), next.size(), N));
  MeanFieldView view;
  kernelView(joint, view);
  for (std::size_t i = 0; i < N; ++i) {
    if (next[i] < 0 || next[i] >= states_count_)
      throw InputError(fmt::format("{}: player {}'s next state {} is outside [0, {}]", name(), i, next[i], states_count_ - 1));
    row_.clear();
    model_->transitions(view, states_[i], joint[i], row_);
    double p = 0.0;
    for (const auto& tr : row_)
      if (tr.next == next[i]) p += tr.prob;
    if (!(p > 0.0))
      throw InputError(fmt::format("{}: at step {} player {} cannot move from state {} to {} with action {} "
                                   "(probability 0 under the kernel)",
                                   name(), t_, i, states_[i], next[i], joint[i]));
  }
  next_ = next;
  return payAndAdvance(joint, view);
}

void NPlayerGame::observe(float* out) const {
  const auto S = static_cast<std::size_t>(states_count_);
  const auto N = static_cast<std::size_t>(players_);
  std::fill(out, out + N * S + 1 + static_cast<std::size_t>(noise_width_), 0.0f);
  if (started_)
    for (std::size_t i = 0; i < N; ++i) out[i * S + static_cast<std::size_t>(states_[i])] = 1.0f;
  out[N * S] = static_cast<float>(static_cast<double>(t_) / static_cast<double>(steps_));
  if (!history_.empty())
    for (int k = 0; k < noise_width_; ++k) out[N * S + 1 + static_cast<std::size_t>(k)] = static_cast<float>(history_.back()[k]);
}

void NPlayerGame::setStates(int t, const std::vector<std::int64_t>& states,
                            const std::vector<std::vector<double>>& noise_history) {
  if (t < 0 || t > steps_) throw InputError(fmt::format("{}: step {} is outside [0, {}]", name(), t, steps_));
  if (states.size() != static_cast<std::size_t>(players_))
    throw InputError(fmt::format("{}: {} states given for {} players", name(), states.size(), players_));
  for (std::size_t i = 0; i < states.size(); ++i)
    if (states[i] < 0 || states[i] >= states_count_)
      throw InputError(fmt::format("{}: player {}'s state {} is outside [0, {}]", name(), i, states[i], states_count_ - 1));
  if (model_->noise()) {
    if (noise_history.size() != static_cast<std::size_t>(t) + 1)
      throw InputError(fmt::format("{}: the model has common noise; give z_0..z_{} ({} entries), not {}", name(), t,
                                   t + 1, noise_history.size()));
    for (const auto& z : noise_history)
      if (z.size() != static_cast<std::size_t>(noise_width_))
        throw InputError(fmt::format("{}: z has {} values, not {}", name(), z.size(), noise_width_));
  } else if (!noise_history.empty()) {
    throw InputError(name() + ": the model has no common noise; the noise history must be empty");
  }
  t_ = t;
  states_ = states;
  history_ = noise_history;
  started_ = true;
}

}  // namespace mfg::games
