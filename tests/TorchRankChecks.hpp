#pragma once
// Rank-invariance checks on LibTorch tensors for the MPI suites of the learners.
#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "MpiFixture.hpp"

/// True when `values` holds the same numbers, bit for bit (compared as doubles), on every rank.
inline bool identicalOnAllRanks(const torch::Tensor& values) {
  const auto t = values.to(torch::kFloat64).contiguous();
  std::vector<double> all(static_cast<std::size_t>(t.numel()) * worldSize());
  MPI_Allgather(t.data_ptr<double>(), static_cast<int>(t.numel()), MPI_DOUBLE, all.data(), static_cast<int>(t.numel()),
                MPI_DOUBLE, MPI_COMM_WORLD);
  for (int r = 1; r < worldSize(); ++r)
    if (!std::equal(all.begin(), all.begin() + t.numel(), all.begin() + r * t.numel())) return false;
  return true;
}
