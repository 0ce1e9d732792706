#include "io/cli/MarlEvaluation.hpp"

#include <cmath>

#include "solver/certify/MeanInterval.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/marl/EpisodeGather.hpp"

namespace mfg::cli {

namespace {

double mean(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m += x / static_cast<double>(v.size());
  return v.empty() ? std::nan("") : m;
}

nlohmann::json orNull(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

PolicyEvaluation evaluatePolicy(games::MarkovGame& game, marl::DemonstrationLearner& learner, int episodes,
                                std::uint64_t seed, MPI_Comm comm) {
  const auto [lo, hi] = marl::episodeBlock(episodes, comm);
  const games::EpisodeData played = games::recordEpisodeRange(
      game, lo, hi, [&](int, int, const float* o, games::Rng& rng) { return learner.act(o, rng); }, seed);
  const games::EpisodeData all = marl::gatherEpisodes(played, comm);
  PolicyEvaluation out;
  out.episodes = all.episodes;
  out.returns.assign(static_cast<std::size_t>(all.players), std::vector<double>(static_cast<std::size_t>(all.episodes), 0.0));
  for (int e = 0; e < all.episodes; ++e)
    for (int t = 0; t < all.steps; ++t)
      for (int i = 0; i < all.players; ++i)
        out.returns[static_cast<std::size_t>(i)][static_cast<std::size_t>(e)] += all.rewards[all.stepIndex(e, t) * all.players + i];
  out.per_player = nlohmann::json::array();
  std::vector<double> per_episode(static_cast<std::size_t>(all.episodes), 0.0);
  for (const auto& r : out.returns) {
    out.per_player.push_back({{"mean", mean(r)}, {"ci95", orNull(halfWidth95(r))}});
    for (std::size_t e = 0; e < r.size(); ++e) per_episode[e] += r[e] / static_cast<double>(out.returns.size());
  }
  out.mean = mean(per_episode);
  out.half_width = halfWidth95(per_episode);
  return out;
}

}  // namespace mfg::cli
