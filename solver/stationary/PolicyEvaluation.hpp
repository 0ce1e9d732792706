#pragma once
// The linear solve at the heart of every policy evaluation, shared by the grid and lottery forms:
// (I − γ P_π) V = R_π by PETSc KSP (GMRES, PETSc's default preconditioner, options prefix
// `mfg_stationary_`), from the previous values when they fit.
#include <petscmat.h>

#include <span>
#include <vector>

namespace mfg::stationary {

/// Solves A V = rewards to the relative residual `rtol`, with `value` as the initial guess when it
/// has this rank's size (the rewards otherwise); raises when KSP does not converge.
void solvePolicyEvaluation(Mat A, std::span<const double> rewards, std::vector<double>& value, double rtol);

}  // namespace mfg::stationary
