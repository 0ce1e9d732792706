#pragma once
// RAII owners of PETSc objects, and the check that turns a PETSc error code into an exception
// (Debian's PETSc is built as C, so PetscCallThrow is not available).
#include <petscmat.h>
#include <petscvec.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace mfg {

class PetscFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void throwPetscError(PetscErrorCode code, const char* call, const char* file, int line);

#define MFG_PETSC_CALL(...)                                                        \
  do {                                                                             \
    const PetscErrorCode mfg_ierr_ = (__VA_ARGS__);                                \
    if (PetscUnlikely(mfg_ierr_)) ::mfg::throwPetscError(mfg_ierr_, #__VA_ARGS__, __FILE__, __LINE__); \
  } while (0)

template <class Handle, PetscErrorCode (*Destroy)(Handle*)>
class PetscOwner {
 public:
  PetscOwner() = default;
  explicit PetscOwner(Handle h) : h_(h) {}
  PetscOwner(const PetscOwner&) = delete;
  PetscOwner& operator=(const PetscOwner&) = delete;
  PetscOwner(PetscOwner&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  PetscOwner& operator=(PetscOwner&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ~PetscOwner() { reset(); }
  void reset() {
    if (h_) Destroy(&h_);
    h_ = nullptr;
  }
  Handle get() const { return h_; }
  Handle* out() { reset(); return &h_; }
  operator Handle() const { return h_; }

 private:
  Handle h_ = nullptr;
};

using PetscMat = PetscOwner<Mat, MatDestroy>;
using PetscVec = PetscOwner<Vec, VecDestroy>;

}  // namespace mfg
