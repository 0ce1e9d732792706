#pragma once
// The two-level layout of docs/methods.md §6 and the common-noise issue: the world communicator is split
// into G groups of contiguous ranks; each group takes a contiguous share of the work units (noise
// paths or subtrees of the scenario tree) and splits the states of each unit among its own ranks.
// Per-unit results are combined in unit order, so they do not depend on how ranks were grouped.
#include <mpi.h>

#include <utility>
#include <vector>

namespace mfg::parallel {

class RankGroups {
 public:
  /// `groups` in [1, world size]; 0 picks min(world size, units).
  RankGroups(MPI_Comm world, int groups, int units);
  ~RankGroups();
  RankGroups(const RankGroups&) = delete;
  RankGroups& operator=(const RankGroups&) = delete;

  MPI_Comm world() const { return world_; }
  MPI_Comm group() const { return group_; }
  int count() const { return count_; }
  int index() const { return index_; }
  int groupRank() const { return group_rank_; }
  int units() const { return units_; }
  /// The units [first, second) of group g (default: this rank's group).
  std::pair<int, int> share(int g) const;
  std::pair<int, int> share() const { return share(index_); }

  /// Every rank of a group passes the values of the group's units (`width` values per unit);
  /// every rank gets all units' values in unit order. Exact: each value has one contributor.
  std::vector<double> allUnits(const std::vector<double>& mine, int width = 1) const;

  /// Sums a vector held by each group's first rank over the groups, in group order, onto world
  /// rank 0 (other ranks get an empty vector).
  std::vector<double> sumOverGroups(const std::vector<double>& on_group_root) const;

 private:
  MPI_Comm world_;
  MPI_Comm group_ = MPI_COMM_NULL;
  int count_ = 1, index_ = 0, group_rank_ = 0, units_ = 0;
};

}  // namespace mfg::parallel
