#pragma once
// The value-decomposition baseline (tabular): offline VDN with a per-player conservative (CQL)
// penalty, the family of ICQ, OMAR and CFCQL. Q_tot(s, a) = Σ_i Q_i(s, a_i), fitted by gradient
// descent on
//   Σ_s Σ_{a ∈ D(s)} D(a|s) (Q_tot(s, a) − y)²  +  c Σ_s Σ_i (logsumexp Q_i(s, ·) − E_D Q_i(s, a_i))
// with targets y = r̄ + γ Σ P̂(s') Σ_i max Q_i(s', ·) refreshed every `inner` steps (fitted Q
// iteration), every state weighted equally. The policy is each player's greedy
// action (IGM), which can pick joint actions the data never shows: the failure InSPO avoids.
#include <cstdint>

#include "solver/marl/EmpiricalGame.hpp"
#include "solver/marl/TabularPolicy.hpp"

namespace mfg::marl {

struct VdnCqlSettings {
  double conservative = 1.0;  ///< c, the CQL weight (0: plain offline VDN)
  double gamma = 0.99;
  int iterations = 1000;      ///< target refreshes
  int inner = 20;             ///< gradient steps per target
  double step = 0.5;          ///< gradient step size
};

/// The greedy policy and the fitted per-player tables (q[i][s * A_i + a]).
struct VdnCqlResult {
  TabularPolicy policy;
  std::vector<std::vector<double>> q;
};

VdnCqlResult vdnCql(const EmpiricalGame& game, const VdnCqlSettings& settings);

}  // namespace mfg::marl
