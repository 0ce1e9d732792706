#pragma once
// Which rank owns which states. States are split in contiguous blocks exactly as PETSc's
// PetscSplitOwnership does, so the engine's vectors and matrices line up with these ranges; the
// actions of a state always live with the state (rows s·|A| + a).
#include <mpi.h>

#include <cstdint>
#include <vector>

namespace mfg::parallel {

class StateLayout {
 public:
  StateLayout(MPI_Comm comm, std::int64_t num_states, std::int64_t num_actions);

  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  std::int64_t globalStates() const { return n_; }
  std::int64_t actions() const { return actions_; }
  std::int64_t begin() const { return begin_; }  ///< first owned state
  std::int64_t end() const { return end_; }      ///< one past the last owned state
  std::int64_t localStates() const { return end_ - begin_; }
  std::int64_t localRows() const { return localStates() * actions_; }
  /// First state owned by each rank, plus n at the end (size + 1 entries).
  const std::vector<std::int64_t>& offsets() const { return offsets_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::int64_t n_, actions_, begin_ = 0, end_ = 0;
  std::vector<std::int64_t> offsets_;
};

}  // namespace mfg::parallel
