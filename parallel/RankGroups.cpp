#include "parallel/RankGroups.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mfg::parallel {

RankGroups::RankGroups(MPI_Comm world, int groups, int units) : world_(world), units_(units) {
  int rank = 0, size = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  if (groups == 0) groups = std::max(1, std::min(size, units));
  if (groups < 1 || groups > size)
    throw std::invalid_argument("groups = " + std::to_string(groups) + " is invalid (valid: 1.." +
                                std::to_string(size) + ", the number of ranks, or 0 for automatic)");
  count_ = groups;
  // Group g holds ranks [g·size/G, (g+1)·size/G).
  for (int g = 0; g < groups; ++g)
    if (rank >= static_cast<long>(g) * size / groups && rank < static_cast<long>(g + 1) * size / groups) index_ = g;
  MPI_Comm_split(world, index_, rank, &group_);
  MPI_Comm_rank(group_, &group_rank_);
}

RankGroups::~RankGroups() {
  if (group_ != MPI_COMM_NULL) MPI_Comm_free(&group_);
}

std::pair<int, int> RankGroups::share(int g) const {
  return {static_cast<int>(static_cast<long>(g) * units_ / count_),
          static_cast<int>(static_cast<long>(g + 1) * units_ / count_)};
}

std::vector<double> RankGroups::allUnits(const std::vector<double>& mine, int width) const {
  std::vector<double> local(static_cast<std::size_t>(units_) * width, 0.0), all(local.size());
  const auto [first, last] = share();
  if (mine.size() != static_cast<std::size_t>(last - first) * width)
    throw std::logic_error("RankGroups::allUnits: wrong number of values for this group's units");
  if (group_rank_ == 0) std::copy(mine.begin(), mine.end(), local.begin() + static_cast<long>(first) * width);
  MPI_Allreduce(local.data(), all.data(), static_cast<int>(all.size()), MPI_DOUBLE, MPI_SUM, world_);
  return all;
}

std::vector<double> RankGroups::sumOverGroups(const std::vector<double>& on_group_root) const {
  int rank = 0, size = 1;
  MPI_Comm_rank(world_, &rank);
  MPI_Comm_size(world_, &size);
  const int n = static_cast<int>(on_group_root.size());
  constexpr int kTag = 4711;
  if (rank != 0) {
    if (group_rank_ == 0) MPI_Send(on_group_root.data(), n, MPI_DOUBLE, 0, kTag, world_);
    return {};
  }
  std::vector<double> total = on_group_root, part(static_cast<std::size_t>(n));
  for (int g = 1; g < count_; ++g) {
    const int leader = static_cast<int>(static_cast<long>(g) * size / count_);
    MPI_Recv(part.data(), n, MPI_DOUBLE, leader, kTag, world_, MPI_STATUS_IGNORE);
    for (int i = 0; i < n; ++i) total[static_cast<std::size_t>(i)] += part[static_cast<std::size_t>(i)];
  }
  return total;
}

}  // namespace mfg::parallel
