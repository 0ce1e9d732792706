#include "parallel/StateLayout.hpp"

namespace mfg::parallel {

StateLayout::StateLayout(MPI_Comm comm, std::int64_t num_states, std::int64_t num_actions)
    : comm_(comm), n_(num_states), actions_(num_actions) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &size_);
  offsets_.assign(size_ + 1, 0);
  for (int r = 0; r < size_; ++r)
    offsets_[r + 1] = offsets_[r] + n_ / size_ + ((n_ % size_) > r ? 1 : 0);
  begin_ = offsets_[rank_];
  end_ = offsets_[rank_ + 1];
}

}  // namespace mfg::parallel
