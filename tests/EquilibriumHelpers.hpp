#pragma once
// The equilibrium of an economy on a communicator at a price tolerance, shared by the stationary
// solver's MPI suites.
#include <mpi.h>

#include "solver/models/StationaryModel.hpp"
#include "solver/stationary/PriceEquilibrium.hpp"

namespace mfgtest {

inline mfg::stationary::Equilibrium solveOn(const mfg::PriceTakingEconomy& economy, MPI_Comm comm, double tolerance) {
  mfg::stationary::EquilibriumSettings settings;
  settings.tolerance = tolerance;
  return mfg::stationary::PriceEquilibriumSolver(economy, comm, settings).solve();
}

}  // namespace mfgtest
