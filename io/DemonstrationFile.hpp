#pragma once
// Demonstration files (docs/formats.md, "Demonstration files"): plays of a mean-field game's
// experts for inverse RL, in HDF5, a binding layout that other tools write too.
//   /states   [P, N, T+1]  int64  flat state index of agent i of play p before step t (T+1: after the last)
//   /actions  [P, N, T]    int64  flat action index of step t
//   /type     [P]          int32  optional: the index in `types` of each play's (hidden) type
//   attributes of /: model (string, required); parameters (JSON object, default {}), types (JSON list
//   of objects, default []), beta (float, default 1.0), seed (integer, default 0) -- optional,
//   since files from elsewhere may not know them.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "solver/irl/Demonstrations.hpp"

namespace mfg::io {

/// Collective: rank 0 writes `d` (checked first: sizes, non-negative indices, JSON, beta) to a
/// temporary name next to `path` and renames it; every rank raises a failure. An empty
/// `parameters_json` or `types_json` is written as {} or []. InputError when the data are
/// inconsistent or the file cannot be created (e.g. no such directory).
void writeDemonstrations(const std::string& path, const irl::Demonstrations& d, MPI_Comm comm);

/// Collective: rank 0 reads and validates the file, every rank gets the whole data. Any file of the
/// layout loads (any P, N >= 1 and T >= 1; integers of any width, signedness and byte order; fixed or
/// variable-length strings; chunked or compressed datasets); missing optional attributes take
/// their defaults and a missing /type leaves `type` empty. Anything else (missing dataset or
/// `model`, wrong ranks, P/N/T that differ between datasets, negative indices, `parameters` not a
/// JSON object, `types` not a JSON list of objects of numbers, a /type entry beyond a non-empty
/// `types`, beta not positive and finite, a negative seed, a damaged file) is an InputError on every
/// rank naming the file, the dataset or attribute, and what was expected. States and actions are
/// not checked against a model here: see validateDemonstrations.
irl::Demonstrations readDemonstrations(const std::string& path, MPI_Comm comm);

/// InputError naming the first entry out of range for a model with `num_states` states and
/// `num_actions` actions: a state >= num_states, an action >= num_actions, or (when num_types > 0,
/// i.e. the types are known) a type >= num_types. Also the sizes of the vectors against P, N, T.
void validateDemonstrations(const irl::Demonstrations& d, std::int64_t num_states, std::int64_t num_actions,
                            std::size_t num_types);

}  // namespace mfg::io
