#pragma once
// Krusell & Smith's (1998) fixed point on the law of motion of aggregate capital, with the exact
// distribution in place of their simulated panel (docs/methods.md §10.2): given a perceived law
// log K' = a_z + b_z log K, solve the household problem (Household.hpp), propagate the mean field
// along one long shock path under that policy (ExactDistribution.hpp), regress log K_{t+1} on
// log K_t by regime over the reported window (solver/aggregate/LawOfMotion), move the perceived
// coefficients toward the fitted ones, and repeat until they agree.
#include <mpi.h>

#include <functional>
#include <vector>

#include "solver/aggregate/LawOfMotion.hpp"
#include "solver/alm/ExactDistribution.hpp"
#include "solver/alm/Household.hpp"

namespace mfg::alm {

struct AlmIteration {
  int iteration = 0;
  PerceivedLaw perceived;       ///< the law the households solved against
  LawOfMotion fitted;           ///< what their policy produced on the path
  double change = 0.0;          ///< max over the four coefficients of |fitted − perceived|
  int household_iterations = 0;
  double household_change = 0.0;
  double min_K = 0.0, max_K = 0.0;
  double seconds = 0.0;         ///< since solveAlm started
};

struct AlmOptions {
  int max_iterations = 100;
  double tolerance = 1e-6;  ///< on the coefficients' change
  double damping = 0.5;     ///< weight of the fitted law in the update (1: take it as it is)
  int aggregate_points = 6;
  double aggregate_span = 0.15;
  long burn_in = 1000;      ///< quarters before the regression window
  HouseholdOptions household;
  PerceivedLaw initial;     ///< a = 0, b = 1: next quarter's K is this quarter's
  std::vector<int> snapshot_steps;
  std::function<void(const AlmIteration&)> progress;
};

struct AlmResult {
  PerceivedLaw perceived;  ///< the households' law in the last iteration
  HouseholdSolution household;
  ExactPath path;
  LawOfMotion law;  ///< the law fitted on the last path (within the tolerance of `perceived` if converged)
  std::vector<AlmIteration> history;
  bool converged = false;
};

/// regimes[t] = z_t for t = 0..burn_in + quarters; mu0 the mean field at t = 0 (all states).
/// Throws std::invalid_argument when a regime has fewer than two distinct capital levels.
AlmResult solveAlm(const Economy& economy, const std::vector<double>& mu0, const std::vector<int>& regimes,
                   const AlmOptions& options, MPI_Comm comm);

}  // namespace mfg::alm
