#pragma once
// PetscInitialize/PetscFinalize as one RAII object. PETSc options come from the PETSC_OPTIONS
// environment variable and from `options` (e.g. "-mfg_kernel_mat_type baij"), never from argv, so
// that the CLI's own flags are not read as PETSc options.
#include <string>

namespace mfg {

class PetscSession {
 public:
  explicit PetscSession(const std::string& options = "");
  ~PetscSession();
  PetscSession(const PetscSession&) = delete;
  PetscSession& operator=(const PetscSession&) = delete;
};

}  // namespace mfg
