#pragma once
// Scoring of a learned reward against the truth (docs/methods.md §13, "Metrics"): for each true
// agent type, the experts' soft equilibrium under the true reward and the soft equilibrium induced by
// the learned reward (for the type's inferred context), compared by return under the true reward,
// Σ_t KL(μ^E_t ‖ μ_t) and Σ_t Σ_s μ^E_t(s) KL(π^E_t ‖ π_t), under the original and under changed
// dynamics; and the accuracy of the inferred types.
#include <mpi.h>

#include <map>
#include <string>
#include <vector>

#include "solver/irl/Clustering.hpp"
#include "solver/irl/IrlScore.hpp"
#include "solver/irl/Plays.hpp"
#include "solver/irl/networks/IrlLearner.hpp"

namespace mfg::irl {

struct ScoringInput {
  std::string model;                                      ///< model name
  std::map<std::string, std::vector<double>> parameters;  ///< the demonstrations' model parameters
  std::vector<std::map<std::string, double>> types;       ///< each type's overrides (empty: one type, no overrides)
  std::vector<std::int32_t> labels;                       ///< hidden type of every play (may be empty)
  std::map<std::string, std::vector<double>> transfer;    ///< the changed dynamics
  double temperature = 1.0;
};

/// Collective over `comm` (states of every pass split across its ranks).
IrlScore scoreIrl(IrlLearner& learner, const ScoringInput& input, MPI_Comm comm);

}  // namespace mfg::irl
