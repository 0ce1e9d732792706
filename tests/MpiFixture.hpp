#pragma once
// Global fixture of the MPI suites: one PETSc session (and so MPI) for the whole test binary.
#include <mpi.h>

#include <boost/test/unit_test.hpp>

#include "solver/engine/PetscSession.hpp"

struct PetscFixture {
  PetscFixture() : session() {}
  mfg::PetscSession session;
};

inline int worldRank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

inline int worldSize() {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}
