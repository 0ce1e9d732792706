// `mfg marl expert`: experts trained by the project with the game's true rewards (docs/methods.md
// §12.5), for games whose demonstrator is not an exact planner or an MFG equilibrium.
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/MarlEvaluation.hpp"
#include "io/cli/MarlLearning.hpp"
#include "parallel/Collectives.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/marl/networks/DemonstrationLearner.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

void marlExpert(const MarlExpertConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const auto start = std::chrono::steady_clock::now();
  if (config.method != "soft-q") throw InputError(fmt::format("--method '{}' is not one of: soft-q", config.method));
  if (config.iterations < 0 || config.iterations > 100000000)
    throw InputError(fmt::format("--iterations {} is out of range [0, 1e8]", config.iterations));
  if (!(config.alpha > 0.0) || !std::isfinite(config.alpha))
    throw InputError(fmt::format("--alpha {} must be a finite number > 0", config.alpha));
  if (config.target_every < 1) throw InputError(fmt::format("--target-every {} must be >= 1", config.target_every));
  if (config.eval_episodes < 100 || config.eval_episodes > 1000000)
    throw InputError(fmt::format("--eval-episodes {} is out of range [100, 1e6]", config.eval_episodes));
  if (config.batch < 1 || config.batch > 65536) throw InputError(fmt::format("--batch {} is out of range [1, 65536]", config.batch));
  if (config.checkpoint_every < 1) throw InputError("--checkpoint-every must be >= 1");
  games::GameOptions options;
  options.players = config.players;
  options.parameters = config.parameters;
  auto game = games::makeGame(config.game, options);

  marl::IrlSettings settings;
  settings.method = marl::IrlMethod::kSoftQ;
  settings.seed = config.seed;
  settings.batch = config.batch;
  settings.soft_q_alpha = config.alpha;
  settings.target_every = config.target_every;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  makeDirectory(config.out, comm);
  const std::filesystem::path out(config.out);
  const std::string checkpoint = (out / "critics.pt").string();
  marl::DemonstrationLearner learner(*game, marl::TransitionStore(game->observationShape(), game->players(), 1),
                                     settings, comm);
  if (config.resume && std::filesystem::exists(checkpoint)) {
    learner.load(checkpoint);
    log.info("resumed from {} at iteration {}", checkpoint, learner.iteration());
  }
  log.info("mfg marl expert: soft Q-learning on {} (temperature {}, targets every {} iterations), {} rank(s)",
           game->name(), config.alpha, config.target_every, ranks);

  std::vector<double> losses, seconds, rollouts;
  const long report = std::max(1L, config.iterations / 20);
  double recent = 0.0;  // mean rollout return since the last report
  long counted = 0;
  while (learner.iteration() < config.iterations) {
    const auto t0 = std::chrono::steady_clock::now();
    losses.push_back(learner.iterate());
    seconds.push_back(parallel::broadcast(comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
    rollouts.push_back(learner.rolloutReturn());
    recent += rollouts.back();
    ++counted;
    if (learner.iteration() % report == 0 || learner.iteration() == config.iterations) {
      log.info("iteration {:>7}  loss {:>10.5f}  rollout return per player {:>8.3f} (mean of the last {})  {:.3f} s/iteration",
               learner.iteration(), losses.back(), recent / static_cast<double>(counted), counted, seconds.back());
      recent = 0.0;
      counted = 0;
    }
    if (learner.iteration() % config.checkpoint_every == 0) learner.save(checkpoint, comm);
  }
  learner.save(checkpoint, comm);

  const PolicyEvaluation evaluation = evaluatePolicy(*game, learner, config.eval_episodes, config.seed + 1, comm);
  {
    const std::string path = (out / "result.h5").string();
    const std::string tmp = io::temporaryName(path, comm);
    {
      io::Hid file = io::openParallel(tmp, comm, true);
      if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
      io::Hid history = io::createGroup(file, "/history");
      io::Hid evaluation_group = io::createGroup(file, "/evaluation");
      if (!losses.empty()) {  // no iterations in this run: no history
        io::writeSerial(file, "/history/loss", losses);
        io::writeSerial(file, "/history/seconds", seconds);
        io::writeSerial(file, "/history/rollout_return", rollouts);
      }
      std::vector<double> flat;
      for (const auto& r : evaluation.returns) flat.insert(flat.end(), r.begin(), r.end());
      io::writeSerial(file, "/evaluation/returns", flat,
                      {static_cast<hsize_t>(evaluation.returns.size()), static_cast<hsize_t>(evaluation.episodes)});
    }
    io::renameOnRoot(tmp, path, comm);
  }
  double per_iteration = 0.0;
  for (double s : seconds) per_iteration += s / static_cast<double>(seconds.size());
  const double wall =
      parallel::broadcast(comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  nlohmann::json summary = {
      {"command", "marl expert"},
      {"method", config.method},
      {"game", game->name()},
      {"alpha", config.alpha},
      {"target_every", config.target_every},
      {"iterations", learner.iteration()},
      {"seed", config.seed},
      {"average_return", evaluation.mean},
      {"average_return_ci95", std::isfinite(evaluation.half_width) ? nlohmann::json(evaluation.half_width) : nlohmann::json(nullptr)},
      {"average_return_per_player", evaluation.per_player},
      {"evaluation_episodes", evaluation.episodes},
      {"seconds_per_iteration", seconds.empty() ? nlohmann::json(nullptr) : nlohmann::json(per_iteration)},
      {"ranks", ranks},
      {"wall_seconds", wall}};
  io::writeTextAtomically((out / "summary.json").string(), summary.dump(2) + "\n", comm);
  log.info("average return {:.4f} ± {:.4f} per player per episode over {} episodes; wrote {}/critics.pt, result.h5, "
           "summary.json (record demonstrations with `mfg marl demonstrate --policy {}`)",
           evaluation.mean, std::isfinite(evaluation.half_width) ? evaluation.half_width : 0.0, evaluation.episodes,
           config.out, checkpoint);
}

}  // namespace mfg::cli
