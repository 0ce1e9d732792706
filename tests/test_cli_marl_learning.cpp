// `mfg marl offline`, `mfg marl demonstrate`, `mfg marl irl` and `mfg marl expert` end to end
// through the binary:
// exact returns of learned policies against hand values, files identical on any number of ranks,
// summaries with the stated keys, resume, and bad input stopped with exit 2.
#define BOOST_TEST_MODULE cli_marl_learning
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <utility>

#include "tests/CliHelpers.hpp"

using namespace clitest;

namespace {

// The Bridge optimum by hand (docs/models.md §7.2): −0.05 × the distances of the 8-step plan.
const double kBridgeOptimum =
    -0.05 * (2 * std::sqrt(5.0) + 2 * std::sqrt(17.0) + 2 * std::sqrt(2.0) + 6.0 + std::sqrt(10.0));

fs::path dataset(const std::string& game, const std::string& kind, int seed = 0) {
  const fs::path file = scratch(game + "_" + kind + "_" + std::to_string(seed) + ".h5");
  if (!fs::exists(file)) {
    const Run run = mfg(0, "marl dataset --game " + game + " --kind " + kind + " --seed " + std::to_string(seed) +
                               " --out " + file.string());
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  }
  return file;
}

}  // namespace

BOOST_AUTO_TEST_CASE(offline_inspo_on_xor_is_deterministic_and_the_same_on_1_and_2_ranks) {
  const fs::path data = dataset("xor", "ab_ba");
  std::vector<std::vector<double>> tables;
  for (int ranks : {1, 2}) {
    const fs::path out = scratch("xor_inspo_" + std::to_string(ranks));
    const Run run = mfg(ranks, "marl offline --method inspo --game xor --dataset " + data.string() +
                                   " --iterations 10 --seed 1 --out " + out.string());
    BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
    const auto s = readJson(out / "summary.json");
    BOOST_TEST(std::abs(s["return_per_step"].get<double>() - 1.0) < 1e-9);
    BOOST_TEST(std::abs(s["episode_return"].get<double>() - 50.0) < 1e-7);
    BOOST_TEST(s["optimal_return"].get<double>() == 50.0);
    BOOST_TEST(std::abs(s["behaviour_return_per_step"].get<double>()) < 1e-12);  // ¼(0 + 1 + 1 − 2)
    BOOST_TEST(s["deterministic"].get<bool>());
    const double a0 = s["start_policy"][0][0], a1 = s["start_policy"][1][0];
    BOOST_TEST(std::abs(a0 + a1 - 1.0) < 1e-9);  // AB or BA
    BOOST_TEST(s["ranks"].get<int>() == ranks);
    tables.push_back(readAll(out / "policy.h5", "/policy_0"));
    BOOST_TEST(readAll(out / "result.h5", "/history/episode_return").size() == 10u);
  }
  BOOST_TEST(tables[0] == tables[1]);  // bitwise
}

BOOST_AUTO_TEST_CASE(offline_methods_on_bridge_and_xor_against_hand_values) {
  const fs::path mix = dataset("bridge", "mix");
  const fs::path out = scratch("bridge_inspo");
  Run run = mfg(2, "marl offline --game bridge --dataset " + mix.string() + " --iterations 20 --out " + out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  auto s = readJson(out / "summary.json");
  BOOST_TEST(std::abs(s["optimal_return"].get<double>() - kBridgeOptimum) < 1e-9);
  BOOST_TEST(s["episode_return"].get<double>() >= 1.01 * kBridgeOptimum);
  BOOST_TEST(s["behaviour_return"].get<double>() < 2 * kBridgeOptimum);  // random play is far worse
  // Offline VDN on {AA, AB, BA}: the additive fit makes both players greedy on B, the unseen −2.
  const fs::path three = dataset("xor", "aa_ab_ba");
  const fs::path vdn = scratch("xor_vdn");
  run = mfg(0, "marl offline --method vdn --game xor --dataset " + three.string() + " --gamma 0 --out " + vdn.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  s = readJson(vdn / "summary.json");
  BOOST_TEST(std::abs(s["return_per_step"].get<double>() + 2.0) < 1e-12);
  // The simultaneous ablation runs too and writes the same keys.
  const fs::path sim = scratch("xor_sim");
  run = mfg(0, "marl offline --method inspo-simultaneous --game xor --dataset " + three.string() + " --out " + sim.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(readJson(sim / "summary.json").contains("return_per_step"));
}

BOOST_AUTO_TEST_CASE(offline_bad_input_exits_2) {
  const fs::path data = dataset("xor", "ab");
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases = {
      {"--method nonsense --game xor", "inspo, inspo-simultaneous, bc, vdn-cql, vdn"},
      {"--alpha 0 --game xor", "--alpha"},
      {"--gamma 1 --game xor", "--gamma"},
      {"--iterations 0 --game xor", "--iterations"},
      {"--game bridge", "attribute game is 'xor'"},
      {"--game gems", "gems"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.args) {
      const fs::path out = scratch("offline_bad");
      const Run run = mfg(0, "marl offline " + c.args + " --dataset " + data.string() + " --out " + out.string());
      BOOST_TEST(run.status == 2, run.output);
      BOOST_TEST(run.output.find(c.message) != std::string::npos, run.output);
      BOOST_TEST(!fs::exists(out / "summary.json"));
    }
  }
}

BOOST_AUTO_TEST_CASE(demonstrations_are_the_same_on_any_number_of_ranks) {
  // Bridge: exact optimal play, every episode worth the optimum.
  const fs::path one = scratch("bridge_demo_1.h5"), two = scratch("bridge_demo_2.h5");
  Run run = mfg(0, "marl demonstrate --game bridge --policy planner --episodes 12 --seed 5 --out " + one.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  run = mfg(2, "marl demonstrate --game bridge --policy planner --episodes 12 --seed 5 --out " + two.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  const auto rewards = readAll(one, "/rewards");
  BOOST_TEST(rewards == readAll(two, "/rewards"));
  BOOST_TEST(readAll(one, "/actions") == readAll(two, "/actions"));
  const auto filled = readAll(one, "/filled");
  const std::size_t T = filled.size() / 12;
  for (int e = 0; e < 12; ++e) {
    double total = 0.0;
    for (std::size_t t = 0; t < T; ++t) total += rewards[(e * T + t) * 2];
    BOOST_TEST(std::abs(total - kBridgeOptimum) < 1e-5, "episode " << e);  // float32 rewards
  }
  // Gems: the planner at 1 and 3 ranks.
  const fs::path g1 = scratch("gems_1.h5"), g3 = scratch("gems_3.h5");
  run = mfg(0, "marl demonstrate --game gems --episodes 7 --out " + g1.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  run = mfg(3, "marl demonstrate --game gems --episodes 7 --out " + g3.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(readAll(g1, "/observations") == readAll(g3, "/observations"));
  BOOST_TEST(readAll(g1, "/rewards") == readAll(g3, "/rewards"));
}

BOOST_AUTO_TEST_CASE(nplayer_demonstrations_of_an_mfg_policy) {
  const fs::path solved = scratch("beach_bar_solution");
  Run run = mfg(0, "solve --model classic/beach_bar --algorithm omd --iterations 5 --no-plots --out " + solved.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  const fs::path demos = scratch("nplayer_demos.h5");
  run = mfg(2, "marl demonstrate --game nplayer/classic/beach_bar --players 3 --policy " +
                   (solved / "result.h5").string() + " --episodes 4 --out " + demos.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  const hid_t f = H5Fopen(demos.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  const auto obs = datasetShape(f, "/observations");
  const auto actions = datasetShape(f, "/actions");
  BOOST_TEST(intAttribute(f, "players") == 3);
  H5Fclose(f);
  BOOST_REQUIRE(obs.size() == 3u);
  BOOST_TEST(obs[0] == 4u);
  BOOST_TEST(actions[2] == 3u);
  // Observation: 3 one-hot states, then t / T.
  const auto data = readAll(demos, "/observations");
  const std::size_t width = obs[2];
  double ones = 0.0;
  for (std::size_t k = 0; k + 1 < width; ++k) ones += data[k];
  BOOST_TEST(ones == 3.0);
  BOOST_TEST(data[width - 1] == 0.0);
  // A policy file of the wrong model is rejected.
  run = mfg(0, "marl demonstrate --game nplayer/lq --policy " + (solved / "result.h5").string() +
                   " --episodes 2 --out " + scratch("never.h5").string());
  BOOST_TEST(run.status == 2, run.output);
}

BOOST_AUTO_TEST_CASE(irl_writes_its_summary_and_resumes_where_it_stopped) {
  const fs::path demos = scratch("bridge_irl_demos.h5");
  Run run = mfg(0, "marl demonstrate --game bridge --episodes 40 --seed 2 --out " + demos.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  for (const std::string method : {"mamql", "iq-learn", "bc"}) {
    BOOST_TEST_CONTEXT(method) {
      const fs::path straight = scratch("irl_" + method), split = scratch("irl_split_" + method);
      const std::string common = "marl irl --method " + method + " --game bridge --demos " + demos.string() +
                                 " --batch 32 --seed 3 --checkpoint-every 5 ";
      run = mfg(2, common + "--iterations 10 --out " + straight.string());
      BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
      const auto s = readJson(straight / "summary.json");
      for (const char* key : {"average_return", "average_return_ci95", "expert_return", "reward_recovery_mse",
                              "reward_recovery_corr", "seconds_per_iteration", "evaluation_episodes"})
        BOOST_TEST(s.contains(key), key);
      BOOST_TEST(s["evaluation_episodes"].get<int>() == 100);
      BOOST_TEST(std::abs(s["expert_return"].get<double>() - kBridgeOptimum / 2 * 2) < 1e-5);  // per player = team
      BOOST_TEST(s["iterations"].get<int>() == 10);
      if (method == "bc") BOOST_TEST(s["reward_recovery_mse"].is_null());
      else BOOST_TEST(s["reward_recovery_mse"].get<double>() >= 0.0);
      BOOST_TEST(fs::exists(straight / "critics.pt"));
      BOOST_TEST(readAll(straight / "result.h5", "/history/loss").size() == 10u);
      // 5 iterations, then --resume to 10: the same networks, so the same evaluation.
      run = mfg(2, common + "--iterations 5 --out " + split.string());
      BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
      run = mfg(2, common + "--iterations 10 --resume --out " + split.string());
      BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
      BOOST_TEST(run.output.find("resumed") != std::string::npos, run.output);
      const auto r = readJson(split / "summary.json");
      BOOST_TEST(r["average_return"].get<double>() == s["average_return"].get<double>());
      BOOST_TEST(readAll(split / "result.h5", "/evaluation/returns") == readAll(straight / "result.h5", "/evaluation/returns"));
    }
  }
  // The learned networks drive `demonstrate`.
  const fs::path replay = scratch("replay.h5");
  run = mfg(0, "marl demonstrate --game bridge --policy " + (scratch("irl_mamql") / "critics.pt").string() +
                   " --episodes 3 --out " + replay.string());
  BOOST_TEST(run.status == 0, run.output);
}

BOOST_AUTO_TEST_CASE(irl_bad_input_exits_2) {
  const fs::path demos = dataset("xor", "ab");
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases = {
      {"--method nonsense --game xor", "mamql, iq-learn, bc"},
      {"--game bridge", "differ from game bridge"},
      {"--game xor --eval-episodes 10", "--eval-episodes"},
      {"--game xor --batch 0", "--batch"},
      {"--game chess", "chess"},
      {"--method soft-q --game xor", "mfg marl expert"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.args) {
      const fs::path out = scratch("irl_bad");
      const Run run = mfg(0, "marl irl " + c.args + " --demos " + demos.string() + " --iterations 1 --out " + out.string());
      BOOST_TEST(run.status == 2, run.output);
      BOOST_TEST(run.output.find(c.message) != std::string::npos, run.output);
      BOOST_TEST(!fs::exists(out / "summary.json"));
    }
  }
  const Run run = mfg(0, "marl demonstrate --game gems --policy nonsense --episodes 1 --out " + scratch("x.h5").string());
  BOOST_TEST(run.status == 2, run.output);
  BOOST_TEST(run.output.find("planner") != std::string::npos, run.output);
}

BOOST_AUTO_TEST_CASE(expert_soft_q_reaches_the_exact_optimum_of_a_one_player_game) {
  // nplayer/classic/beach_bar with one player is a small MDP: 4 positions, bar at 2 (ring distance
  // 2, 1, 0, 1), three steps, action a moves to s + (a − 1) + {−1, 0, 1} (clipped) with
  // probabilities 1/4, 1/2, 1/4, reward −distance − |a − 1|/4 (the crowd term −log(1 + 1e-20) of a
  // lone player is 0). Backward induction here gives the optimal expected return from the uniform
  // start, −2.484375, and the uniform policy's, −3.59375. Soft Q-learning (temperature 0.1) must
  // end within 0.35 of the optimum over 400 evaluation episodes (their 95% half-width is ~0.14),
  // far from uniform play; its networks then demonstrate, and resume continues the iteration count.
  const int n = 4, bar = 2;
  const auto dist = [&](int s) { return std::min(((s - bar) % n + n) % n, ((bar - s) % n + n) % n); };
  const auto clip = [&](int x) { return std::max(0, std::min(n - 1, x)); };
  std::vector<double> best(n, 0.0), uniform(n, 0.0);
  for (int t = 0; t < 3; ++t) {
    std::vector<double> nb(n), nu(n, 0.0);
    for (int s = 0; s < n; ++s) {
      nb[static_cast<std::size_t>(s)] = -1e300;
      for (int a = 0; a < 3; ++a) {
        const double r = -dist(s) - std::abs(a - 1) / 4.0;
        double vb = r, vu = r;
        for (const auto& [d, p] : {std::pair{-1, 0.25}, std::pair{0, 0.5}, std::pair{1, 0.25}}) {
          vb += p * best[static_cast<std::size_t>(clip(s + a - 1 + d))];
          vu += p * uniform[static_cast<std::size_t>(clip(s + a - 1 + d))];
        }
        nb[static_cast<std::size_t>(s)] = std::max(nb[static_cast<std::size_t>(s)], vb);
        nu[static_cast<std::size_t>(s)] += vu / 3.0;
      }
    }
    best = nb;
    uniform = nu;
  }
  double optimum = 0.0, random = 0.0;
  for (int s = 0; s < n; ++s) {
    optimum += best[static_cast<std::size_t>(s)] / n;
    random += uniform[static_cast<std::size_t>(s)] / n;
  }
  BOOST_TEST(optimum == -2.484375, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(random == -3.59375, boost::test_tools::tolerance(1e-12));

  const fs::path out = scratch("bb1_expert");
  fs::remove_all(out);
  Run run = mfg(0, "marl expert --game nplayer/classic/beach_bar --players 1 --iterations 1000 --eval-episodes 400 "
                   "--seed 1 --out " + out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  const auto s = readJson(out / "summary.json");
  const double got = s["average_return"].get<double>();
  BOOST_TEST(got > optimum - 0.35, "soft-q " << got << " against the optimum " << optimum);
  BOOST_TEST(got < optimum + 0.35);
  BOOST_TEST(s["iterations"].get<long>() == 1000);
  BOOST_TEST(readAll(out / "result.h5", "/history/rollout_return").size() == 1000u);
  // The trained networks demonstrate.
  run = mfg(0, "marl demonstrate --game nplayer/classic/beach_bar --players 1 --policy " + (out / "critics.pt").string() +
                   " --episodes 4 --out " + scratch("bb1_expert_demos.h5").string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(run.output.find("soft-q networks") != std::string::npos, run.output);
  // Resume continues from the checkpoint's iteration.
  run = mfg(0, "marl expert --game nplayer/classic/beach_bar --players 1 --iterations 1010 --eval-episodes 100 --seed 1 "
               "--resume --out " + out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(run.output.find("resumed from") != std::string::npos, run.output);
  BOOST_TEST(readAll(out / "result.h5", "/history/rollout_return").size() == 10u);
  // Bad input exits 2 and names the option.
  for (const auto& [args, message] : {std::pair<std::string, std::string>{"--method dqn", "dqn"},
                                      {"--alpha 0", "--alpha"},
                                      {"--target-every 0", "--target-every"},
                                      {"--eval-episodes 5", "--eval-episodes"}}) {
    run = mfg(0, "marl expert --game xor " + args + " --iterations 1 --out " + scratch("bad_expert").string());
    BOOST_TEST(run.status == 2, args << ": " << run.output);
    BOOST_TEST(run.output.find(message) != std::string::npos, run.output);
  }
}
