#pragma once
// The partially observable benchmark with common noise (docs/models.md §1): lq, beach_bar, macro.
// Conventions of §1: decisions at t = 0..T-1, discount gamma, V_T = 0, terminal rewards folded
// into the last step; z_t is known to everyone at time t (so a non-anticipative best response
// may use z_0..z_t).
#include "solver/models/Registry.hpp"

namespace mfg::benchmark {

ModelInfo lq();
ModelInfo beachBar();
ModelInfo macro();

}  // namespace mfg::benchmark
