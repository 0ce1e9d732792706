#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "io/EpisodeFile.hpp"
#include "io/Logger.hpp"
#include "io/cli/MarlLearning.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/games/GemsPlanner.hpp"
#include "solver/games/JointDynamicProgramming.hpp"
#include "solver/games/MfgPolicyActor.hpp"
#include "solver/games/NPlayerGame.hpp"
#include "io/ResultFile.hpp"
#include "parallel/StateLayout.hpp"
#include "solver/marl/EpisodeGather.hpp"
#include "solver/marl/networks/DemonstrationLearner.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// The optimal joint play of an enumerable cooperative game: at each step one of the joint actions
/// that keep the optimal value, drawn at random.
games::JointPolicyFunction optimalPlay(const games::EnumeratedMarkovGame& game,
                                       std::shared_ptr<const games::JointDynamicProgramming> dp) {
  return [&game, dp](int, int t, const float*, games::Rng& rng) {
    const auto best = dp->optimalJointActions(t, game.state());
    const int pick = std::uniform_int_distribution<int>(0, static_cast<int>(best.size()) - 1)(rng);
    return game.enumerable().jointAction(best[pick]);
  };
}

}  // namespace

void marlDemonstrate(const MarlDemonstrateConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  if (config.episodes < 1 || config.episodes > 10000000)
    throw InputError(fmt::format("--episodes {} is out of range [1, 10000000]", config.episodes));
  if (config.out.empty()) throw InputError("--out is required");
  games::GameOptions options;
  options.players = config.players;
  options.parameters = config.parameters;
  const std::string name = games::canonicalGameName(config.game);
  const std::unique_ptr<games::MarkovGame> game = games::makeGame(config.game, options);
  // Small games are played on their enumerated states, which the exact planner reads.
  const auto* enumerated = dynamic_cast<const games::EnumeratedMarkovGame*>(game.get());
  std::shared_ptr<const games::JointDynamicProgramming> dp;
  const auto counts = game->actionCounts();

  games::JointPolicyFunction policy;
  std::unique_ptr<marl::DemonstrationLearner> learner;
  std::unique_ptr<games::MfgPolicyActor> actor;
  std::string description = config.policy;
  if (config.policy == "uniform") {
    policy = [counts](int, int, const float*, games::Rng& rng) {
      std::vector<int> joint(counts.size());
      for (std::size_t i = 0; i < counts.size(); ++i) joint[i] = std::uniform_int_distribution<int>(0, counts[i] - 1)(rng);
      return joint;
    };
  } else if (config.policy == "planner") {
    if (name == "gems") {
      policy = [](int, int, const float* o, games::Rng&) { return games::gemsPlannerAction(o); };
      description = "planner (both players to the same purple gem)";
    } else if (enumerated) {
      dp = std::make_shared<games::JointDynamicProgramming>(enumerated->enumerable());
      policy = optimalPlay(*enumerated, dp);
      description = "planner (optimal joint play, exact)";
    } else {
      throw InputError(fmt::format("--policy planner: no planner for game {} (use uniform, a critics.pt file, or for "
                                   "nplayer games an MFG policy .h5)", config.game));
    }
  } else if (endsWith(config.policy, ".pt")) {
    marl::IrlSettings settings;
    settings.method = marl::DemonstrationLearner::methodIn(config.policy);
    settings.buffer = 1;
    marl::TransitionStore placeholder(game->observationShape(), game->players(), 1);
    std::vector<float> obs(static_cast<std::size_t>(game->observationSize()), 0.0f);
    placeholder.add(obs.data(), obs.data(), std::vector<int>(counts.size(), 0), std::vector<double>(counts.size(), 0.0), false);
    learner = std::make_unique<marl::DemonstrationLearner>(*game, std::move(placeholder), settings, MPI_COMM_SELF);
    learner->load(config.policy, /*with_buffer=*/false);
    policy = [&learner](int, int, const float* o, games::Rng& rng) { return learner->act(o, rng); };
    description = marl::nameOf(settings.method) + " networks from " + config.policy;
  } else if (endsWith(config.policy, ".h5")) {
    if (name.rfind("nplayer/", 0) != 0)
      throw InputError(fmt::format("--policy {}: an MFG policy file plays nplayer/<model> games only", config.policy));
    auto* players = dynamic_cast<games::NPlayerGame*>(game.get());
    const Model& model = players->model();
    if (model.noise())
      throw InputError(fmt::format("--policy {}: models with common noise store policies per scenario node; "
                                   "recording them in the N-player game is not supported yet", config.policy));
    // Every rank reads the whole table (a one-rank layout on MPI_COMM_SELF).
    const parallel::StateLayout whole(MPI_COMM_SELF, model.numStates(), model.numActions());
    const Policy read = io::readPolicy(config.policy, model, whole, {model.numSteps()});
    actor = std::make_unique<games::MfgPolicyActor>(read.pi, model.numStates(), model.numActions());
    policy = [players, &actor](int, int, const float*, games::Rng& rng) {
      return actor->act(players->time(), players->states(), rng);
    };
    description = "MFG policy from " + config.policy;
  } else {
    throw InputError(fmt::format("--policy '{}': valid are planner, uniform, DIR/critics.pt of `mfg marl irl`, or "
                                 "for nplayer games the result.h5 of `mfg solve`", config.policy));
  }

  const auto [lo, hi] = marl::episodeBlock(config.episodes, comm);
  // The rollout networks were built on MPI_COMM_SELF, so ranks play their blocks independently.
  const games::EpisodeData local = games::recordEpisodeRange(*game, lo, hi, policy, config.seed);
  const games::EpisodeData all = marl::gatherEpisodes(local, comm);
  io::EpisodeProvenance provenance;
  provenance.kind = description;
  provenance.seed = config.seed;
  io::writeEpisodes(config.out, all, comm, provenance);
  std::vector<double> mean(all.players, 0.0);
  for (int e = 0; e < all.episodes; ++e)
    for (int t = 0; t < all.steps; ++t)
      for (int i = 0; i < all.players; ++i) mean[i] += all.rewards[all.stepIndex(e, t) * all.players + i] / all.episodes;
  std::string returns;
  for (double m : mean) returns += fmt::format("{}{:.4f}", returns.empty() ? "" : ", ", m);
  log.info("mfg marl demonstrate: {} episodes of {} by {} ({} transitions); mean return per player [{}]; wrote {}",
           all.episodes, game->name(), description, all.transitions(), returns, config.out);
}

}  // namespace mfg::cli
