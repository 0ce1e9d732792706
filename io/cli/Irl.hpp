#pragma once
// `mfg demonstrate` (experts' plays of a mean-field game with hidden agent types) and `mfg irl`
// (inverse RL from them), docs/methods.md §13. addIrlCommands registers both; runIrl dispatches.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mfg::cli {

struct DemonstrateConfig {
  std::string model;
  std::map<std::string, std::vector<double>> parameters;
  std::string types;       ///< TOML file of [[type]] tables (empty: one type, the model's parameters)
  long plays = 16;
  long agents = 100;
  double beta = 1.0;
  std::uint64_t seed = 0;
  std::string out;
};
/// Solves each type's soft equilibrium, samples the plays (split over the ranks, each seeded from
/// (seed, play)) and writes the demonstration file.
void demonstrate(const DemonstrateConfig& config, MPI_Comm comm);

struct IrlConfig {
  std::string method = "pemmfirl";
  std::string demos;
  std::string model;
  std::map<std::string, std::vector<double>> parameters;
  long iterations = 200;
  std::uint64_t seed = 0;
  std::string types = "0";  ///< pemmfirl: K > 0 categorical context over K types; 0 Gaussian; "auto" K read off the plays
  int max_types = 8;        ///< --types auto: at most this many types
  int latent = 3;
  std::string context_init = "kmeans";  ///< pemmfirl --types K: kmeans | random
  long context_warmup = 50;
  double c_info = 0.1, c_imit = 0.01;
  double learning_rate = 1e-3;
  int batch_plays = 16;
  int groups = 0;
  long generated_agents = 0;
  long checkpoint_every = 50;
  bool resume = false;
  bool plots = true;
  std::string out = "mfg-irl";
};
/// Writes OUT/reward.pt, OUT/result.h5, OUT/summary.json (and the plots).
void irl(const IrlConfig& config, MPI_Comm comm);

struct IrlOptions {
  DemonstrateConfig demonstrate;
  std::vector<std::string> demonstrate_set;
  IrlConfig irl;
  std::vector<std::string> irl_set;
  bool no_plots = false;
  CLI::App* demonstrate_command = nullptr;
  CLI::App* irl_command = nullptr;
};

void addIrlCommands(CLI::App& app, IrlOptions& options);
/// Runs the one that was parsed; returns false when neither was.
bool runIrl(IrlOptions& options, MPI_Comm comm);

}  // namespace mfg::cli
