#include "solver/games/GameRegistry.hpp"

#include <fmt/core.h>

#include "solver/games/Bridge.hpp"
#include "solver/games/Gems.hpp"
#include "solver/games/MatrixGame.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::games {

std::vector<std::pair<std::string, std::string>> gameNames() {
  return {{"xor", "2 players, actions A/B, team payoff AA 0, AB = BA 1, BB -2; 50 steps"},
          {"mne", "2 players, 4 actions, two optimal equilibria (0,0) and (3,3); 50 steps"},
          {"bridge", "2 players cross a one-lane bridge on a 3 x 6 grid; 50 steps"},
          {"gems", "2 players collect own and purple gems on a 15 x 15 grid (mixed motive, random); 45 steps"}};
}

std::string canonicalGameName(const std::string& name) {
  return name.rfind("games/", 0) == 0 ? name.substr(6) : name;
}

std::shared_ptr<const EnumerableGame> makeEnumerableGame(const std::string& name) {
  const std::string n = canonicalGameName(name);
  if (n == "xor") return std::make_shared<MatrixGame>(MatrixGame::xorGame());
  if (n == "mne") return std::make_shared<MatrixGame>(MatrixGame::multipleEquilibria());
  if (n == "bridge") return std::make_shared<Bridge>();
  if (n == "gems")
    throw InputError("game 'gems' is not enumerable (random respawns on a 15 x 15 grid); it is only played step by step");
  std::string valid;
  for (const auto& [k, d] : gameNames()) valid += (valid.empty() ? "" : ", ") + k;
  throw InputError(fmt::format("unknown game '{}' (valid: {})", name, valid));
}

std::unique_ptr<MarkovGame> makeGame(const std::string& name) {
  if (canonicalGameName(name) == "gems") return std::make_unique<Gems>();
  return std::make_unique<EnumeratedMarkovGame>(makeEnumerableGame(name));
}

}  // namespace mfg::games
