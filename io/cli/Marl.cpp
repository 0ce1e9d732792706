// `mfg marl ...`. Each subcommand has its section: the options it registers (add*), and what it
// runs (its function in Marl.hpp); addMarlCommands and runMarl list them.
#include "io/cli/Marl.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <vector>

#include "io/Config.hpp"
#include "io/EpisodeFile.hpp"
#include "io/Logger.hpp"
#include "io/cli/Threads.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/games/GameRegistry.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

std::string jointText(const std::vector<int>& joint) {
  std::string s = "(";
  for (std::size_t i = 0; i < joint.size(); ++i) s += fmt::format("{}{}", i ? "," : "", joint[i]);
  return s + ")";
}

/// One line on a dataset: episodes, transitions, terminated episodes, the joint actions' shares
/// (the six most frequent when there are more), the mean return of each player.
std::string composition(const games::EpisodeData& data) {
  std::map<std::vector<int>, long> counts;
  std::vector<double> returns(static_cast<std::size_t>(data.players), 0.0);
  long terminated = 0;
  for (int e = 0; e < data.episodes; ++e)
    for (int t = 0; t < data.steps; ++t) {
      const std::size_t k = data.stepIndex(e, t);
      if (!data.filled[k]) continue;
      std::vector<int> joint(static_cast<std::size_t>(data.players));
      for (int i = 0; i < data.players; ++i) {
        joint[i] = data.action(e, t, i);
        returns[i] += data.rewards[k * data.players + i];
      }
      ++counts[joint];
      terminated += data.terminated[k];
    }
  const long transitions = data.transitions();
  std::vector<std::pair<std::vector<int>, long>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string shares;
  constexpr std::size_t kShown = 6;
  for (std::size_t j = 0; j < std::min(kShown, sorted.size()); ++j)
    shares += fmt::format("{}{} {} ({:.1f}%)", j ? ", " : "", jointText(sorted[j].first), sorted[j].second,
                          100.0 * static_cast<double>(sorted[j].second) / static_cast<double>(transitions));
  if (sorted.size() > kShown) shares += fmt::format(", ... ({} distinct)", sorted.size());
  std::string mean_return;
  for (std::size_t i = 0; i < returns.size(); ++i)
    mean_return += fmt::format("{}{:.7g}", i ? ", " : "", returns[i] / data.episodes);
  return fmt::format("{} episodes, {} transitions, {} terminated; joint actions {}; mean return per player [{}]",
                     data.episodes, transitions, terminated, shares, mean_return);
}

// --- marl games ------------------------------------------------------------------------------

CLI::App* addGames(CLI::App& marl) {
  return marl.add_subcommand("games", "List the finite-player games and the kinds of dataset `marl dataset` makes");
}

// --- marl dataset ----------------------------------------------------------------------------

CLI::App* addDataset(CLI::App& marl, MarlDatasetOptions& o) {
  auto* d = marl.add_subcommand(
      "dataset",
      "Generate an offline dataset of the literature's construction (docs/models.md §7) and write it as an episode "
      "file (docs/formats.md): /observations, /actions, /rewards, /terminated, /filled");
  d->add_option("--game", o.game, "Game (see `mfg marl games`): xor, mne, bridge")->required();
  d->add_option("--kind", o.kind,
                "Dataset kind: xor ab | ab_ba | aa_ab_ba | random; mne balanced | imbalanced; bridge optimal | mix")
      ->required();
  d->add_option("--seed", o.seed, "Seed of the order of the joint actions and of random play")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  d->add_option("--out", o.out, "Episode file to write (HDF5, e.g. data.h5)")->required();
  return d;
}

// --- marl offline ----------------------------------------------------------------------------

CLI::App* addOffline(CLI::App& marl, MarlOfflineConfig& o) {
  auto* c = marl.add_subcommand(
      "offline",
      "Offline MARL from an episode file (docs/methods.md §11): InSPO, its ablations, behaviour cloning or offline "
      "VDN(-CQL), tabular on the dataset's empirical game; the learned joint policy's return is exact. Writes "
      "OUT/policy.h5, OUT/result.h5 and OUT/summary.json");
  c->add_option("--method", o.method, "inspo | inspo-simultaneous | bc | vdn-cql | vdn")->capture_default_str();
  c->add_option("--game", o.game, "Game the dataset comes from: xor, mne, bridge")->required();
  c->add_option("--dataset", o.dataset, "Episode file (e.g. from `mfg marl dataset`)")->required();
  c->add_option_function<double>(
       "--alpha", [&o](double a) { o.alpha = a, o.alpha_given = true; },
       "InSPO: weight of the KL to the behaviour policy, > 0 (default 0.001); vdn-cql: the conservative weight, >= 0 "
       "(default 1)");
  c->add_option("--beta", o.beta, "InSPO: entropy weight, >= 0 (0: the beta = 0 ablation)")->capture_default_str();
  c->add_option("--gamma", o.gamma, "Discount of the values, in [0, 1)")->capture_default_str();
  c->add_option("--iterations", o.iterations, "InSPO iterations")->capture_default_str();
  c->add_option("--seed", o.seed, "Seed of the starting noise and of the update orders")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  c->add_option("--out", o.out, "Output directory")->capture_default_str();
  return c;
}

/// The options `demonstrate` and `irl` share: the game, its players and model overrides, the seed.
void addGameOptions(CLI::App& c, std::string& game, int& players, std::vector<std::string>& set,
                    std::uint64_t& seed, const std::string& seed_help) {
  c.add_option("--game", game, "Game: xor, mne, bridge, gems, nplayer/<model>")->required();
  c.add_option("--players", players, "Players of an nplayer/<model> game")->capture_default_str();
  c.add_option("--set", set, "Model parameter override key=value of an nplayer/<model> game (repeatable)");
  c.add_option("--seed", seed, seed_help)->check(CLI::NonNegativeNumber)->capture_default_str();
}

// --- marl demonstrate ------------------------------------------------------------------------

CLI::App* addDemonstrate(CLI::App& marl, MarlDemonstrateConfig& o, std::vector<std::string>& set) {
  auto* c = marl.add_subcommand(
      "demonstrate",
      "Record episodes of a policy into an episode file: the planner (exact optimal play of xor, mne, bridge; "
      "a hand-written planner for gems), uniform play, networks of `mfg marl irl` (DIR/critics.pt), or for "
      "nplayer/<model> the MFG policy of `mfg solve` (its result.h5)");
  addGameOptions(*c, o.game, o.players, set, o.seed, "Seed: episode e is played with a generator seeded from (seed, e)");
  c->add_option("--policy", o.policy, "planner | uniform | DIR/critics.pt | RESULT.h5 (nplayer games)")
      ->capture_default_str();
  c->add_option("--episodes", o.episodes, "Episodes to record")->capture_default_str();
  c->add_option("--out", o.out, "Episode file to write (HDF5)")->required();
  return c;
}

// --- marl expert -----------------------------------------------------------------------------

CLI::App* addExpert(CLI::App& marl, MarlExpertConfig& o, std::vector<std::string>& set) {
  auto* c = marl.add_subcommand(
      "expert",
      "Train an expert with the game's true rewards (independent soft Q-learning, one critic per player, the "
      "networks of `marl irl`); writes OUT/critics.pt (record it with `marl demonstrate --policy OUT/critics.pt`), "
      "OUT/result.h5 and OUT/summary.json (average return over the evaluation episodes with its 95% interval)");
  c->add_option("--method", o.method, "soft-q")->capture_default_str();
  addGameOptions(*c, o.game, o.players, set, o.seed, "Seed of the networks, batches and rollouts");
  c->add_option("--iterations", o.iterations, "Iterations (one step per player, then one rollout episode)")
      ->capture_default_str();
  c->add_option("--alpha", o.alpha, "Temperature of the Boltzmann policies (> 0)")->capture_default_str();
  c->add_option("--target-every", o.target_every, "Iterations between copies of the critics into the targets")
      ->capture_default_str();
  c->add_option("--batch", o.batch, "Batch size")->capture_default_str();
  c->add_option("--eval-episodes", o.eval_episodes, "Evaluation episodes, at least 100")->capture_default_str();
  c->add_option("--checkpoint-every", o.checkpoint_every, "Write OUT/critics.pt every K iterations")
      ->capture_default_str();
  c->add_flag("--resume", o.resume, "Continue from OUT/critics.pt when it exists");
  c->add_option("--out", o.out, "Output directory")->capture_default_str();
  return c;
}

// --- marl from-demos -------------------------------------------------------------------------

CLI::App* addFromDemos(CLI::App& marl, MarlFromDemosConfig& o, std::vector<std::string>& set) {
  auto* c = marl.add_subcommand(
      "from-demos",
      "Replay the plays of a mean-field demonstration file (`mfg demonstrate`, one agent type) as episodes of the "
      "N-player game nplayer/<model> (N = the agents of a play; each step's rewards paid by the game on the play's "
      "empirical distribution), so that `mfg marl irl` and `mfg irl` learn from the same trajectories");
  c->add_option("--demos", o.demos, "Demonstration file of `mfg demonstrate`")->required();
  c->add_option("--set", set, "Model parameter override key=value over the file's parameters (repeatable)");
  c->add_option("--out", o.out, "Episode file to write (HDF5)")->required();
  return c;
}

// --- marl irl --------------------------------------------------------------------------------

CLI::App* addIrl(CLI::App& marl, MarlIrlConfig& o, std::vector<std::string>& set) {
  auto* c = marl.add_subcommand(
      "irl",
      "Learn from demonstrations in a finite-player game (docs/methods.md §12): MAMQL, multi-agent IQ-Learn or "
      "behaviour cloning; writes OUT/critics.pt, OUT/result.h5 and OUT/summary.json (average return over the "
      "evaluation episodes with its 95% interval, the expert's return, reward recovery on held-out transitions)");
  c->add_option("--method", o.method, "mamql | iq-learn | bc")->capture_default_str();
  addGameOptions(*c, o.game, o.players, set, o.seed, "Seed of the networks, batches and rollouts");
  c->add_option("--demos", o.demos, "Episode file of the demonstrations")->required();
  c->add_option("--transitions", o.transitions, "Use the first K training transitions (0: all)")->capture_default_str();
  c->add_option("--iterations", o.iterations, "Iterations (one step per player, then one rollout)")->capture_default_str();
  c->add_option("--batch", o.batch, "Batch size (expert and policy batches each)")->capture_default_str();
  c->add_option("--eval-episodes", o.eval_episodes, "Evaluation episodes, at least 100")->capture_default_str();
  c->add_option("--checkpoint-every", o.checkpoint_every, "Write OUT/critics.pt every K iterations")
      ->capture_default_str();
  c->add_flag("--resume", o.resume, "Continue from OUT/critics.pt when it exists");
  c->add_option("--out", o.out, "Output directory")->capture_default_str();
  return c;
}

}  // namespace

CLI::App* addMarlCommands(CLI::App& app, MarlOptions& options) {
  auto* marl = app.add_subcommand("marl", "Finite-player Markov games (xor, mne, bridge, gems, nplayer/<model>): offline datasets and offline MARL, "
                                  "demonstrations and multi-agent inverse RL");
  marl->require_subcommand(1);
  addGames(*marl);
  addDataset(*marl, options.dataset);
  addOffline(*marl, options.offline);
  addDemonstrate(*marl, options.demonstrate, options.demonstrate_set);
  addExpert(*marl, options.expert, options.expert_set);
  addFromDemos(*marl, options.from_demos, options.from_demos_set);
  addIrl(*marl, options.irl, options.irl_set);
  return marl;
}

int runMarl(const CLI::App& marl, const MarlOptions& options, MPI_Comm comm) {
  if (marl.got_subcommand("games")) listMarlGames(comm);
  else if (marl.got_subcommand("dataset")) marlDataset(options.dataset, comm);
  else if (marl.got_subcommand("offline")) marlOffline(options.offline, comm);
  else if (marl.got_subcommand("demonstrate")) {
    setThreads(threadsPerRank());  // LibTorch's pool: one thread per rank unless MFG_THREADS says otherwise
    MarlDemonstrateConfig config = options.demonstrate;
    io::applySetItems(options.demonstrate_set, config.parameters);
    marlDemonstrate(config, comm);
  } else if (marl.got_subcommand("expert")) {
    setThreads(threadsPerRank());
    MarlExpertConfig config = options.expert;
    io::applySetItems(options.expert_set, config.parameters);
    marlExpert(config, comm);
  } else if (marl.got_subcommand("from-demos")) {
    MarlFromDemosConfig config = options.from_demos;
    io::applySetItems(options.from_demos_set, config.parameters);
    marlFromDemos(config, comm);
  } else if (marl.got_subcommand("irl")) {
    setThreads(threadsPerRank());
    MarlIrlConfig config = options.irl;
    io::applySetItems(options.irl_set, config.parameters);
    marlIrl(config, comm);
  }
  return 0;
}

void listMarlGames(MPI_Comm comm) {
  io::Logger log(comm);
  for (const auto& [name, description] : games::gameNames()) {
    log.info("games/{}: {}", name, description);
    for (const auto& [kind, what] : games::datasetKinds(name)) log.info("  dataset {}: {}", kind, what);
  }
}

void marlDataset(const MarlDatasetOptions& o, MPI_Comm comm) {
  io::Logger log(comm);
  if (o.out.empty()) throw InputError("--out is empty; name the episode file to write (e.g. --out data.h5)");
  const std::string game = games::canonicalGameName(o.game);
  const games::EpisodeData data = games::makeDataset(game, o.kind, o.seed);  // InputError for a bad game or kind
  io::writeEpisodes(o.out, data, comm, io::EpisodeProvenance{o.kind, o.seed});
  log.info("mfg marl dataset: {} {} (seed {}): {} -> {}", game, o.kind, o.seed, composition(data), o.out);
}

}  // namespace mfg::cli
