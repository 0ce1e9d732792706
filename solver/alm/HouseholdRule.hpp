#pragma once
// The household policy k'(k, ε, z, K) of the exact law-of-motion method as a policy of the
// `krusell_smith` MFG, for `mfg certify` (docs/methods.md §10.2). The MFG's action is a consumption
// share u_a of cash on hand x on a grid (k' = (1 − u_a) x), so the continuous choice is laid on the
// grid as a lottery between the two shares around u* = 1 − k'/x, weighted so that the expected
// share is u*: the expected k' is the household's k' (below the smallest or above the largest share,
// all mass on that end). The rule reads z_t and K_t from the forward pass's view at each node.
#include <memory>
#include <vector>

#include "solver/alm/Household.hpp"
#include "solver/certify/PolicyTable.hpp"
#include "solver/models/Model.hpp"

namespace mfg::alm {

/// Fills pi[0..shares.size()) with the lottery over `shares` (increasing) whose mean is `share`.
void shareLottery(const std::vector<double>& shares, double share, double* pi);

/// The policy as a rule decided during the engine's forward pass. `model` must be krusell_smith with
/// the capital grid of `policy` (InputError otherwise); both must outlive the certificate.
PolicyTable householdRule(const Model& model, std::shared_ptr<const HouseholdPolicy> policy);

}  // namespace mfg::alm
