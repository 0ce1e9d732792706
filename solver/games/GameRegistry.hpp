#pragma once
// The built-in games by name: games/xor, games/mne and games/bridge (enumerable).
#include <memory>
#include <string>
#include <vector>

#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

/// Names accepted by makeGame, with a one-line description each.
std::vector<std::pair<std::string, std::string>> gameNames();
/// InputError listing the valid names for an unknown one. "games/xor" and "xor" are the same.
std::shared_ptr<const EnumerableGame> makeEnumerableGame(const std::string& name);
std::unique_ptr<MarkovGame> makeGame(const std::string& name);
/// "games/xor" -> "xor".
std::string canonicalGameName(const std::string& name);

}  // namespace mfg::games
