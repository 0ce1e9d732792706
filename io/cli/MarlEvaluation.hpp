#pragma once
// Evaluation of a learner's policies in a Markov game, shared by `mfg marl irl` and `mfg marl expert`:
// episodes split over the ranks, each seeded from (seed, episode), so the same episodes are played on
// any number of ranks.
#include <mpi.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "solver/games/MarkovGame.hpp"
#include "solver/marl/networks/DemonstrationLearner.hpp"

namespace mfg::cli {

struct PolicyEvaluation {
  std::vector<std::vector<double>> returns;  ///< [player][episode], undiscounted
  nlohmann::json per_player;                 ///< [{mean, ci95}] per player
  double mean = 0.0;        ///< per player per episode (each episode's mean over the players is one unit)
  double half_width = 0.0;  ///< its 95% Student-t half-width (NaN with one episode)
  int episodes = 0;
};

/// Collective: plays `episodes` episodes with the learner's policies (episode e seeded from (seed, e)).
PolicyEvaluation evaluatePolicy(games::MarkovGame& game, marl::DemonstrationLearner& learner, int episodes,
                                std::uint64_t seed, MPI_Comm comm);

}  // namespace mfg::cli
