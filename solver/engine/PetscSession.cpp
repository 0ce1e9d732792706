#include "solver/engine/PetscSession.hpp"

#include <petscsys.h>

#include "solver/engine/PetscObjects.hpp"

namespace mfg {

PetscSession::PetscSession(const std::string& options) {
  // PETSc's signal handler would turn SIGPIPE (e.g. `mfg models | head`) into an MPI_Abort.
  MFG_PETSC_CALL(PetscOptionsSetValue(nullptr, "-no_signal_handler", nullptr));
  MFG_PETSC_CALL(PetscInitializeNoArguments());
  if (!options.empty()) MFG_PETSC_CALL(PetscOptionsInsertString(nullptr, options.c_str()));
}

PetscSession::~PetscSession() { PetscFinalize(); }

}  // namespace mfg
