#pragma once
// `mfg marl demonstrate` (record episodes of a policy) and `mfg marl irl` (learn from them).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mfg::cli {

struct MarlDemonstrateConfig {
  std::string game;
  std::string policy = "planner";  ///< planner | uniform | DIR/critics.pt | an MFG policy (.h5, nplayer games)
  int episodes = 100;
  int players = 2;                 ///< nplayer games
  std::map<std::string, std::vector<double>> parameters;  ///< nplayer games: model overrides
  std::uint64_t seed = 0;
  std::string out;
};
/// Records `episodes` episodes (split over the ranks, each seeded from (seed, episode)) into an
/// episode file.
void marlDemonstrate(const MarlDemonstrateConfig& config, MPI_Comm comm);

struct MarlExpertConfig {
  std::string method = "soft-q";
  std::string game;
  int players = 2;
  std::map<std::string, std::vector<double>> parameters;
  long iterations = 2000;
  double alpha = 0.1;              ///< temperature of the Boltzmann policies
  long target_every = 20;
  int batch = 256;
  int eval_episodes = 100;
  long checkpoint_every = 100;
  bool resume = false;
  std::uint64_t seed = 0;
  std::string out = "expert";
};
/// Trains an expert with the game's true rewards (independent soft Q-learning with the learners'
/// critics) and writes OUT/critics.pt (playable by `marl demonstrate --policy`), result.h5 and
/// summary.json with its average return.
void marlExpert(const MarlExpertConfig& config, MPI_Comm comm);

struct MarlFromDemosConfig {
  std::string demos;  ///< demonstration file of `mfg demonstrate` (one agent type)
  std::map<std::string, std::vector<double>> parameters;  ///< model overrides over the file's
  std::string out;
};
/// Replays every play of a mean-field demonstration file in the N-player game of its model (N = the
/// play's agents; rewards paid by the game on the play's own empirical distribution) and writes the
/// episodes. Plays are split over the ranks.
void marlFromDemos(const MarlFromDemosConfig& config, MPI_Comm comm);

struct MarlIrlConfig {
  std::string method = "mamql";    ///< mamql | iq-learn | bc
  std::string game;
  std::string demos;
  long transitions = 0;            ///< 0: every training transition
  long iterations = 1000;
  int players = 2;
  std::map<std::string, std::vector<double>> parameters;
  std::uint64_t seed = 0;
  int batch = 256;
  int eval_episodes = 100;
  double holdout = 0.1;            ///< share of the demo episodes kept for reward recovery
  long checkpoint_every = 100;
  bool resume = false;
  std::string out = "mfg-irl";
};
/// Writes OUT/critics.pt, OUT/result.h5 and OUT/summary.json.
void marlIrl(const MarlIrlConfig& config, MPI_Comm comm);

}  // namespace mfg::cli
