#pragma once
// The kernel and rewards of a StationaryModel as distributed PETSc objects, laid out like the
// finite-horizon engine's KernelMatrix: rows s·|A| + a (state-major, so a state's actions live on
// its owner), columns the states, states in the contiguous blocks of a StateLayout.
#include <petscmat.h>

#include <cstdint>
#include <span>
#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/engine/PetscObjects.hpp"
#include "solver/models/StationaryModel.hpp"

namespace mfg::stationary {

class StationaryKernel {
 public:
  /// Assembles P (exactly preallocated) and R from the model; checks that every row is a
  /// distribution (entries ≥ 0, sum 1 within 1e-12) and that action 0 is feasible everywhere.
  StationaryKernel(const StationaryModel& model, const parallel::StateLayout& layout);

  Mat matrix() const { return P_; }    ///< |S||A| × |S|
  Vec rewards() const { return R_; }   ///< R(s,a), rows of P
  /// Feasibility of this rank's rows, row (s − begin)·|A| + a.
  const std::vector<char>& feasible() const { return feasible_; }

  /// P_π (|S| × |S|, same state layout): row s is P's row (s, π(s)), with an explicit (possibly
  /// zero) diagonal entry so that I − γ P_π can be formed in place. `policy` holds the actions of
  /// this rank's states.
  PetscMat policyKernel(std::span<const std::int64_t> policy) const;
  /// R_π for this rank's states.
  std::vector<double> policyRewards(std::span<const std::int64_t> policy) const;

 private:
  const parallel::StateLayout& layout_;
  PetscMat P_;
  PetscVec R_;
  std::vector<char> feasible_;
};

}  // namespace mfg::stationary
