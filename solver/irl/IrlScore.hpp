#pragma once
// What scoring a learned reward produces (solver/irl/networks/IrlScoring.hpp computes it): plain
// data, so that the plots and files do not depend on LibTorch.
#include <cstdint>
#include <optional>
#include <vector>

#include "solver/irl/Plays.hpp"

namespace mfg::irl {

struct EquilibriumComparison {
  double expert_return = 0.0;   ///< Σ_s μ_0(s) V^{π^E}_0(s), true reward, against μ^E
  double learned_return = 0.0;  ///< the same for the learned equilibrium (π^L against μ^L)
  double return_gap = 0.0;      ///< |learned − expert| / |expert|
  double mean_field_kl = 0.0;
  double policy_kl = 0.0;
  int expert_iterations = 0, learned_iterations = 0;  ///< fixed-point iterations (0 for bc)
  bool converged = true;
  double learned_residual = 0.0;  ///< ‖μ_new − μ‖_∞ of the learned equilibrium returned (the best seen)
  GlobalTable expert_flow, learned_flow;             ///< for plots
  GlobalTable expert_reward, learned_reward;         ///< r_t(s, a) along each flow (t = 0..T-1)
};

struct TypeScore {
  int type = 0;
  std::vector<double> context;     ///< the context scored for this type (empty without one)
  EquilibriumComparison original, transfer;
};

struct IrlScore {
  std::vector<TypeScore> types;
  std::vector<int> clusters;            ///< inferred cluster of every play
  std::optional<double> type_accuracy;  ///< best matching of clusters to labels (none without labels)
};

}  // namespace mfg::irl
