#pragma once
// In-sample values of an empirical game (docs/methods.md §7, InSPO): the minimisers of InSPO's value
// losses, computed exactly on the data's empirical distribution.
//   V loss  E_D[exp((Q − V)/α) − (Q − V)/α]   →   V(s) = α log Σ_a D(a|s) exp(Q(s,a)/α)
//   Q loss  E_D[(r + γ V(s') − Q)²]           →   Q(s,a) = r̄(s,a) + γ Σ_s' P̂(s'|s,a) V(s')
// only for the joint actions the data shows at s. Fixed-point iteration (a γ-contraction) to 1e-12.
// States the data only reaches (never acts in) take the lowest V of the acted-in states.
#include <vector>

#include "solver/marl/EmpiricalGame.hpp"

namespace mfg::marl {

struct InSampleValues {
  std::vector<std::vector<double>> q;  ///< q[s][k]: the k-th in-sample joint action of s (EmpiricalGame::samples)
  std::vector<double> v;
  int sweeps = 0;
};

InSampleValues inSampleValues(const EmpiricalGame& game, double alpha, double gamma, double tolerance = 1e-12,
                              int max_sweeps = 1000000);

}  // namespace mfg::marl
