// `mfg marl from-demos`: the plays of a mean-field demonstration file as episodes of the N-player
// game of the same model, so that the finite-player learners (MAMQL, IQ-Learn, BC) and the
// mean-field ones (PEMMFIRL, MF-AIRL, ...) learn from the same trajectories.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>

#include "io/DemonstrationFile.hpp"
#include "io/EpisodeFile.hpp"
#include "io/Logger.hpp"
#include "io/TypesFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/MarlLearning.hpp"
#include "solver/games/NPlayerGame.hpp"
#include "solver/marl/EpisodeGather.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::cli {

namespace {

/// Plays [lo, hi) replayed in the N-player game: play p becomes episode p − lo.
games::EpisodeData replayPlays(games::NPlayerGame& game, const irl::Demonstrations& demos, int lo, int hi) {
  games::EpisodeData data;
  data.game = game.name();
  data.players = game.players();
  data.action_counts = game.actionCounts();
  data.observation_shape = game.observationShape();
  data.allocate(hi - lo, static_cast<int>(demos.steps));
  const auto N = static_cast<std::size_t>(demos.agents);
  std::vector<std::int64_t> states(N), next(N);
  std::vector<int> joint(N);
  for (int p = lo; p < hi; ++p) {
    const int e = p - lo;
    for (std::size_t i = 0; i < N; ++i) states[i] = demos.state(p, static_cast<std::int64_t>(i), 0);
    try {
      game.setStates(0, states);
      game.observe(data.observation(e, 0));
      for (int t = 0; t < demos.steps; ++t) {
        for (std::size_t i = 0; i < N; ++i) {
          joint[i] = static_cast<int>(demos.action(p, static_cast<std::int64_t>(i), t));
          next[i] = demos.state(p, static_cast<std::int64_t>(i), t + 1);
        }
        const auto step = game.replay(joint, next);
        const std::size_t k = data.stepIndex(e, t);
        std::copy(joint.begin(), joint.end(), data.actions.begin() + static_cast<std::ptrdiff_t>(k * N));
        for (std::size_t i = 0; i < N; ++i) data.rewards[k * N + i] = static_cast<float>(step.rewards[i]);
        data.filled[k] = 1;
        game.observe(data.observation(e, t + 1));
      }
    } catch (const InputError& err) {
      throw InputError(fmt::format("play {}: {}", p, err.what()));
    }
  }
  return data;
}

}  // namespace

void marlFromDemos(const MarlFromDemosConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  if (config.out.empty()) throw InputError("--out is required");
  const irl::Demonstrations demos = io::readDemonstrations(config.demos, comm);
  const auto& info = findModel(demos.model);
  auto parameters = fileParameters(demos.parameters_json, info, config.demos, log);
  for (const auto& [key, value] : config.parameters) parameters[key] = value;
  const auto types = io::typesFromJson(demos.types_json);
  // An N-player game has one reward for everyone: a mixture of types would need the hidden label.
  if (types.size() > 1)
    throw InputError(fmt::format("{} holds plays of {} agent types; an N-player game has one reward, so convert "
                                 "demonstrations of a single type",
                                 config.demos, types.size()));
  if (types.size() == 1)
    for (const auto& [key, value] : types.front()) parameters[key] = {value};
  if (demos.agents > games::NPlayerGame::kMaxPlayers)
    throw InputError(fmt::format("{}: {} agents per play; the N-player game takes at most {} players", config.demos,
                                 demos.agents, games::NPlayerGame::kMaxPlayers));
  std::shared_ptr<const Model> model = makeModel(demos.model, parameters);
  if (model->numSteps() != demos.steps)
    throw InputError(fmt::format("{}: the plays have T = {} steps but model '{}' has T = {} (--set T={})", config.demos,
                                 demos.steps, demos.model, model->numSteps(), demos.steps));
  games::NPlayerGame game(model, static_cast<int>(demos.agents));

  const auto [lo, hi] = marl::episodeBlock(static_cast<int>(demos.plays), comm);
  // Every rank replays its block; a bad play on one rank must stop all of them.
  std::string failure;
  games::EpisodeData local;
  try {
    local = replayPlays(game, demos, lo, hi);
  } catch (const InputError& err) {
    failure = err.what();
  }
  int bad = failure.empty() ? 0 : 1, any = 0;
  MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
  if (any) throw InputError(fmt::format("{}: {}", config.demos, failure.empty() ? "a play on another rank is not a play of the model" : failure));
  const games::EpisodeData all = marl::gatherEpisodes(local, comm);
  io::EpisodeProvenance provenance;
  provenance.kind = fmt::format("plays of {} (beta {})", config.demos, demos.beta);
  provenance.seed = demos.seed;
  io::writeEpisodes(config.out, all, comm, provenance);
  double mean = 0.0;
  for (float r : all.rewards) mean += r / static_cast<double>(all.episodes * all.players);
  std::string set;
  for (const auto& [key, value] : parameters) set += fmt::format(" --set {}={}", key, fmt::join(value, ","));
  log.info("mfg marl from-demos: {} plays of {} agents → {} episodes of {} ({} transitions); mean return per player "
           "{:.4f}; wrote {}",
           demos.plays, demos.agents, all.episodes, game.name(), all.transitions(), mean, config.out);
  log.info("learn from it with: mfg marl irl --game {} --players {}{} --demos {} ...", game.name(), demos.agents, set,
           config.out);
}

}  // namespace mfg::cli
