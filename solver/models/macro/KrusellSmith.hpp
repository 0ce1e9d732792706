#pragma once
// krusell_smith: Krusell & Smith (1998), a heterogeneous-agent economy with aggregate productivity
// shocks and unemployment that follows them (docs/models.md §4.2).
//
// The individual state is (capital k on a grid, employment ε); the action a consumption share of
// cash on hand. The idiosyncratic transition of ε depends on z_t and z_{t+1}, which the engine's
// forward pass does not show a kernel (it reads z_t only), so the common noise of step t is the
// pair (z_t, z_{t+1}): a Markov chain on pairs. The shared observation exposes z_t and K_t only,
// so a policy never sees the future shock.
#include <array>
#include <vector>

#include "solver/models/Registry.hpp"

namespace mfg::macro {

ModelInfo krusellSmith();

/// The capital grid of a krusell_smith parameter set: k_i = capital_max (i/(n−1))^capital_curvature,
/// i = 0..capital_points−1 (state (i, ε) has flat index 2i + ε).
std::vector<double> capitalGrid(const ParameterSet& parameters);

/// The (z, ε) chain of Krusell & Smith (1998), states ordered (b,u), (b,e), (g,u), (g,e), as the
/// spec prints it (rounded to six digits).
inline constexpr std::array<std::array<double, 4>, 4> kKrusellSmithChain{{
    {0.525, 0.35, 0.03125, 0.09375},
    {0.038889, 0.836111, 0.002083, 0.122917},
    {0.09375, 0.03125, 0.291667, 0.583333},
    {0.009115, 0.115885, 0.024306, 0.850694},
}};

/// The employment transition given the aggregate move z → z' (0 bad, 1 good). The printed chain is
/// rounded, so its conditional rows keep unemployment at u_{z'} only to about 3e-6. The unemployed
/// row p(ε'|u, z, z') = Π((z,u),(z',ε'))/π(z'|z) is kept as printed, and the employed row is set so
/// that the law of large numbers holds exactly:
///   p(u'|e, z, z') = (u_{z'} − u_z p(u'|u, z, z')) / (1 − u_z).
struct EmploymentTransition {
  double aggregate[2][2];        ///< π(z'|z)
  double unemployed[2][2][2];    ///< p(ε'|ε = u, z, z') [z][z'][ε']
  double employed[2][2][2];      ///< p(ε'|ε = e, z, z') [z][z'][ε']
  /// p(ε'|ε, z, z').
  double operator()(int z, int z_next, int eps, int eps_next) const {
    return eps == 0 ? unemployed[z][z_next][eps_next] : employed[z][z_next][eps_next];
  }
};

/// Builds the transition from the chain and the unemployment rates u[0] (bad), u[1] (good);
/// InputError when a probability would leave [0, 1].
EmploymentTransition employmentTransition(const std::array<std::array<double, 4>, 4>& chain,
                                          const std::array<double, 2>& unemployment);

}  // namespace mfg::macro
