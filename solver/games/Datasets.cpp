#include "solver/games/Datasets.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "solver/games/Bridge.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/games/JointDynamicProgramming.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::games {

namespace {

constexpr int kMatrixEpisodes = 100;  // × 50 steps, as in the literature
constexpr int kBridgeEpisodes = 500;

/// Exactly `shares[k] / sum` of the steps (rounded, the remainder to the first entries) take joint
/// action `joints[k]`, in a seeded random order.
EpisodeData fixedShares(const std::string& game_name, const std::vector<std::vector<int>>& joints,
                        const std::vector<int>& shares, Rng& rng) {
  auto game = makeGame(game_name);
  const int T = game->stepLimit();
  const long total = static_cast<long>(kMatrixEpisodes) * T;
  long weight = 0;
  for (int w : shares) weight += w;
  std::vector<int> order;
  std::vector<long> count(shares.size());
  long assigned = 0;
  for (std::size_t k = 0; k < shares.size(); ++k) assigned += count[k] = total * shares[k] / weight;
  for (std::size_t k = 0; assigned < total; k = (k + 1) % shares.size(), ++assigned) ++count[k];
  for (std::size_t k = 0; k < shares.size(); ++k) order.insert(order.end(), count[k], static_cast<int>(k));
  std::shuffle(order.begin(), order.end(), rng);
  return recordEpisodes(*game, kMatrixEpisodes,
                        [&](int e, int t, const float*, Rng&) { return joints[order[static_cast<std::size_t>(e) * T + t]]; },
                        rng);
}

EpisodeData uniformRandom(const std::string& game_name, int episodes, Rng& rng) {
  auto game = makeGame(game_name);
  const auto counts = game->actionCounts();
  return recordEpisodes(*game, episodes,
                        [&](int, int, const float*, Rng& r) {
                          std::vector<int> joint(counts.size());
                          for (std::size_t i = 0; i < counts.size(); ++i)
                            joint[i] = std::uniform_int_distribution<int>(0, counts[i] - 1)(r);
                          return joint;
                        },
                        rng);
}

/// Optimal joint play of the Bridge, half the episodes with player 0 crossing first and half with
/// player 1: among the optimal joint actions of each step, those that bring the player who goes
/// first closest to its goal, one of them drawn at random.
EpisodeData bridgeOptimal(Rng& rng) {
  const Bridge bridge;
  const JointDynamicProgramming dp(bridge);
  std::vector<int> first(kBridgeEpisodes);
  for (int e = 0; e < kBridgeEpisodes; ++e) first[e] = e < kBridgeEpisodes / 2 ? 0 : 1;
  std::shuffle(first.begin(), first.end(), rng);
  EnumeratedMarkovGame game(std::make_shared<Bridge>());
  return recordEpisodes(game, kBridgeEpisodes,
                        [&](int e, int t, const float*, Rng& r) {
                          const int s = game.state(), k = first[e];
                          std::vector<int> best;
                          double closest = 1e300;
                          for (int a : dp.optimalJointActions(t, s)) {
                            const Bridge::Cell to = Bridge::position(bridge.transition(s, bridge.jointAction(a)).next, k);
                            const double d = std::hypot(to.row - Bridge::kGoal[k].row, to.col - Bridge::kGoal[k].col);
                            if (d < closest - 1e-12) best.clear(), closest = d;
                            if (d < closest + 1e-12) best.push_back(a);
                          }
                          const int pick = std::uniform_int_distribution<int>(0, static_cast<int>(best.size()) - 1)(r);
                          return bridge.jointAction(best[pick]);
                        },
                        rng);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> datasetKinds(const std::string& game) {
  const std::string g = canonicalGameName(game);
  if (g == "xor")
    return {{"ab", "100 episodes x 50 steps of AB"},
            {"ab_ba", "AB and BA in equal shares"},
            {"aa_ab_ba", "AA, AB and BA in equal shares"},
            {"random", "uniformly random joint actions"}};
  if (g == "mne")
    return {{"balanced", "the optimal joint actions (0,0) and (3,3) in equal shares"},
            {"imbalanced", "(0,0) in 80% of the steps, (3,3) in 20%"}};
  if (g == "bridge")
    return {{"optimal", "500 episodes of optimal joint play, half with player 0 crossing first, half with player 1"},
            {"mix", "500 episodes of uniformly random joint actions, then the 500 optimal ones"}};
  if (g == "gems" || g.rfind("nplayer/", 0) == 0) return {};  // played, not generated
  makeEnumerableGame(game);  // throws for an unknown game
  return {};
}

EpisodeData makeDataset(const std::string& game, const std::string& kind, std::uint64_t seed) {
  const std::string g = canonicalGameName(game);
  const auto kinds = datasetKinds(g);
  if (std::none_of(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == kind; })) {
    std::string valid;
    for (const auto& [k, d] : kinds) valid += (valid.empty() ? "" : ", ") + k;
    throw InputError(fmt::format("unknown dataset kind '{}' for game {} (valid: {})", kind, g, valid));
  }
  Rng rng(seed);
  if (g == "xor") {
    const std::vector<int> A{0, 0}, AB{0, 1}, BA{1, 0};
    if (kind == "ab") return fixedShares(g, {AB}, {1}, rng);
    if (kind == "ab_ba") return fixedShares(g, {AB, BA}, {1, 1}, rng);
    if (kind == "aa_ab_ba") return fixedShares(g, {A, AB, BA}, {1, 1, 1}, rng);
    return uniformRandom(g, kMatrixEpisodes, rng);
  }
  if (g == "mne") {
    const std::vector<int> low{0, 0}, high{3, 3};
    return kind == "balanced" ? fixedShares(g, {low, high}, {1, 1}, rng) : fixedShares(g, {low, high}, {4, 1}, rng);
  }
  EpisodeData optimal = bridgeOptimal(rng);
  if (kind == "optimal") return optimal;
  EpisodeData mix = uniformRandom(g, kBridgeEpisodes, rng);
  appendEpisodes(mix, optimal);
  return mix;
}

EpisodeData recordEpisodes(MarkovGame& game, int episodes, const JointPolicyFunction& policy, Rng& rng) {
  EpisodeData data;
  data.game = game.name();
  data.players = game.players();
  data.action_counts = game.actionCounts();
  data.observation_shape = game.observationShape();
  const int T = game.stepLimit();
  data.allocate(episodes, T);
  const auto obs = data.observationSize();
  for (int e = 0; e < episodes; ++e) {
    game.reset(rng);
    game.observe(data.observation(e, 0));
    int t = 0;
    for (; t < T; ++t) {
      const std::vector<int> joint = policy(e, t, data.observation(e, t), rng);
      game.checkJointAction(joint);
      const StepResult r = game.step(joint, rng);
      const std::size_t k = data.stepIndex(e, t);
      for (int i = 0; i < data.players; ++i) {
        data.actions[k * data.players + i] = joint[i];
        data.rewards[k * data.players + i] = static_cast<float>(r.rewards[i]);
      }
      data.filled[k] = 1;
      data.terminated[k] = r.terminated ? 1 : 0;
      game.observe(data.observation(e, t + 1));
      if (r.terminated) break;
    }
    // Padding repeats the last observation.
    for (int u = t + 2; u <= T; ++u) std::copy_n(data.observation(e, t + 1), obs, data.observation(e, u));
  }
  return data;
}

EpisodeData recordEpisodeRange(MarkovGame& game, int first, int last, const JointPolicyFunction& policy,
                               std::uint64_t seed) {
  // One generator per episode; recordEpisodes plays episode index 0 with it, so the policy is told
  // the episode's global index through the offset.
  Rng rng;
  const int count = std::max(0, last - first);
  EpisodeData data;
  data.game = game.name();
  data.players = game.players();
  data.action_counts = game.actionCounts();
  data.observation_shape = game.observationShape();
  data.allocate(count, game.stepLimit());
  const auto obs = static_cast<std::size_t>(data.observationSize());
  for (int k = 0; k < count; ++k) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(first + k)};
    rng.seed(sequence);
    const EpisodeData one = recordEpisodes(
        game, 1, [&](int, int t, const float* o, Rng& r) { return policy(first + k, t, o, r); }, rng);
    std::copy_n(one.observations.begin(), (one.steps + 1) * obs, data.observation(k, 0));
    const std::size_t steps = static_cast<std::size_t>(one.steps);
    std::copy_n(one.actions.begin(), steps * data.players, data.actions.begin() + data.stepIndex(k, 0) * data.players);
    std::copy_n(one.rewards.begin(), steps * data.players, data.rewards.begin() + data.stepIndex(k, 0) * data.players);
    std::copy_n(one.terminated.begin(), steps, data.terminated.begin() + data.stepIndex(k, 0));
    std::copy_n(one.filled.begin(), steps, data.filled.begin() + data.stepIndex(k, 0));
  }
  return data;
}

void appendEpisodes(EpisodeData& data, const EpisodeData& more) {
  if (data.game != more.game || data.players != more.players || data.action_counts != more.action_counts ||
      data.observation_shape != more.observation_shape)
    throw std::invalid_argument("appendEpisodes: different games or layouts");
  const int T = std::max(data.steps, more.steps);
  EpisodeData out = data;
  out.allocate(data.episodes + more.episodes, T);
  const auto obs = data.observationSize();
  auto copy = [&](const EpisodeData& from, int offset) {
    for (int e = 0; e < from.episodes; ++e) {
      for (int t = 0; t <= T; ++t)
        std::copy_n(from.observation(e, std::min(t, from.steps)), obs, out.observation(offset + e, t));
      for (int t = 0; t < from.steps; ++t) {
        const std::size_t k = from.stepIndex(e, t), j = out.stepIndex(offset + e, t);
        out.filled[j] = from.filled[k];
        out.terminated[j] = from.terminated[k];
        for (int i = 0; i < from.players; ++i) {
          out.actions[j * from.players + i] = from.actions[k * from.players + i];
          out.rewards[j * from.players + i] = from.rewards[k * from.players + i];
        }
      }
    }
  };
  copy(data, 0);
  copy(more, data.episodes);
  data = std::move(out);
}

}  // namespace mfg::games
