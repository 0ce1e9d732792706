#include "solver/games/MarkovGame.hpp"

#include <fmt/core.h>

#include "solver/models/InputError.hpp"

namespace mfg::games {

std::int64_t elementCount(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::vector<int> decodeJointAction(int flat, const std::vector<int>& counts) {
  std::vector<int> joint(counts.size());
  for (int i = static_cast<int>(counts.size()) - 1; i >= 0; --i) {
    joint[i] = flat % counts[i];
    flat /= counts[i];
  }
  return joint;
}

int encodeJointAction(const std::vector<int>& joint, const std::vector<int>& counts) {
  int flat = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) flat = flat * counts[i] + joint[i];
  return flat;
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
