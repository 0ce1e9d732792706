#pragma once
// Between this rank's std::vector blocks and distributed PETSc vectors of the same layout, and
// the KSP handle the stationary solvers share.
#include <petscksp.h>
#include <petscvec.h>

#include <algorithm>
#include <span>
#include <vector>

#include "solver/engine/PetscObjects.hpp"

namespace mfg::stationary {

using PetscKsp = PetscOwner<KSP, KSPDestroy>;

/// A distributed vector with `values.size()` entries on this rank, filled from `values`.
inline PetscVec makeVec(MPI_Comm comm, std::span<const double> values) {
  PetscVec v;
  MFG_PETSC_CALL(VecCreateMPI(comm, static_cast<PetscInt>(values.size()), PETSC_DETERMINE, v.out()));
  PetscScalar* x = nullptr;
  MFG_PETSC_CALL(VecGetArray(v, &x));
  std::copy(values.begin(), values.end(), x);
  MFG_PETSC_CALL(VecRestoreArray(v, &x));
  return v;
}

/// This rank's entries of v.
inline void copyOut(Vec v, std::vector<double>& out) {
  PetscInt n = 0;
  MFG_PETSC_CALL(VecGetLocalSize(v, &n));
  const PetscScalar* x = nullptr;
  MFG_PETSC_CALL(VecGetArrayRead(v, &x));
  out.assign(x, x + n);
  MFG_PETSC_CALL(VecRestoreArrayRead(v, &x));
}

}  // namespace mfg::stationary
