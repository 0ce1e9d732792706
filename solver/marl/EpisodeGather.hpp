#pragma once
// Episodes recorded in blocks on the ranks of a communicator, put together on every rank.
#include <mpi.h>

#include "solver/games/EpisodeData.hpp"

namespace mfg::marl {

/// The first and one-past-last episode of this rank's block of `episodes`.
std::pair<int, int> episodeBlock(int episodes, MPI_Comm comm);
/// Every rank's `local` episodes (same game, same padded length), in rank order, on every rank.
games::EpisodeData gatherEpisodes(const games::EpisodeData& local, MPI_Comm comm);

}  // namespace mfg::marl
