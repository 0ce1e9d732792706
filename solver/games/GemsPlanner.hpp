#pragma once
// A hand-written planner for games/gems, used as a demonstrator: both players walk to the same
// purple gem (the one whose farther player is closest) and wait on it until the other arrives
// (+6 each, one event); on the way they avoid their own gems when another shortest move exists,
// since a collected gem (+1) also counts an event and brings the end (more than 6 events) closer.
// It reads only the observation planes, so it plays any Gems position, and it is deterministic.
#include <vector>

namespace mfg::games {

/// The planner's joint action for a Gems observation (5 planes of 15 × 15).
std::vector<int> gemsPlannerAction(const float* observation);

}  // namespace mfg::games
