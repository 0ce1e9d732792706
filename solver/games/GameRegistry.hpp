#pragma once
// The built-in games by name: games/xor, games/mne and games/bridge (enumerable), games/gems
// (played step by step only) and games/nplayer/<model>, the N-player game of any built-in MFG model
// (solver/games/NPlayerGame.hpp), whose player count and model parameters come in GameOptions.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "solver/games/EnumerableGame.hpp"

namespace mfg::games {

/// What a game is built with besides its name. Only games/nplayer/<model> reads them: the other
/// games have 2 players and no parameters (InputError for any other players or any parameter).
struct GameOptions {
  int players = 2;
  /// Model parameter overrides, as the CLI's --set builds them (key -> list of values).
  std::map<std::string, std::vector<double>> parameters;
};

/// Names accepted by makeGame, with a one-line description each ("nplayer/<model>" for every
/// built-in model).
std::vector<std::pair<std::string, std::string>> gameNames();
/// InputError listing the valid names for an unknown one. "games/xor" and "xor" are the same.
/// InputError for "gems" and "nplayer/<model>", which are not enumerable.
std::shared_ptr<const EnumerableGame> makeEnumerableGame(const std::string& name);
/// Any game of gameNames() as a MarkovGame (InputError for an unknown name); 2 players and the
/// model's default parameters for nplayer/<model>.
std::unique_ptr<MarkovGame> makeGame(const std::string& name);
/// The same with options: e.g. makeGame("nplayer/beach_bar", {.players = 100, .parameters = {{"T", {10}}}}).
/// InputError for an unknown model or parameter, a bad value, or sizes the N-player game refuses.
std::unique_ptr<MarkovGame> makeGame(const std::string& name, const GameOptions& options);
/// "games/xor" -> "xor", "games/nplayer/lq" -> "nplayer/lq".
std::string canonicalGameName(const std::string& name);

}  // namespace mfg::games
