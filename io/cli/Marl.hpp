#pragma once
// `mfg marl ...`: finite-player Markov games and their offline datasets (docs/models.md §7).
// One options struct and one run function per subcommand; addMarlCommands registers them all and
// runMarl dispatches to the one that was parsed, so main.cpp needs two lines.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "io/cli/MarlLearning.hpp"
#include "io/cli/MarlOffline.hpp"

namespace mfg::cli {

/// `mfg marl dataset`: generates one of the literature's offline datasets into an episode file.
struct MarlDatasetOptions {
  std::string game;
  std::string kind;
  std::uint64_t seed = 0;
  std::string out;
};

struct MarlOptions {
  MarlDatasetOptions dataset;
  MarlOfflineConfig offline;
  MarlDemonstrateConfig demonstrate;
  std::vector<std::string> demonstrate_set;
  MarlExpertConfig expert;
  std::vector<std::string> expert_set;
  MarlFromDemosConfig from_demos;
  std::vector<std::string> from_demos_set;
  MarlIrlConfig irl;
  std::vector<std::string> irl_set;
};

/// Adds the `marl` group and its subcommands to `app`; returns the group.
CLI::App* addMarlCommands(CLI::App& app, MarlOptions& options);

/// Runs the subcommand of `marl` that was parsed; returns the exit status.
int runMarl(const CLI::App& marl, const MarlOptions& options, MPI_Comm comm);

/// `mfg marl games`: the games with their dataset kinds.
void listMarlGames(MPI_Comm comm);
/// `mfg marl dataset`: validates the game and kind, generates the dataset on every rank (it is
/// seeded, so every rank holds the same one), writes it from rank 0 and prints a summary.
void marlDataset(const MarlDatasetOptions& options, MPI_Comm comm);

}  // namespace mfg::cli
