#include "solver/stationary/PolicyEvaluation.hpp"

#include <stdexcept>
#include <string>

#include "solver/stationary/LocalVectors.hpp"

namespace mfg::stationary {

void solvePolicyEvaluation(Mat A, std::span<const double> rewards, std::vector<double>& value, double rtol) {
  MPI_Comm comm = MPI_COMM_NULL;
  MFG_PETSC_CALL(PetscObjectGetComm(reinterpret_cast<PetscObject>(A), &comm));
  PetscVec b = makeVec(comm, rewards);
  const bool warm = value.size() == rewards.size();
  PetscVec x = makeVec(comm, warm ? std::span<const double>(value) : rewards);
  PetscKsp ksp;
  MFG_PETSC_CALL(KSPCreate(comm, ksp.out()));
  MFG_PETSC_CALL(KSPSetOptionsPrefix(ksp, "mfg_stationary_"));
  MFG_PETSC_CALL(KSPSetOperators(ksp, A, A));
  MFG_PETSC_CALL(KSPSetType(ksp, KSPGMRES));
  MFG_PETSC_CALL(KSPSetTolerances(ksp, rtol, 1e-300, PETSC_DEFAULT, 100000));
  MFG_PETSC_CALL(KSPSetInitialGuessNonzero(ksp, PETSC_TRUE));
  MFG_PETSC_CALL(KSPSetFromOptions(ksp));
  MFG_PETSC_CALL(KSPSolve(ksp, b, x));
  KSPConvergedReason reason;
  MFG_PETSC_CALL(KSPGetConvergedReason(ksp, &reason));
  if (reason < 0)
    throw std::runtime_error("policy evaluation: KSP did not converge (reason " + std::to_string(static_cast<int>(reason)) +
                             "); try -mfg_stationary_ksp_type or -mfg_stationary_pc_type");
  copyOut(x, value);
}

}  // namespace mfg::stationary
