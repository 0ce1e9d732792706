#pragma once
// Collective readers and writers of user files in which only rank 0 touches the file: its outcome
// (success, bad input, internal failure) and what it read are broadcast, so that every rank raises
// the same error or holds the same data (episode and demonstration files).
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/models/InputError.hpp"

namespace mfg::io {

enum class Outcome : int { kOk = 0, kInputError = 1, kInternalError = 2 };

struct RootError {
  Outcome outcome = Outcome::kOk;
  std::string message;
};

inline void broadcastString(MPI_Comm comm, std::string& s) {
  std::uint64_t n = s.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, comm);
  s.resize(n);
  if (n > 0) MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
}

/// Raises rank 0's error on every rank (InputError for bad input).
inline void agree(MPI_Comm comm, RootError error) {
  int outcome = static_cast<int>(error.outcome);
  MPI_Bcast(&outcome, 1, MPI_INT, 0, comm);
  if (outcome == static_cast<int>(Outcome::kOk)) return;
  broadcastString(comm, error.message);
  if (outcome == static_cast<int>(Outcome::kInputError)) throw InputError(error.message);
  throw std::runtime_error(error.message);
}

/// Rank 0's vector on every rank, in pieces below MPI's int count limit.
template <class T>
void broadcastVector(MPI_Comm comm, std::vector<T>& v) {
  std::uint64_t n = v.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, comm);
  v.resize(n);
  auto* bytes = reinterpret_cast<char*>(v.data());
  const std::size_t total = n * sizeof(T);
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  for (std::size_t at = 0; at < total; at += kPiece)
    MPI_Bcast(bytes + at, static_cast<int>(std::min(kPiece, total - at)), MPI_BYTE, 0, comm);
}

}  // namespace mfg::io
