// `mfg marl` end to end: help and the list of games; `mfg marl dataset` for every game and kind at
// 1 and 2 ranks, writing the same episode file, read back here with raw HDF5 calls in the binding
// layout (docs/formats.md) and checked against the composition the specification states
// (docs/models.md §5), with golden values computed here independently: the matrix games' payoffs,
// and the Bridge's rules written out again from the specification's text, its exact optimum by
// backward induction over both players' positions, every recorded episode replayed through them.
// Bad flags exit with status 2, a message naming the valid values, and nothing written.
#define BOOST_TEST_MODULE cli_marl
#include <hdf5.h>

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "tests/CliHelpers.hpp"
#include "tests/ProcessHelpers.hpp"

using namespace clitest;

namespace {

/// An episode file as the binding layout has it, read with raw HDF5 calls.
struct Episodes {
  std::vector<hsize_t> obs_dims, action_dims;
  std::vector<double> observations, actions, rewards, terminated, filled;
  std::string game;
  long players = 0;
  std::vector<long long> action_counts;
  int E() const { return static_cast<int>(action_dims[0]); }
  int T() const { return static_cast<int>(action_dims[1]); }
  int N() const { return static_cast<int>(action_dims[2]); }
  std::size_t obsSize() const {
    std::size_t n = 1;
    for (std::size_t d = 2; d < obs_dims.size(); ++d) n *= obs_dims[d];
    return n;
  }
  const double* obs(int e, int t) const { return &observations[(static_cast<std::size_t>(e) * (T() + 1) + t) * obsSize()]; }
  std::size_t step(int e, int t) const { return static_cast<std::size_t>(e) * T() + t; }
  int action(int e, int t, int p) const { return static_cast<int>(actions[step(e, t) * N() + p]); }
  double reward(int e, int t, int p) const { return rewards[step(e, t) * N() + p]; }
};

Episodes readEpisodeFile(const fs::path& file) {
  Episodes d;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE_MESSAGE(f >= 0, "cannot open " << file);
  d.obs_dims = datasetShape(f, "/observations");
  d.action_dims = datasetShape(f, "/actions");
  BOOST_REQUIRE_EQUAL(d.action_dims.size(), 3u);
  BOOST_REQUIRE(d.obs_dims.size() >= 3);
  BOOST_TEST(d.obs_dims[0] == d.action_dims[0]);
  BOOST_TEST(d.obs_dims[1] == d.action_dims[1] + 1);
  BOOST_TEST((datasetShape(f, "/rewards") == d.action_dims));
  const std::vector<hsize_t> steps{d.action_dims[0], d.action_dims[1]};
  BOOST_TEST((datasetShape(f, "/terminated") == steps));
  BOOST_TEST((datasetShape(f, "/filled") == steps));
  // The element types of the binding layout.
  const auto typeOf = [&](const char* name, H5T_class_t cls, std::size_t size) {
    const hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    const hid_t t = H5Dget_type(ds);
    BOOST_TEST(H5Tget_class(t) == cls, name);
    BOOST_TEST(H5Tget_size(t) == size, name);
    if (cls == H5T_INTEGER) BOOST_TEST(H5Tget_sign(t) == (size == 1 ? H5T_SGN_NONE : H5T_SGN_2), name);
    H5Tclose(t);
    H5Dclose(ds);
  };
  typeOf("/observations", H5T_FLOAT, 4);
  typeOf("/actions", H5T_INTEGER, 4);
  typeOf("/rewards", H5T_FLOAT, 4);
  typeOf("/terminated", H5T_INTEGER, 1);
  typeOf("/filled", H5T_INTEGER, 1);
  d.game = stringAttribute(f, "game");
  d.game.erase(std::find(d.game.begin(), d.game.end(), '\0'), d.game.end());
  d.players = intAttribute(f, "players");
  const hid_t a = H5Aopen(f, "actions", H5P_DEFAULT);
  BOOST_REQUIRE(a >= 0);
  const hid_t s = H5Aget_space(a);
  d.action_counts.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  H5Aread(a, H5T_NATIVE_LLONG, d.action_counts.data());
  H5Sclose(s);
  H5Aclose(a);
  H5Fclose(f);
  d.observations = readAll(file, "/observations");
  d.actions = readAll(file, "/actions");
  d.rewards = readAll(file, "/rewards");
  d.terminated = readAll(file, "/terminated");
  d.filled = readAll(file, "/filled");
  return d;
}

void requireSameContent(const Episodes& a, const Episodes& b) {
  BOOST_TEST(a.obs_dims == b.obs_dims);
  BOOST_TEST(a.action_dims == b.action_dims);
  BOOST_TEST(a.game == b.game);
  BOOST_TEST(a.players == b.players);
  BOOST_TEST(a.action_counts == b.action_counts);
  BOOST_TEST(a.observations == b.observations);
  BOOST_TEST(a.actions == b.actions);
  BOOST_TEST(a.rewards == b.rewards);
  BOOST_TEST(a.terminated == b.terminated);
  BOOST_TEST(a.filled == b.filled);
}

/// Joint actions over the filled steps of episodes [first, last).
std::map<std::pair<int, int>, long> jointCounts(const Episodes& d, int first = 0, int last = -1) {
  std::map<std::pair<int, int>, long> counts;
  for (int e = first; e < (last < 0 ? d.E() : last); ++e)
    for (int t = 0; t < d.T(); ++t)
      if (d.filled[d.step(e, t)] == 1) ++counts[{d.action(e, t, 0), d.action(e, t, 1)}];
  return counts;
}

double episodeReturn(const Episodes& d, int e, int player = 0) {
  double r = 0;
  for (int t = 0; t < d.T(); ++t)
    if (d.filled[d.step(e, t)] == 1) r += d.reward(e, t, player);
  return r;
}

// ---- The Bridge, from the specification's text (docs/models.md §5) ------------------------------

struct Cell {
  int row, col;
  bool operator==(const Cell&) const = default;
};
const char* const kMap[3] = {"1ABBAA", "AAAAAA", "AABBA2"};  // B: wall
const std::array<Cell, 2> kStart{Cell{1, 2}, Cell{1, 3}};
const std::array<Cell, 2> kGoal{Cell{2, 5}, Cell{0, 0}};
constexpr int kLimit = 50;

Cell moveOnGrid(Cell c, int action) {  // 0 stay, 1 up (row-1), 2 down (row+1), 3 right (col+1), 4 left (col-1)
  const int dr[5] = {0, -1, 1, 0, 0}, dc[5] = {0, 0, 0, 1, -1};
  const Cell to{c.row + dr[action], c.col + dc[action]};
  if (to.row < 0 || to.row > 2 || to.col < 0 || to.col > 5 || kMap[to.row][to.col] == 'B') return c;
  return to;
}

struct BridgeStep {
  std::array<Cell, 2> next;
  double team;
  bool both_done;
};

BridgeStep bridgeStep(const std::array<Cell, 2>& at, int a0, int a1) {
  std::array<bool, 2> done{at[0] == kGoal[0], at[1] == kGoal[1]};
  std::array<Cell, 2> to{done[0] ? at[0] : moveOnGrid(at[0], a0), done[1] ? at[1] : moveOnGrid(at[1], a1)};
  if (to[0] == to[1] || (to[0] == at[1] && to[1] == at[0])) {  // entering one cell or swapping
    for (int i = 0; i < 2; ++i)
      if (done[i] || !(to[i] == kGoal[i]) || at[i] == kGoal[i]) to[i] = at[i];  // only a move into one's goal succeeds
  }
  BridgeStep s{to, 0.0, to[0] == kGoal[0] && to[1] == kGoal[1]};
  if (!s.both_done)
    for (int i = 0; i < 2; ++i)
      if (!done[i]) s.team += -0.1 * std::hypot(to[i].row - kGoal[i].row, to[i].col - kGoal[i].col) / 2.0;
  return s;
}

/// The exact optimum from the start: backward induction over (step, both positions).
double bridgeOptimum() {
  const auto index = [](const std::array<Cell, 2>& p) {
    return (p[0].row * 6 + p[0].col) * 18 + p[1].row * 6 + p[1].col;
  };
  std::vector<double> next(18 * 18, 0.0), value(18 * 18);
  for (int t = kLimit - 1; t >= 0; --t) {
    for (int s = 0; s < 18 * 18; ++s) {
      const std::array<Cell, 2> at{Cell{s / 18 / 6, s / 18 % 6}, Cell{s % 18 / 6, s % 18 % 6}};
      double best = -1e300;
      for (int a0 = 0; a0 < 5; ++a0)
        for (int a1 = 0; a1 < 5; ++a1) {
          const BridgeStep st = bridgeStep(at, a0, a1);
          best = std::max(best, st.team + (st.both_done ? 0.0 : next[index(st.next)]));
        }
      value[s] = best;
    }
    std::swap(next, value);
  }
  return next[index(kStart)];
}

/// Replays every episode of a Bridge dataset through the rules: the observations, rewards and
/// termination flags must be what they produce. Returns the step on which each player first stands
/// on its goal (kLimit if never), per episode.
std::vector<std::array<int, 2>> replayBridge(const Episodes& d) {
  std::vector<std::array<int, 2>> arrival(static_cast<std::size_t>(d.E()), {kLimit, kLimit});
  int mismatches = 0;
  for (int e = 0; e < d.E() && mismatches < 5; ++e) {
    std::array<Cell, 2> at = kStart;
    bool ended = false;
    for (int t = 0; t <= d.T() && mismatches < 5; ++t) {
      const double* o = d.obs(e, t);
      const double want[8] = {double(at[0].row), double(at[0].col), 2, 5, double(at[1].row), double(at[1].col), 0, 0};
      if (!std::equal(want, want + 8, o)) {
        BOOST_ERROR("episode " << e << " observation " << t << " differs from the replay");
        ++mismatches;
      }
      if (t == d.T()) break;
      const std::size_t k = d.step(e, t);
      if (ended) {
        BOOST_TEST(d.filled[k] == 0);
        continue;
      }
      BOOST_TEST(d.filled[k] == 1);
      const BridgeStep st = bridgeStep(at, d.action(e, t, 0), d.action(e, t, 1));
      for (int p = 0; p < 2; ++p)
        if (std::abs(d.reward(e, t, p) - st.team) > 1e-6) {
          BOOST_ERROR("episode " << e << " step " << t << " player " << p << " reward " << d.reward(e, t, p)
                                 << ", the rules pay " << st.team);
          ++mismatches;
        }
      BOOST_TEST(d.terminated[k] == (st.both_done ? 1 : 0));
      at = st.next;
      for (int p = 0; p < 2; ++p)
        if (at[p] == kGoal[p] && arrival[e][p] == kLimit) arrival[e][p] = t;
      ended = st.both_done;
    }
  }
  return arrival;
}

constexpr double kStatedOptimum = -1.2354533;  // docs/models.md §5 via the issue: the exact optimum

const std::vector<std::pair<std::string, std::vector<std::string>>> kKinds = {
    {"xor", {"ab", "ab_ba", "aa_ab_ba", "random"}}, {"mne", {"balanced", "imbalanced"}}, {"bridge", {"optimal", "mix"}}};

/// Payoffs of the matrix games (docs/models.md §5), row = player 0's action.
double payoff(const std::string& game, int a0, int a1) {
  if (game == "xor") {
    const double r[2][2] = {{0, 1}, {1, -2}};
    return r[a0][a1];
  }
  const double r[4][4] = {{1, -2, -2, -2}, {-1, 0, 0, -2}, {-1, 0, 0, -2}, {-1, -1, -1, 1}};
  return r[a0][a1];
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_and_games) {
  const Run help = mfg(0, "marl --help");
  BOOST_REQUIRE_MESSAGE(help.status == 0, help.output);
  for (const char* sub : {"games", "dataset"}) BOOST_TEST(help.output.find(sub) != std::string::npos, sub);
  const Run dataset = mfg(0, "marl dataset --help");
  BOOST_REQUIRE_MESSAGE(dataset.status == 0, dataset.output);
  for (const char* flag : {"--game", "--kind", "--seed", "--out"})
    BOOST_TEST(dataset.output.find(flag) != std::string::npos, flag);
  const Run games = mfg(0, "marl games");
  BOOST_REQUIRE_MESSAGE(games.status == 0, games.output);
  for (const auto& [game, kinds] : kKinds) {
    BOOST_TEST(games.output.find("games/" + game) != std::string::npos, game);
    for (const auto& kind : kinds) BOOST_TEST(games.output.find("dataset " + kind) != std::string::npos, kind);
  }
  const Run top = mfg(0, "--help");
  BOOST_TEST(top.output.find("marl") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(datasets_at_1_and_2_ranks_have_the_stated_composition) {
  const double optimum = bridgeOptimum();
  BOOST_TEST(std::abs(optimum - kStatedOptimum) < 1e-5, "the rules' optimum " << optimum);
  std::map<std::string, Episodes> at_one_rank;
  for (const auto& [game, kinds] : kKinds) {
    for (const auto& kind : kinds) {
      for (int np : {1, 2}) {
        BOOST_TEST_CONTEXT(game << " " << kind << " at " << np << " ranks") {
          const fs::path out = scratch(game + "_" + kind + "_np" + std::to_string(np) + ".h5");
          const Run run = mfg(np, "marl dataset --game " + game + " --kind " + kind + " --out " + out.string());
          BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
          BOOST_TEST(run.output.find("transitions") != std::string::npos, run.output);  // the summary
          BOOST_TEST(noPartialFiles(out.parent_path()));
          const Episodes d = readEpisodeFile(out);
          if (np == 2) {
            requireSameContent(d, at_one_rank.at(game + kind));
            continue;
          }
          at_one_rank.emplace(game + kind, d);
          BOOST_TEST(d.game == game);
          BOOST_TEST(d.players == 2);
          BOOST_TEST(d.N() == 2);
          BOOST_TEST(d.T() == 50);
          if (game != "bridge") {
            // 100 episodes of 50 filled steps, one state (observation 0, shape [1]), no termination.
            BOOST_TEST(d.E() == 100);
            BOOST_TEST((d.obs_dims == std::vector<hsize_t>{100, 51, 1}));
            BOOST_TEST((d.action_counts == std::vector<long long>(2, game == "xor" ? 2 : 4)));
            BOOST_TEST(std::all_of(d.observations.begin(), d.observations.end(), [](double x) { return x == 0; }));
            BOOST_TEST(std::all_of(d.filled.begin(), d.filled.end(), [](double x) { return x == 1; }));
            BOOST_TEST(std::all_of(d.terminated.begin(), d.terminated.end(), [](double x) { return x == 0; }));
            for (int e = 0; e < d.E(); ++e)
              for (int t = 0; t < d.T(); ++t)
                for (int p = 0; p < 2; ++p)
                  if (d.reward(e, t, p) != payoff(game, d.action(e, t, 0), d.action(e, t, 1)))
                    BOOST_ERROR("episode " << e << " step " << t << ": reward " << d.reward(e, t, p));
            const auto counts = jointCounts(d);
            long total = 0;
            for (const auto& [joint, n] : counts) total += n;
            BOOST_TEST(total == 5000);
            using Counts = std::map<std::pair<int, int>, long>;
            if (kind == "ab") BOOST_TEST((counts == Counts{{{0, 1}, 5000}}));
            if (kind == "ab_ba") BOOST_TEST((counts == Counts{{{0, 1}, 2500}, {{1, 0}, 2500}}));
            if (kind == "aa_ab_ba") {
              BOOST_REQUIRE_EQUAL(counts.size(), 3u);
              std::vector<long> n;
              for (const auto& [joint, c] : counts) n.push_back(c);
              std::sort(n.begin(), n.end());
              BOOST_TEST((n == std::vector<long>{1666, 1667, 1667}));
              for (const auto& joint : {std::pair{0, 0}, std::pair{0, 1}, std::pair{1, 0}}) BOOST_TEST(counts.count(joint) == 1u);
            }
            if (kind == "random") {
              BOOST_REQUIRE_EQUAL(counts.size(), 4u);
              const double sigma = std::sqrt(5000 * 0.25 * 0.75);
              for (const auto& [joint, n] : counts)
                BOOST_TEST(std::abs(n - 1250.0) < 4 * sigma, joint.first << joint.second << ": " << n);
            }
            if (kind == "balanced") BOOST_TEST((counts == Counts{{{0, 0}, 2500}, {{3, 3}, 2500}}));
            if (kind == "imbalanced") BOOST_TEST((counts == Counts{{{0, 0}, 4000}, {{3, 3}, 1000}}));
            continue;
          }
          // Bridge: every episode replays through the rules.
          BOOST_TEST((d.obs_dims == std::vector<hsize_t>{static_cast<hsize_t>(d.E()), 51, 8}));
          BOOST_TEST((d.action_counts == std::vector<long long>{5, 5}));
          const auto arrival = replayBridge(d);
          const auto optimal = [&](int e) {
            bool terminated = false;
            for (int t = 0; t < d.T(); ++t) terminated = terminated || d.terminated[d.step(e, t)] == 1;
            return terminated && std::abs(episodeReturn(d, e) - optimum) < 1e-5 &&
                   std::abs(episodeReturn(d, e, 1) - optimum) < 1e-5;
          };
          if (kind == "optimal") {
            BOOST_REQUIRE_EQUAL(d.E(), 500);
            int first0 = 0, first1 = 0;
            for (int e = 0; e < d.E(); ++e) {
              if (!optimal(e)) BOOST_ERROR("episode " << e << " returns " << episodeReturn(d, e) << ", not " << optimum);
              first0 += arrival[e][0] < arrival[e][1];
              first1 += arrival[e][1] < arrival[e][0];
            }
            BOOST_TEST(first0 == 250);  // player 0 reaches its goal strictly first in half of them
            BOOST_TEST(first1 == 250);  // player 1 in the other half
          } else {
            // mix: 500 episodes of uniformly random joint actions, then the 500 optimal ones.
            BOOST_REQUIRE_EQUAL(d.E(), 1000);
            int optimal_count = 0;
            for (int e = 0; e < d.E(); ++e) optimal_count += optimal(e);
            BOOST_TEST(optimal_count == 500);
            for (int e = 500; e < 1000; ++e) BOOST_TEST(optimal(e), "episode " << e);
            for (int e = 0; e < 500; ++e) BOOST_TEST(episodeReturn(d, e) <= optimum + 1e-5, "episode " << e);
            const Episodes& pure = at_one_rank.at("bridgeoptimal");  // the same 500, same seed
            for (int e = 0; e < 500; ++e)
              for (int t = 0; t < d.T(); ++t)
                for (int p = 0; p < 2; ++p)
                  if (pure.action(e, t, p) != d.action(500 + e, t, p) ||
                      pure.filled[pure.step(e, t)] != d.filled[d.step(500 + e, t)])
                    BOOST_ERROR("optimal episode " << e << " differs in mix at step " << t);
            const auto counts = jointCounts(d, 0, 500);
            long total = 0;
            for (const auto& [joint, n] : counts) total += n;
            BOOST_REQUIRE_EQUAL(counts.size(), 25u);
            const double mean = total / 25.0, sigma = std::sqrt(total * (1.0 / 25) * (24.0 / 25));
            for (const auto& [joint, n] : counts)
              BOOST_TEST(std::abs(n - mean) < 5 * sigma, joint.first << joint.second << ": " << n << " of " << total);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_seed_changes_the_order_not_the_composition) {
  const fs::path a = scratch("seed0.h5"), b = scratch("seed7.h5");
  BOOST_REQUIRE(mfg(0, "marl dataset --game xor --kind ab_ba --out " + a.string()).status == 0);
  const Run run = mfg(0, "marl dataset --game games/xor --kind ab_ba --seed 7 --out " + b.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  const Episodes x = readEpisodeFile(a), y = readEpisodeFile(b);
  BOOST_TEST(jointCounts(x) == jointCounts(y));
  BOOST_TEST(x.actions != y.actions);
}

BOOST_AUTO_TEST_CASE(bad_flags_exit_2_and_write_nothing) {
  const fs::path out = scratch("bad/never.h5");
  struct Case {
    std::string args;
    std::vector<std::string> message;
  };
  const std::vector<Case> cases = {
      {"--game xor --kind nonsense", {"nonsense", "ab, ab_ba, aa_ab_ba, random"}},
      {"--game bridge --kind ab", {"'ab'", "optimal, mix"}},
      {"--game chess --kind ab", {"chess", "xor, mne, bridge"}},
      {"--game xor --kind ab --seed -1", {"--seed"}},
      {"--game xor --kind ab --seed x", {"--seed"}},
      {"--kind ab", {"--game"}},
      {"--game xor", {"--kind"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.args) {
      const Run run = mfg(0, "marl dataset " + c.args + " --out " + out.string());
      BOOST_TEST(run.status == 2, run.output);
      for (const auto& m : c.message) BOOST_TEST(run.output.find(m) != std::string::npos, "'" << m << "' in " << run.output);
      BOOST_TEST(!fs::exists(out));
    }
  }
  const Run no_out = mfg(0, "marl dataset --game xor --kind ab");
  BOOST_TEST(no_out.status == 2);
  BOOST_TEST(no_out.output.find("--out") != std::string::npos, no_out.output);
  // A directory that does not exist: bad input, at 2 ranks too, and no temporary file left.
  const fs::path missing = scratch("bad") / "no_such_dir" / "x.h5";
  const Run run = mfg(2, "marl dataset --game xor --kind ab --out " + missing.string());
  BOOST_TEST(run.status == 2, run.output);
  BOOST_TEST(run.output.find("no_such_dir") != std::string::npos, run.output);
  BOOST_TEST(noPartialFiles(scratch("bad")));
  const Run no_sub = mfg(0, "marl");
  BOOST_TEST(no_sub.status == 2);
}
