#pragma once
// The classic tabular suite of docs/models.md §2: T+1 decision steps (t = 0..T), no discounting,
// rewards paid at every step including t = T. The kernel at t = T only produces the distribution
// after the last decision (stored as the flow's last slice); no reward reads it.
#include "solver/models/Registry.hpp"

namespace mfg::classic {

ModelInfo beachBar();
ModelInfo buildingEvacuation();
ModelInfo conservativeTreasureHunting();
ModelInfo crowdMotion();
ModelInfo equilibriumPrice();
ModelInfo leftRight();
ModelInfo linearQuadratic();
ModelInfo rockPaperScissors();
ModelInfo susceptibleInfected();

constexpr double kMaxHorizon = 100000;

}  // namespace mfg::classic
