#pragma once
// The built-in games by name: games/xor, games/mne and games/bridge (enumerable) and games/gems
// (played step by step only).
#include <memory>
#include <string>
#include <vector>

#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

/// Names accepted by makeGame, with a one-line description each.
std::vector<std::pair<std::string, std::string>> gameNames();
/// InputError listing the valid names for an unknown one. "games/xor" and "xor" are the same.
/// InputError for "gems", which is not enumerable.
std::shared_ptr<const EnumerableGame> makeEnumerableGame(const std::string& name);
/// Any game of gameNames() as a MarkovGame (InputError for an unknown name).
std::unique_ptr<MarkovGame> makeGame(const std::string& name);
/// "games/xor" -> "xor".
std::string canonicalGameName(const std::string& name);

}  // namespace mfg::games
