// `mfg demonstrate` and `mfg irl` end to end through the binary: the demonstration file's layout and
// labels, the same file on any number of ranks, summaries with the stated keys, resume continuing
// the history, the same learned parameters on 1 and 2 ranks, --types auto, reward recovery, plays
// replayed in the N-player game (`mfg marl from-demos`) against the model's reward written out here,
// and bad input stopped with exit 2.
#define BOOST_TEST_MODULE cli_irl
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>

#include "tests/CliHelpers.hpp"

using namespace clitest;

namespace {

fs::path typesFile() {
  const fs::path file = scratch("irl_types.toml");
  std::ofstream(file) << "[[type]]\nweight = 1\nk = 0.2\nl = 0.5\n\n[[type]]\nweight = 3\nk = 0.9\nl = 0.2\n";
  return file;
}

fs::path demos(int ranks, const std::string& name) {
  const fs::path file = scratch(name);
  const Run run = mfg(ranks, "demonstrate --model malware --set T=6 --types " + typesFile().string() +
                                 " --plays 8 --agents 40 --beta 0.5 --seed 3 --out " + file.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(run.output.find("soft equilibrium in") != std::string::npos);
  return file;
}

}  // namespace

BOOST_AUTO_TEST_CASE(demonstrations_have_the_binding_layout_and_do_not_depend_on_ranks) {
  const fs::path one = demos(0, "irl_demos_1.h5"), three = demos(3, "irl_demos_3.h5");
  const hid_t file = H5Fopen(one.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(file >= 0);
  BOOST_TEST((datasetShape(file, "/states") == std::vector<hsize_t>{8, 40, 7}));
  BOOST_TEST((datasetShape(file, "/actions") == std::vector<hsize_t>{8, 40, 6}));
  BOOST_TEST((datasetShape(file, "/type") == std::vector<hsize_t>{8}));
  BOOST_TEST(stringAttribute(file, "model") == "malware");
  H5Fclose(file);
  BOOST_TEST(readAll(one, "/states") == readAll(three, "/states"));
  BOOST_TEST(readAll(one, "/actions") == readAll(three, "/actions"));
  const auto types = readAll(one, "/type");
  BOOST_TEST(types == readAll(three, "/type"));
  // Weights 1 : 3 over 8 plays: both types appear (probability of one missing: 0.75^8 + 0.25^8 ≈ 0.1,
  // but the seed is fixed and the draw is checked here once).
  BOOST_TEST(std::count(types.begin(), types.end(), 0.0) > 0);
  BOOST_TEST(std::count(types.begin(), types.end(), 1.0) > 0);
  // Malware's states are 0..9 and actions 0..1.
  for (double s : readAll(one, "/states")) BOOST_TEST((s >= 0 && s <= 9));
  for (double a : readAll(one, "/actions")) BOOST_TEST((a == 0 || a == 1));
}

BOOST_AUTO_TEST_CASE(irl_writes_its_files_resumes_and_is_the_same_on_1_and_2_ranks) {
  const fs::path data = demos(0, "irl_demos_learn.h5");
  std::vector<double> contexts;
  for (int ranks : {1, 2}) {
    const fs::path out = scratch("irl_pemmfirl_" + std::to_string(ranks));
    fs::remove_all(out);
    Run run = mfg(ranks, "irl --method pemmfirl --types 2 --demos " + data.string() +
                             " --model malware --iterations 3 --batch-plays 4 --seed 1 --out " + out.string());
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
    run = mfg(ranks, "irl --method pemmfirl --types 2 --demos " + data.string() +
                         " --model malware --iterations 5 --batch-plays 4 --seed 1 --resume --out " + out.string());
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
    BOOST_TEST(run.output.find("resumed from") != std::string::npos);
    BOOST_TEST(fs::exists(out / "reward.pt"));
    BOOST_TEST(fs::exists(out / "irl_type0_flows.png"));
    BOOST_TEST(noPartialFiles(out));
    const auto s = readJson(out / "summary.json");
    BOOST_TEST(s["iterations"].get<int>() == 5);
    const auto& m = s["metrics"];
    BOOST_TEST(m["types"].size() == 2u);
    for (const auto& t : m["types"]) {
      for (const char* key : {"return_gap", "mean_field_kl", "policy_kl"}) {
        BOOST_TEST(t[key].get<double>() >= 0.0);
        BOOST_TEST(t["transfer"][key].get<double>() >= 0.0);
      }
    }
    const double accuracy = m["type_accuracy"].get<double>();
    BOOST_TEST((accuracy >= 0.5 && accuracy <= 1.0));  // a best matching is never worse than chance
    BOOST_TEST(readAll(out / "result.h5", "/history/seconds").size() == 5u);  // 3 + 2 resumed
    const auto c = readAll(out / "result.h5", "/contexts");
    BOOST_TEST(c.size() == 16u);
    if (ranks == 1) contexts = c;
    else BOOST_TEST(c == contexts);  // bitwise: gradients are summed in fixed point
  }
}

BOOST_AUTO_TEST_CASE(every_method_runs_and_reports_its_metrics) {
  const fs::path data = demos(0, "irl_demos_methods.h5");
  for (const char* method : {"mf-airl", "mfirl", "bc"}) {
    const fs::path out = scratch(std::string("irl_") + method);
    fs::remove_all(out);
    const Run run = mfg(0, std::string("irl --method ") + method + " --demos " + data.string() +
                               " --model malware --iterations 2 --no-plots --out " + out.string());
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
    const auto s = readJson(out / "summary.json");
    BOOST_TEST(s["method"].get<std::string>() == method);
    BOOST_TEST(s["metrics"]["return_gap"].get<double>() >= 0.0);
    // One cluster for everyone: the accuracy is the larger type's share.
    const auto types = readAll(data, "/type");
    const double ones = static_cast<double>(std::count(types.begin(), types.end(), 1.0)) / types.size();
    BOOST_TEST(std::abs(s["metrics"]["type_accuracy"].get<double>() - std::max(ones, 1 - ones)) < 1e-12);
    // Reward recovery on every demonstrated transition (8 plays × 40 agents × 6 steps), per type and
    // averaged; bc learns no reward.
    const auto& m = s["metrics"];
    if (std::string(method) == "bc") {
      BOOST_TEST(m["reward_recovery_mse"].is_null());
    } else {
      BOOST_TEST(m["reward_recovery_mse"].get<double>() >= 0.0);
      const double corr = m["reward_recovery_corr"].get<double>();
      BOOST_TEST((corr >= -1.0 && corr <= 1.0));
      long transitions = 0;
      for (const auto& t : m["types"]) transitions += t["reward_recovery"]["transitions"].get<long>();
      BOOST_TEST(transitions == 8 * 40 * 6);
    }
  }
}

BOOST_AUTO_TEST_CASE(types_auto_reports_its_choice) {
  // Two malware types (k 0.2/l 0.5 against k 0.9/l 0.2) at 40 agents a play: --types auto reports
  // the dispersion for k = 1, 2, ... and the number it chose, and the context has that many entries.
  const fs::path data = demos(0, "irl_demos_auto.h5");
  const fs::path out = scratch("irl_auto");
  fs::remove_all(out);
  const Run run = mfg(0, "irl --method pemmfirl --types auto --max-types 3 --demos " + data.string() +
                             " --model malware --iterations 1 --no-plots --out " + out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(run.output.find("--types auto:") != std::string::npos, run.output);
  const auto m = readJson(out / "summary.json")["metrics"];
  const int chosen = m["types_chosen"].get<int>();
  BOOST_TEST((chosen >= 1 && chosen <= 3));
  const auto dispersion = m["type_dispersion"].get<std::vector<double>>();
  BOOST_TEST(dispersion.size() == static_cast<std::size_t>(chosen));
  // Every k below the one chosen left more spread than the threshold 1.5; the chosen one did not
  // (unless it is the cap).
  for (int k = 0; k + 1 < chosen; ++k) BOOST_TEST(dispersion[static_cast<std::size_t>(k)] > 1.5);
  if (chosen < 3) BOOST_TEST(dispersion.back() <= 1.5);
  BOOST_TEST(readAll(out / "result.h5", "/contexts").size() == 8u * static_cast<std::size_t>(chosen));
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2) {
  const fs::path data = demos(0, "irl_demos_bad.h5");
  const fs::path bad_types = scratch("irl_bad_types.toml");
  std::ofstream(bad_types) << "[[type]]\nweight = -1\nk = 0.2\n";
  const fs::path unknown_key = scratch("irl_unknown_key.toml");
  std::ofstream(unknown_key) << "[[type]]\nweight = 1\nkk = 0.2\n";
  const fs::path not_h5 = scratch("irl_not_h5.h5");
  std::ofstream(not_h5) << "not an HDF5 file";
  struct Case {
    std::string args, message;
  };
  for (const Case& c : {
           Case{"demonstrate --model malware --types " + bad_types.string() + " --out " + scratch("x.h5").string(), "weight"},
           Case{"demonstrate --model malware --types " + unknown_key.string() + " --out " + scratch("x.h5").string(), "kk"},
           Case{"demonstrate --model malware --beta 0 --out " + scratch("x.h5").string(), "--beta"},
           Case{"demonstrate --model nosuchmodel --out " + scratch("x.h5").string(), "nosuchmodel"},
           Case{"irl --method nope --demos " + data.string() + " --model malware", "nope"},
           Case{"irl --demos " + not_h5.string() + " --model malware", not_h5.filename().string()},
           Case{"irl --demos " + data.string() + " --model malware --set T=9", "T = 6"},
           Case{"irl --demos " + data.string() + " --model sis", "not a state"},
           Case{"irl --types three --demos " + data.string() + " --model malware", "--types 'three'"},
           Case{"irl --types 2x --demos " + data.string() + " --model malware", "--types '2x'"},
           Case{"irl --types auto --max-types 0 --demos " + data.string() + " --model malware", "--max-types 0"},
           Case{"marl from-demos --demos " + data.string() + " --out " + scratch("x.h5").string(), "2 agent types"},
           Case{"marl from-demos --demos " + not_h5.string() + " --out " + scratch("x.h5").string(),
                not_h5.filename().string()},
       }) {
    const Run run = mfg(0, c.args);
    BOOST_TEST_CONTEXT(c.args) {
      BOOST_TEST(run.status == 2);
      BOOST_TEST(run.output.find(c.message) != std::string::npos, run.output);
    }
  }
}

BOOST_AUTO_TEST_CASE(from_demos_replays_the_plays_in_the_nplayer_game) {
  // Plays of classic/beach_bar (4 positions, bar at 2, T = 2: three steps) by 3 agents, replayed as
  // episodes of nplayer/classic/beach_bar at 1 and 2 ranks: the same file; the observations are the
  // plays' states one-hot, the actions the plays', and every reward is beach_bar's, written out here
  // from docs/models.md: −(ring distance to the bar) − |a − 1|/n − log(μ̂_t(s) + eps), with μ̂_t the
  // play's own empirical distribution.
  const fs::path plays = scratch("bb_plays.h5");
  Run run = mfg(0, "demonstrate --model classic/beach_bar --plays 5 --agents 3 --beta 1 --seed 4 --out " + plays.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  std::vector<std::vector<double>> rewards;
  for (int ranks : {1, 2}) {
    const fs::path episodes = scratch("bb_episodes_" + std::to_string(ranks) + ".h5");
    run = mfg(ranks, "marl from-demos --demos " + plays.string() + " --out " + episodes.string());
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
    BOOST_TEST(run.output.find("--game nplayer/classic/beach_bar --players 3") != std::string::npos, run.output);
    const hid_t f = H5Fopen(episodes.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    BOOST_REQUIRE(f >= 0);
    BOOST_TEST((datasetShape(f, "/observations") == std::vector<hsize_t>{5, 4, 3 * 4 + 1}));
    BOOST_TEST((datasetShape(f, "/actions") == std::vector<hsize_t>{5, 3, 3}));
    BOOST_TEST(stringAttribute(f, "game").find("nplayer/classic/beach_bar") == 0u);
    H5Fclose(f);
    rewards.push_back(readAll(episodes, "/rewards"));
    if (ranks == 2) continue;
    const auto states = readAll(plays, "/states"), actions = readAll(plays, "/actions");  // [P][N][4], [P][N][3]
    const auto obs = readAll(episodes, "/observations"), acts = readAll(episodes, "/actions");
    const auto filled = readAll(episodes, "/filled"), terminated = readAll(episodes, "/terminated");
    const int P = 5, N = 3, T = 3, S = 4;
    for (int p = 0; p < P; ++p)
      for (int t = 0; t <= T; ++t) {
        std::vector<int> count(S, 0);
        for (int i = 0; i < N; ++i) ++count[static_cast<int>(states[(p * N + i) * (T + 1) + t])];
        for (int i = 0; i < N; ++i) {
          const int s = static_cast<int>(states[(p * N + i) * (T + 1) + t]);
          for (int x = 0; x < S; ++x) BOOST_TEST(obs[(p * (T + 1) + t) * (N * S + 1) + i * S + x] == (x == s ? 1.0 : 0.0));
          if (t == T) continue;
          const int a = static_cast<int>(actions[(p * N + i) * T + t]);
          BOOST_TEST(acts[(p * T + t) * N + i] == a);
          const int d = std::min((s - 2 + S) % S, (2 - s + S) % S);
          const double want = -d - std::abs(a - 1) / 4.0 - std::log(count[s] / 3.0 + 1e-20);
          BOOST_TEST(rewards.back()[(p * T + t) * N + i] == want, boost::test_tools::tolerance(1e-6));
        }
        BOOST_TEST(obs[(p * (T + 1) + t) * (N * S + 1) + N * S] == static_cast<double>(t) / T, boost::test_tools::tolerance(1e-7));
        if (t < T) {
          BOOST_TEST(filled[p * T + t] == 1.0);
          BOOST_TEST(terminated[p * T + t] == 0.0);
        }
      }
  }
  BOOST_TEST(rewards[0] == rewards[1]);
  // The mean-field learners read the same plays and report reward recovery against the same truth.
  const fs::path out = scratch("bb_mfairl");
  fs::remove_all(out);
  run = mfg(0, "irl --method mf-airl --demos " + plays.string() + " --model classic/beach_bar --iterations 2 --no-plots --out " +
                   out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(readJson(out / "summary.json")["metrics"]["types"][0]["reward_recovery"]["transitions"].get<long>() == 5 * 3 * 3);
}
