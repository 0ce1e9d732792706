#include "solver/games/MarkovGame.hpp"

#include <fmt/core.h>

#include "solver/models/InputError.hpp"

namespace mfg::games {

std::int64_t MarkovGame::observationSize() const {
  std::int64_t n = 1;
  for (auto d : observationShape()) n *= d;
  return n;
}

void MarkovGame::checkJointAction(const std::vector<int>& joint) const {
  const auto counts = actionCounts();
  if (joint.size() != counts.size())
    throw InputError(fmt::format("{}: a joint action has {} entries, one per player; got {}", name(), counts.size(),
                                 joint.size()));
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (joint[i] < 0 || joint[i] >= counts[i])
      throw InputError(fmt::format("{}: player {}'s action {} is outside [0, {}]", name(), i, joint[i], counts[i] - 1));
}

}  // namespace mfg::games
