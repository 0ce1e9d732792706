#include "solver/engine/PetscObjects.hpp"

namespace mfg {

void throwPetscError(PetscErrorCode code, const char* call, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw PetscFailure(std::string("PETSc error ") + std::to_string(code) + " (" + (text ? text : "?") +
                     ") in " + call + " at " + file + ":" + std::to_string(line));
}

}  // namespace mfg
