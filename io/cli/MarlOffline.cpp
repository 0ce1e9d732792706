#include "io/cli/MarlOffline.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/EpisodeFile.hpp"
#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "parallel/Collectives.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/games/JointDynamicProgramming.hpp"
#include "solver/marl/Inspo.hpp"
#include "solver/marl/VdnCql.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

const std::vector<std::string> kMethods{"inspo", "inspo-simultaneous", "bc", "vdn-cql", "vdn"};

struct History {
  std::vector<double> iteration, episode_return, change;
};

/// The dataset must come from the game evaluated: same name, players, actions and observations.
void checkDatasetMatchesGame(const games::EpisodeData& data, const games::EnumerableGame& game,
                             const std::string& path) {
  const std::string data_game = games::canonicalGameName(data.game);
  if (data_game != game.name())
    throw InputError(fmt::format("{}: attribute game is '{}', but --game is {}", path, data.game, game.name()));
  if (data.action_counts != game.actionCounts() || data.observationSize() != game.observationSize())
    throw InputError(fmt::format("{}: players, actions per player or observation size differ from game {}", path,
                                 game.name()));
}

void writePolicy(const std::string& path, const marl::TabularPolicy& policy, const marl::EmpiricalGame& data,
                 const games::EpisodeData& episodes, const std::string& method, MPI_Comm comm) {
  const std::string tmp = io::temporaryName(path, comm);
  {
    io::Hid file = io::openParallel(tmp, comm, true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    std::vector<double> keys;
    for (int s = 0; s < data.stateCount(); ++s)
      for (float x : data.observation(s)) keys.push_back(x);
    std::vector<hsize_t> shape{static_cast<hsize_t>(data.stateCount())};
    for (auto d : episodes.observation_shape) shape.push_back(static_cast<hsize_t>(d));
    io::writeSerial(file, "/observations", keys, shape);
    for (int i = 0; i < data.players(); ++i)
      io::writeSerial(file, fmt::format("/policy_{}", i), policy.table[i],
                      {static_cast<hsize_t>(data.stateCount()), static_cast<hsize_t>(policy.action_counts[i])});
    io::writeAttribute(file, "game", episodes.game);
    io::writeAttribute(file, "method", method);
  }
  io::renameOnRoot(tmp, path, comm);
}

void writeHistory(const std::string& path, const History& history, MPI_Comm comm) {
  const std::string tmp = io::temporaryName(path, comm);
  {
    io::Hid file = io::openParallel(tmp, comm, true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    io::Hid group = io::createGroup(file, "/history");
    io::writeSerial(file, "/history/iteration", history.iteration);
    io::writeSerial(file, "/history/episode_return", history.episode_return);
    io::writeSerial(file, "/history/policy_change", history.change);
  }
  io::renameOnRoot(tmp, path, comm);
}

/// Every player puts at least 1 − 1e-6 on one action in every state the data acts in.
bool deterministic(const marl::TabularPolicy& policy, const marl::EmpiricalGame& data) {
  for (int i = 0; i < data.players(); ++i)
    for (int s = 0; s < data.stateCount(); ++s) {
      if (data.samples(s).empty()) continue;
      double top = 0.0;
      for (int a = 0; a < policy.action_counts[i]; ++a) top = std::max(top, policy.at(i, s, a));
      if (top < 1.0 - 1e-6) return false;
    }
  return true;
}

}  // namespace

void marlOffline(const MarlOfflineConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const auto start = std::chrono::steady_clock::now();
  if (std::find(kMethods.begin(), kMethods.end(), config.method) == kMethods.end())
    throw InputError(fmt::format("unknown --method '{}' (valid: inspo, inspo-simultaneous, bc, vdn-cql, vdn)",
                                 config.method));
  if (config.iterations < 1 || config.iterations > 1000000)
    throw InputError(fmt::format("--iterations {} is out of range [1, 1000000]", config.iterations));
  if (!(config.gamma >= 0.0 && config.gamma < 1.0))
    throw InputError(fmt::format("--gamma {} is out of range [0, 1)", config.gamma));
  const auto game = games::makeEnumerableGame(config.game);
  const games::EpisodeData episodes = io::readEpisodes(config.dataset, comm);
  checkDatasetMatchesGame(episodes, *game, config.dataset);
  const marl::EmpiricalGame data(episodes, comm);
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  makeDirectory(config.out, comm);
  log.info("mfg marl offline: {} on {} ({} episodes, {} transitions, {} states in the data), {} rank(s)",
           config.method, game->name(), episodes.episodes, data.transitions(), data.stateCount(), ranks);

  const games::JointDynamicProgramming exact(*game);
  const marl::TabularPolicy behaviour(data);
  const marl::ExactReturn behaviour_return = marl::exactReturn(behaviour, data, *game);
  History history;
  marl::TabularPolicy policy = behaviour;
  nlohmann::json settings;
  const bool inspo = config.method.rfind("inspo", 0) == 0;
  if (inspo) {
    marl::InspoSettings s;
    s.alpha = config.alpha;
    s.beta = config.beta;
    s.gamma = config.gamma;
    s.iterations = config.iterations;
    s.sequential = config.method == "inspo";
    s.seed = config.seed;
    marl::Inspo solver(data, s);
    log.info("{:>6}  {:>14}  {:>12}  {:>10}", "iter", "return", "per step", "change");
    for (int k = 1; k <= config.iterations; ++k) {
      const double change = solver.iterate();
      const marl::ExactReturn r = marl::exactReturn(solver.policy(), data, *game);
      history.iteration.push_back(k);
      history.episode_return.push_back(r.episode_return);
      history.change.push_back(change);
      if (k == 1 || k == config.iterations || k % std::max(1, config.iterations / 10) == 0)
        log.info("{:>6}  {:>14.6f}  {:>12.6f}  {:>10.3e}", k, r.episode_return, r.return_per_step, change);
    }
    policy = solver.policy();
    settings = {{"alpha", s.alpha}, {"beta", s.beta}, {"gamma", s.gamma}, {"sequential", s.sequential},
                {"init_noise", s.init_noise}, {"value_sweeps", solver.values().sweeps}};
  } else if (config.method == "vdn-cql" || config.method == "vdn") {
    marl::VdnCqlSettings s;
    s.conservative = config.method == "vdn" ? 0.0 : (config.alpha_given ? config.alpha : 1.0);
    s.gamma = config.gamma;
    if (!(s.conservative >= 0.0)) throw InputError(fmt::format("--alpha (the CQL weight) must be >= 0"));
    policy = marl::vdnCql(data, s).policy;
    settings = {{"conservative", s.conservative}, {"gamma", s.gamma}, {"target_refreshes", s.iterations},
                {"steps_per_target", s.inner}, {"step", s.step}};
  }
  const marl::ExactReturn result = marl::exactReturn(policy, data, *game);
  if (history.iteration.empty()) {
    history.iteration.push_back(1);
    history.episode_return.push_back(result.episode_return);
    history.change.push_back(0.0);
  }

  const std::filesystem::path out(config.out);
  writePolicy((out / "policy.h5").string(), policy, data, episodes, config.method, comm);
  writeHistory((out / "result.h5").string(), history, comm);
  const double optimum = exact.optimalReturn();
  nlohmann::json start_policy = nlohmann::json::array();
  std::vector<float> obs(static_cast<std::size_t>(episodes.observationSize()));
  game->observation(game->initialState(), obs.data());
  if (const int s0 = data.findState(obs.data()); s0 >= 0)
    for (int i = 0; i < data.players(); ++i) {
      std::vector<double> row(policy.action_counts[i]);
      for (int a = 0; a < policy.action_counts[i]; ++a) row[a] = policy.at(i, s0, a);
      start_policy.push_back(row);
    }
  const double wall = parallel::broadcast(
      comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  nlohmann::json summary = {
      {"command", "marl offline"},
      {"method", config.method},
      {"game", game->name()},
      {"dataset", config.dataset},
      {"seed", config.seed},
      {"iterations", inspo ? config.iterations : 1},
      {"settings", settings},
      {"evaluation", "exact"},
      {"episode_return", result.episode_return},
      {"return_per_step", result.return_per_step},
      {"expected_steps", result.expected_steps},
      {"optimal_return", optimum},
      {"optimality_gap", optimum != 0.0 ? (optimum - result.episode_return) / std::abs(optimum) : 0.0},
      {"behaviour_return", behaviour_return.episode_return},
      {"behaviour_return_per_step", behaviour_return.return_per_step},
      {"deterministic", deterministic(policy, data)},
      {"start_policy", start_policy},
      {"dataset_episodes", episodes.episodes},
      {"dataset_transitions", data.transitions()},
      {"dataset_states", data.stateCount()},
      {"ranks", ranks},
      {"wall_seconds", wall}};
  io::writeTextAtomically((out / "summary.json").string(), summary.dump(2) + "\n", comm);
  log.info("return {:.6f} ({:.6f} per step; optimum {:.6f}, behaviour {:.6f}); wrote {}/policy.h5, result.h5, summary.json",
           result.episode_return, result.return_per_step, optimum, behaviour_return.episode_return, config.out);
}

}  // namespace mfg::cli
