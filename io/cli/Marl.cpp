// `mfg marl ...`. Each subcommand has its section: the options it registers (add*), and what it
// runs (its function in Marl.hpp); addMarlCommands and runMarl list them.
#include "io/cli/Marl.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <vector>

#include "io/EpisodeFile.hpp"
#include "io/Logger.hpp"
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
      "Generate an offline dataset of the literature's construction (docs/models.md §5) and write it as an episode "
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

}  // namespace

CLI::App* addMarlCommands(CLI::App& app, MarlOptions& options) {
  auto* marl = app.add_subcommand("marl", "Finite-player Markov games (xor, mne, bridge): offline datasets");
  marl->require_subcommand(1);
  addGames(*marl);
  addDataset(*marl, options.dataset);
  return marl;
}

int runMarl(const CLI::App& marl, const MarlOptions& options, MPI_Comm comm) {
  if (marl.got_subcommand("games")) listMarlGames(comm);
  else if (marl.got_subcommand("dataset")) marlDataset(options.dataset, comm);
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
