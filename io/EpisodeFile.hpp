#pragma once
// Episode files (docs/formats.md): recorded episodes of a finite-player Markov game in HDF5, the
// binding layout into which external data are converted.
//   /observations [E, T+1, obs...]  float32  what every player sees before step t (T+1: after the last)
//   /actions      [E, T, N]         int32    joint action of step t
//   /rewards      [E, T, N]         float32  per player
//   /terminated   [E, T]            uint8    1 on the step that ends the episode
//   /filled       [E, T]            uint8    1 on real steps (episodes shorter than T are padded)
//   attributes of /: game (string), players (integer), actions (integer per player);
//   optionally kind (string) and seed (integer), which readers do not need.
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>

#include "solver/games/EpisodeData.hpp"

namespace mfg::io {

/// Where a generated dataset came from; written as attributes when set.
struct EpisodeProvenance {
  std::string kind;
  std::optional<std::uint64_t> seed;
};

/// Collective: rank 0 writes `data` (checked first) to a temporary name next to `path` and renames
/// it; every rank raises a failure. InputError when the file cannot be created (e.g. no such
/// directory) or the data are inconsistent.
void writeEpisodes(const std::string& path, const games::EpisodeData& data, MPI_Comm comm,
                   const EpisodeProvenance& provenance = {});

/// Collective: rank 0 reads and validates the file, every rank gets the whole data. Any file of the
/// layout is accepted (any E, T, N and observation shape; integers of any width, booleans stored as
/// HDF5 enums, floats holding whole numbers; fixed or variable-length strings). Anything else is an
/// InputError on every rank naming the file, the dataset or attribute, and what was expected.
games::EpisodeData readEpisodes(const std::string& path, MPI_Comm comm);

}  // namespace mfg::io
