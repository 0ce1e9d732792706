#include "solver/models/classic/ClassicModels.hpp"

namespace mfg {

std::vector<ModelInfo> classicModels() {
  return {classic::beachBar(),          classic::buildingEvacuation(),
          classic::conservativeTreasureHunting(), classic::crowdMotion(),
          classic::equilibriumPrice(),  classic::leftRight(),
          classic::linearQuadratic(),   classic::rockPaperScissors(),
          classic::susceptibleInfected()};
}

}  // namespace mfg
