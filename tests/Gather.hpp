#pragma once
// Test helpers: gather the engine's distributed tables onto every rank.
#include <vector>

#include "parallel/Collectives.hpp"
#include "solver/engine/Tabular.hpp"

namespace mfg::testing {

inline std::vector<double> gatherStates(const parallel::StateLayout& layout, const std::vector<double>& local) {
  std::vector<double> global;
  parallel::allGather(layout, local, 1, global);
  return global;
}

inline std::vector<double> gatherRows(const parallel::StateLayout& layout, const std::vector<double>& local) {
  std::vector<double> global;
  parallel::allGather(layout, local, static_cast<int>(layout.actions()), global);
  return global;
}

/// A policy given globally (per step, state-major rows), cut to the rows this rank owns.
inline Policy localPolicy(const parallel::StateLayout& layout, const std::vector<std::vector<double>>& global) {
  Policy p;
  for (const auto& g : global)
    p.pi.emplace_back(g.begin() + layout.begin() * layout.actions(), g.begin() + layout.end() * layout.actions());
  return p;
}

}  // namespace mfg::testing
