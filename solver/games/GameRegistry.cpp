#include "solver/games/GameRegistry.hpp"

#include <fmt/core.h>

#include "solver/games/Bridge.hpp"
#include "solver/games/Gems.hpp"
#include "solver/games/MatrixGame.hpp"
#include "solver/games/NPlayerGame.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::games {

namespace {

constexpr const char* kNPlayerPrefix = "nplayer/";

bool isNPlayer(const std::string& canonical) { return canonical.rfind(kNPlayerPrefix, 0) == 0; }

}  // namespace

std::vector<std::pair<std::string, std::string>> gameNames() {
  std::vector<std::pair<std::string, std::string>> names = {
      {"xor", "2 players, actions A/B, team payoff AA 0, AB = BA 1, BB -2; 50 steps"},
      {"mne", "2 players, 4 actions, two optimal equilibria (0,0) and (3,3); 50 steps"},
      {"bridge", "2 players cross a one-lane bridge on a 3 x 6 grid; 50 steps"},
      {"gems", "2 players collect own and purple gems on a 15 x 15 grid (mixed motive, random); 45 steps"}};
  for (const auto& m : builtinModels())
    names.emplace_back(kNPlayerPrefix + m.name,
                       fmt::format("N players (GameOptions, default 2) in the MFG model {} with the empirical "
                                   "distribution for the mean field (models of up to {} states)",
                                   m.name, NPlayerGame::kMaxStates));
  return names;
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
  if (isNPlayer(n))
    throw InputError(fmt::format("game '{}' is not enumerable (random moves of N players); it is only played step by step",
                                 n));
  std::string valid;
  for (const auto& [k, d] : gameNames()) valid += (valid.empty() ? "" : ", ") + k;
  throw InputError(fmt::format("unknown game '{}' (valid: {})", name, valid));
}

std::unique_ptr<MarkovGame> makeGame(const std::string& name) { return makeGame(name, GameOptions{}); }

std::unique_ptr<MarkovGame> makeGame(const std::string& name, const GameOptions& options) {
  const std::string n = canonicalGameName(name);
  if (isNPlayer(n)) {
    const std::string model = n.substr(std::string(kNPlayerPrefix).size());
    std::shared_ptr<const Model> m = makeModel(model, options.parameters);
    return std::make_unique<NPlayerGame>(std::move(m), options.players);
  }
  std::unique_ptr<MarkovGame> game;
  if (n == "gems") game = std::make_unique<Gems>();
  else game = std::make_unique<EnumeratedMarkovGame>(makeEnumerableGame(name));
  if (!options.parameters.empty())
    throw InputError(fmt::format("game '{}' has no parameters (got '{}')", n, options.parameters.begin()->first));
  if (options.players != game->players())
    throw InputError(fmt::format("game '{}' has {} players, not {}", n, game->players(), options.players));
  return game;
}

}  // namespace mfg::games
