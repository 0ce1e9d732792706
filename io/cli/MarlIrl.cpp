#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/EpisodeFile.hpp"
#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/MarlEvaluation.hpp"
#include "io/cli/MarlLearning.hpp"
#include "parallel/Collectives.hpp"
#include "solver/certify/MeanInterval.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/marl/EpisodeGather.hpp"
#include "solver/marl/networks/DemonstrationLearner.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

/// The demonstrations must come from the game learned: players, actions and observation shape.
void checkDemosMatchGame(const games::EpisodeData& data, const games::MarkovGame& game, const std::string& path) {
  if (data.players != game.players() || data.action_counts != game.actionCounts() ||
      data.observation_shape != game.observationShape())
    throw InputError(fmt::format("{}: players, actions per player or observation shape differ from game {} "
                                 "(the file's game attribute says '{}')",
                                 path, game.name(), data.game));
}

struct Recovery {
  std::vector<double> mse, corr;
};

/// Recovered against true rewards, per player, on `batch`.
Recovery rewardRecovery(const torch::Tensor& recovered, const torch::Tensor& truth) {
  Recovery out;
  if (!recovered.defined() || recovered.numel() == 0) return out;
  const auto r = recovered.to(torch::kFloat64), t = truth.to(torch::kFloat64);
  for (std::int64_t i = 0; i < r.size(1); ++i) {
    const auto x = r.select(1, i), y = t.select(1, i);
    out.mse.push_back((x - y).pow(2).mean().item<double>());
    const auto dx = x - x.mean(), dy = y - y.mean();
    const double den = std::sqrt((dx * dx).sum().item<double>() * (dy * dy).sum().item<double>());
    out.corr.push_back(den > 0 ? (dx * dy).sum().item<double>() / den : std::nan(""));
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m += x / static_cast<double>(v.size());
  return v.empty() ? std::nan("") : m;
}

nlohmann::json orNull(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

void marlIrl(const MarlIrlConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const auto start = std::chrono::steady_clock::now();
  if (config.iterations < 0 || config.iterations > 100000000)
    throw InputError(fmt::format("--iterations {} is out of range [0, 1e8]", config.iterations));
  if (config.eval_episodes < 100 || config.eval_episodes > 1000000)
    throw InputError(fmt::format("--eval-episodes {} is out of range [100, 1e6]", config.eval_episodes));
  if (config.batch < 1 || config.batch > 65536) throw InputError(fmt::format("--batch {} is out of range [1, 65536]", config.batch));
  if (config.transitions < 0) throw InputError("--transitions must be >= 0");
  if (config.method == "soft-q")
    throw InputError("--method soft-q trains an expert with the true reward, not from demonstrations: use `mfg marl expert`");
  if (config.checkpoint_every < 1) throw InputError("--checkpoint-every must be >= 1");
  games::GameOptions options;
  options.players = config.players;
  options.parameters = config.parameters;
  auto game = games::makeGame(config.game, options);
  const games::EpisodeData demos = io::readEpisodes(config.demos, comm);
  checkDemosMatchGame(demos, *game, config.demos);
  // The last episodes are held out for reward recovery (at least one, and one kept for training).
  const int held = demos.episodes > 1 ? std::max(1, static_cast<int>(std::lround(config.holdout * demos.episodes))) : 0;
  const int train_episodes = demos.episodes - held;
  marl::TransitionStore expert = marl::transitionsOf(demos, 0, train_episodes, config.transitions);
  const std::int64_t training_transitions = expert.size();
  const marl::TransitionStore heldout = marl::transitionsOf(demos, held > 0 ? train_episodes : 0, demos.episodes);
  double expert_return = 0.0;  // mean per player per episode, over every demo episode
  for (std::size_t k = 0; k < demos.rewards.size(); ++k) expert_return += demos.rewards[k];
  expert_return /= static_cast<double>(demos.episodes) * demos.players;

  marl::IrlSettings settings;
  settings.method = marl::irlMethodOf(config.method);
  settings.seed = config.seed;
  settings.batch = config.batch;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  makeDirectory(config.out, comm);
  const std::filesystem::path out(config.out);
  const std::string checkpoint = (out / "critics.pt").string();
  marl::DemonstrationLearner learner(*game, std::move(expert), settings, comm);
  if (config.resume && std::filesystem::exists(checkpoint)) {
    learner.load(checkpoint);
    log.info("resumed from {} at iteration {}", checkpoint, learner.iteration());
  }
  log.info("mfg marl irl: {} on {} from {} ({} training transitions of {} episodes, {} held out), {} rank(s)",
           config.method, game->name(), config.demos, training_transitions,
           train_episodes, held, ranks);

  std::vector<double> losses, seconds;
  const long report = std::max(1L, config.iterations / 10);
  while (learner.iteration() < config.iterations) {
    const auto t0 = std::chrono::steady_clock::now();
    losses.push_back(learner.iterate());
    seconds.push_back(parallel::broadcast(comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
    if (learner.iteration() % report == 0 || learner.iteration() == config.iterations)
      log.info("iteration {:>7}  loss {:>12.5f}  {:.3f} s/iteration", learner.iteration(), losses.back(), seconds.back());
    if (learner.iteration() % config.checkpoint_every == 0) learner.save(checkpoint, comm);
  }
  learner.save(checkpoint, comm);

  const PolicyEvaluation evaluation = evaluatePolicy(*game, learner, config.eval_episodes, config.seed + 1, comm);
  const auto& returns = evaluation.returns;
  struct {
    double mean, half_width;
  } overall{evaluation.mean, evaluation.half_width};
  const auto& per_player = evaluation.per_player;
  const auto batch = heldout.all();
  const Recovery recovery = rewardRecovery(learner.recoveredRewards(batch), batch.rewards);

  {
    const std::string path = (out / "result.h5").string();
    const std::string tmp = io::temporaryName(path, comm);
    {
      io::Hid file = io::openParallel(tmp, comm, true);
      if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
      io::Hid history = io::createGroup(file, "/history");
      io::Hid evaluation_group = io::createGroup(file, "/evaluation");
      io::writeSerial(file, "/history/loss", losses);
      io::writeSerial(file, "/history/seconds", seconds);
      std::vector<double> flat;
      for (const auto& r : returns) flat.insert(flat.end(), r.begin(), r.end());
      io::writeSerial(file, "/evaluation/returns", flat,
                      {static_cast<hsize_t>(returns.size()), static_cast<hsize_t>(evaluation.episodes)});
    }
    io::renameOnRoot(tmp, path, comm);
  }
  double per_iteration = 0.0;
  for (double s : seconds) per_iteration += s / static_cast<double>(seconds.size());
  const double wall =
      parallel::broadcast(comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  nlohmann::json summary = {
      {"command", "marl irl"},
      {"method", config.method},
      {"game", game->name()},
      {"demos", config.demos},
      {"training_transitions", training_transitions},
      {"heldout_transitions", batch.observations.size(0)},
      {"iterations", learner.iteration()},
      {"seed", config.seed},
      {"average_return", overall.mean},
      {"average_return_ci95", orNull(overall.half_width)},
      {"average_return_per_player", per_player},
      {"evaluation_episodes", evaluation.episodes},
      {"expert_return", expert_return},
      {"return_ratio", expert_return != 0.0 ? overall.mean / expert_return : std::nan("")},
      {"reward_recovery_mse", recovery.mse.empty() ? nlohmann::json(nullptr) : nlohmann::json(mean(recovery.mse))},
      {"reward_recovery_corr", recovery.corr.empty() ? nlohmann::json(nullptr) : orNull(mean(recovery.corr))},
      {"reward_recovery_mse_per_player", recovery.mse},
      {"seconds_per_iteration", seconds.empty() ? nlohmann::json(nullptr) : nlohmann::json(per_iteration)},
      {"ranks", ranks},
      {"wall_seconds", wall}};
  if (!std::isfinite(summary["return_ratio"].get<double>())) summary["return_ratio"] = nullptr;
  io::writeTextAtomically((out / "summary.json").string(), summary.dump(2) + "\n", comm);
  log.info("average return {:.4f} ± {:.4f} per player per episode (expert {:.4f}); reward recovery mse {}, corr {}; "
           "wrote {}/critics.pt, result.h5, summary.json",
           overall.mean, std::isfinite(overall.half_width) ? overall.half_width : 0.0, expert_return,
           summary["reward_recovery_mse"].dump(), summary["reward_recovery_corr"].dump(), config.out);
}

}  // namespace mfg::cli
