#include "solver/marl/EpisodeGather.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace mfg::marl {

std::pair<int, int> episodeBlock(int episodes, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const long e = episodes;
  return {static_cast<int>(e * rank / size), static_cast<int>(e * (rank + 1) / size)};
}

namespace {

/// Concatenates every rank's `local` (blocks of `per_episode` values per episode).
template <class T>
std::vector<T> gather(const std::vector<T>& local, MPI_Datatype type, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  const long n = static_cast<long>(local.size());
  std::vector<long> counts(size);
  MPI_Allgather(&n, 1, MPI_LONG, counts.data(), 1, MPI_LONG, comm);
  std::vector<int> c(size), d(size);
  long total = 0;
  for (int r = 0; r < size; ++r) {
    if (total + counts[r] > 2147483647L) throw std::runtime_error("gatherEpisodes: more than 2^31 values");
    c[r] = static_cast<int>(counts[r]);
    d[r] = static_cast<int>(total);
    total += counts[r];
  }
  std::vector<T> all(total);
  MPI_Allgatherv(local.data(), c[0] >= 0 ? static_cast<int>(n) : 0, type, all.data(), c.data(), d.data(), type, comm);
  return all;
}

}  // namespace

games::EpisodeData gatherEpisodes(const games::EpisodeData& local, MPI_Comm comm) {
  games::EpisodeData all = local;
  int episodes = local.episodes;
  MPI_Allreduce(MPI_IN_PLACE, &episodes, 1, MPI_INT, MPI_SUM, comm);
  all.episodes = episodes;
  all.observations = gather(local.observations, MPI_FLOAT, comm);
  all.actions = gather(local.actions, MPI_INT32_T, comm);
  all.rewards = gather(local.rewards, MPI_FLOAT, comm);
  all.terminated = gather(local.terminated, MPI_UINT8_T, comm);
  all.filled = gather(local.filled, MPI_UINT8_T, comm);
  return all;
}

}  // namespace mfg::marl
