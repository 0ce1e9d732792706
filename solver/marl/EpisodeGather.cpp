#include "solver/marl/EpisodeGather.hpp"

#include "parallel/Collectives.hpp"

namespace mfg::marl {

std::pair<int, int> episodeBlock(int episodes, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const long e = episodes;
  return {static_cast<int>(e * rank / size), static_cast<int>(e * (rank + 1) / size)};
}

games::EpisodeData gatherEpisodes(const games::EpisodeData& local, MPI_Comm comm) {
  games::EpisodeData all = local;
  int episodes = local.episodes;
  MPI_Allreduce(MPI_IN_PLACE, &episodes, 1, MPI_INT, MPI_SUM, comm);
  all.episodes = episodes;
  all.observations = parallel::allGatherConcat(local.observations, MPI_FLOAT, comm);
  all.actions = parallel::allGatherConcat(local.actions, MPI_INT32_T, comm);
  all.rewards = parallel::allGatherConcat(local.rewards, MPI_FLOAT, comm);
  all.terminated = parallel::allGatherConcat(local.terminated, MPI_UINT8_T, comm);
  all.filled = parallel::allGatherConcat(local.filled, MPI_UINT8_T, comm);
  return all;
}

}  // namespace mfg::marl
