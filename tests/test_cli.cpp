// The mfg command line end to end, at 1, 2 and 3 ranks: solve, then evaluate the policy it wrote;
// the result.h5 layout; malformed input rejected with status 2 and nothing written; certificates;
// models too large to fit. Training is in test_cli_train, signals and dead ranks in test_cli_signals.
#define BOOST_TEST_MODULE cli
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/ImageChecks.hpp"
#include "tests/CliHelpers.hpp"
#include "tests/ProcessHelpers.hpp"

using namespace clitest;

BOOST_AUTO_TEST_CASE(solve_then_evaluate_round_trip_at_1_2_3_ranks) {
  std::vector<double> policy_np1;
  for (int np : {1, 2, 3}) {
    BOOST_TEST_CONTEXT("ranks " << np) {
      const fs::path out = scratch("beach_bar_np" + std::to_string(np));
      const Run solve = mfg(np, "solve --model classic/beach_bar --algorithm omd --iterations 30 --out " + out.string());
      BOOST_REQUIRE_MESSAGE(solve.status == 0, solve.output);
      BOOST_TEST(solve.output.find("exploitability") != std::string::npos);
      BOOST_REQUIRE(fs::exists(out / "result.h5"));
      BOOST_REQUIRE(fs::exists(out / "summary.json"));
      BOOST_TEST(noPartialFiles(out));
      const auto summary = readJson(out / "summary.json");
      BOOST_TEST(summary["ranks"].get<int>() == np);
      BOOST_TEST(summary["iterations"].get<int>() == 30);
      BOOST_TEST(summary["wall_seconds"].get<double>() >= 0.0);
      const double solved = summary["exploitability"].get<double>();
      BOOST_TEST(solved < summary["initial_exploitability"].get<double>());

      const Run eval = mfg(np, "evaluate --model classic/beach_bar --policy " + (out / "result.h5").string() +
                                   " --out " + (out / "eval.json").string());
      BOOST_REQUIRE_MESSAGE(eval.status == 0, eval.output);
      const double evaluated = readJson(out / "eval.json")["exploitability"].get<double>();
      BOOST_TEST(std::abs(evaluated - solved) <= 1e-12 * std::max(1.0, std::abs(solved)),
                 "evaluate " << evaluated << " vs solve " << solved);

      // Layout: /policy [T+1, n, 3] = [3, 4, 3]; /mean_field [4, 4]; history of 31 entries.
      const hid_t f = H5Fopen((out / "result.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      BOOST_REQUIRE(f >= 0);
      BOOST_TEST((datasetShape(f, "/policy") == std::vector<hsize_t>{3, 4, 3}));
      BOOST_TEST((datasetShape(f, "/mean_field") == std::vector<hsize_t>{4, 4}));
      BOOST_TEST((datasetShape(f, "/history/exploitability") == std::vector<hsize_t>{31}));
      BOOST_TEST((datasetShape(f, "/history/wall_seconds") == std::vector<hsize_t>{31}));
      BOOST_TEST(stringAttribute(f, "model") == "classic/beach_bar");
      BOOST_TEST(stringAttribute(f, "algorithm") == "omd");
      BOOST_TEST(intAttribute(f, "ranks") == np);
      const hid_t params = H5Gopen2(f, "/parameters", H5P_DEFAULT);
      BOOST_TEST(intAttribute(params, "n") == 4);
      H5Gclose(params);
      H5Fclose(f);

      const auto mu = readAll(out / "result.h5", "/mean_field");
      for (int s = 0; s < 4; ++s) BOOST_TEST(std::abs(mu[s] - 0.25) < 1e-15);  // μ_0 uniform
      const auto history = readAll(out / "result.h5", "/history/exploitability");
      BOOST_TEST(std::abs(history.front() - 1.2212622553) < 1e-10);  // uniform policy, docs/models.md §2
      BOOST_TEST(history.back() == solved);

      const auto policy = readAll(out / "result.h5", "/policy");
      if (np == 1) policy_np1 = policy;
      BOOST_REQUIRE_EQUAL(policy.size(), policy_np1.size());
      for (std::size_t i = 0; i < policy.size(); ++i) BOOST_TEST(std::abs(policy[i] - policy_np1[i]) < 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(multidimensional_states_are_written_in_row_major_order) {
  // building_evacuation: states (floor, x, y) = 5 x 10 x 10 over 3 ranks, so each rank's block
  // starts and ends inside a floor and a row; the file must match the 1-rank file exactly.
  std::vector<double> mf1, pol1;
  for (int np : {1, 3}) {
    const fs::path out = scratch("evac_np" + std::to_string(np));
    const Run solve = mfg(np, "solve --model classic/building_evacuation --algorithm fp --iterations 5 --out " + out.string());
    BOOST_REQUIRE_MESSAGE(solve.status == 0, solve.output);
    const hid_t f = H5Fopen((out / "result.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    BOOST_TEST((datasetShape(f, "/policy") == std::vector<hsize_t>{4, 5, 10, 10, 6}));
    BOOST_TEST((datasetShape(f, "/mean_field") == std::vector<hsize_t>{5, 5, 10, 10}));
    H5Fclose(f);
    const auto mf = readAll(out / "result.h5", "/mean_field");
    const auto pol = readAll(out / "result.h5", "/policy");
    // Every mean-field slice is a distribution; μ_0 is uniform.
    for (int t = 0; t < 5; ++t) {
      double total = 0.0;
      for (int s = 0; s < 500; ++s) total += mf[t * 500 + s];
      BOOST_TEST(std::abs(total - 1.0) < 1e-12);
    }
    BOOST_TEST(std::abs(mf[499] - 1.0 / 500) < 1e-15);
    if (np == 1) {
      mf1 = mf;
      pol1 = pol;
    } else {
      for (std::size_t i = 0; i < mf.size(); ++i) BOOST_TEST(std::abs(mf[i] - mf1[i]) < 1e-12);
      for (std::size_t i = 0; i < pol.size(); ++i) BOOST_TEST(std::abs(pol[i] - pol1[i]) < 1e-12);
    }
    const Run eval = mfg(np, "evaluate --model classic/building_evacuation --policy " + (out / "result.h5").string());
    BOOST_REQUIRE_MESSAGE(eval.status == 0, eval.output);
  }
}

BOOST_AUTO_TEST_CASE(hand_written_policy_is_evaluated) {
  // The uniform policy written by hand: its exploitability is the spec's 0.25 for left_right.
  const fs::path file = scratch("uniform_left_right.h5");
  writePolicy(file, {2, 3, 2}, std::vector<double>(12, 0.5));
  for (int np : {1, 2, 3}) {
    const Run r = mfg(np, "evaluate --model classic/left_right --policy " + file.string() + " --out " +
                              scratch("lr.json").string());
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    BOOST_TEST(std::abs(readJson(scratch("lr.json"))["exploitability"].get<double>() - 0.25) < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(malformed_solve_input_exits_2_and_writes_nothing) {
  const fs::path out = scratch("must_not_exist");
  const fs::path cfg = scratch("bad.toml");
  const struct { std::string args; std::string must_mention; } cases[] = {
      {"--model classic/nope", "classic/nope"},
      {"--model classic/beach_bar --set colour=3", "colour"},
      {"--model classic/beach_bar --set n=0", "n"},
      {"--model classic/beach_bar --set n=2.5", "integer"},
      {"--model classic/beach_bar --set bar=9", "bar"},
      {"--model classic/beach_bar --set p_still=abc", "p_still"},
      {"--model classic/conservative_treasure_hunting --set r=[1,2]", "r"},
      {"--model classic/beach_bar --algorithm sgd", "sgd"},
      {"--model classic/beach_bar --algorithm omd --learning-rate -1", "learning_rate"},
      {"--model classic/beach_bar --algorithm fixed-point --damping 2", "damping"},
      {"--model classic/beach_bar --iterations -3", "iterations"},
      {"--config " + scratch("missing.toml").string(), "missing.toml"},
      {"--config " + cfg.string(), "colour"},
      {"--bogus-flag", "bogus"},
  };
  {
    std::ofstream(cfg) << "model = \"classic/beach_bar\"\ncolour = 3\n";
  }
  for (const auto& c : cases)
    for (int np : {0, 3}) {
      BOOST_TEST_CONTEXT(c.args << " at " << np << " ranks") {
        const Run r = mfg(np, "solve " + c.args + " --out " + out.string());
        BOOST_TEST(r.status == 2, r.output);
        BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
        BOOST_TEST(!fs::exists(out));
      }
    }
  // Wrong types in a config name the key and the expected type.
  std::ofstream(cfg) << "model = 3\n";
  Run r = mfg(0, "solve --config " + cfg.string() + " --out " + out.string());
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.output.find("'model'") != std::string::npos, r.output);
  std::ofstream(cfg) << "[parameters]\nn = \"four\"\n";
  r = mfg(0, "solve --model classic/beach_bar --config " + cfg.string() + " --out " + out.string());
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.output.find("parameters.n") != std::string::npos, r.output);
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_CASE(config_file_sets_the_run_and_flags_override_it) {
  const fs::path cfg = scratch("good.toml");
  const fs::path out = scratch("from_config");
  std::ofstream(cfg) << "model = \"classic/beach_bar\"\nalgorithm = \"fp\"\niterations = 4\nout = \"" << out.string()
                     << "\"\n[parameters]\nn = 6\nbar = 3\n";
  const Run r = mfg(2, "solve --config " + cfg.string() + " --iterations 7");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto summary = readJson(out / "summary.json");
  BOOST_TEST(summary["algorithm"].get<std::string>() == "fp");
  BOOST_TEST(summary["iterations"].get<int>() == 7);
  BOOST_TEST(summary["parameters"]["n"].get<int>() == 6);
  BOOST_TEST(summary["parameters"]["bar"].get<int>() == 3);
}

BOOST_AUTO_TEST_CASE(malformed_policies_are_rejected) {
  const fs::path eval_out = scratch("no_eval.json");
  const auto uniform = std::vector<double>(12, 0.5);
  std::vector<double> nan = uniform, negative = uniform, unnormalised = uniform;
  nan[5] = std::numeric_limits<double>::quiet_NaN();
  negative[6] = -0.5;
  negative[7] = 1.5;
  unnormalised[11] = 0.6;
  // Off by 1e-6 only, in one row on the last rank's share at 3 ranks: beyond the README's 1e-9.
  std::vector<double> slightly_off = uniform;
  slightly_off[2 * 3 + 2 * 2 + 1] += 1e-6;  // t = 1, state = 2, action 1
  writePolicy(scratch("slightly_off.h5"), {2, 3, 2}, slightly_off);
  writePolicy(scratch("nan.h5"), {2, 3, 2}, nan);
  writePolicy(scratch("negative.h5"), {2, 3, 2}, negative);
  writePolicy(scratch("unnormalised.h5"), {2, 3, 2}, unnormalised);
  writePolicy(scratch("shape.h5"), {2, 2, 3}, uniform);
  writePolicy(scratch("steps.h5"), {3, 3, 2}, std::vector<double>(18, 0.5));
  writePolicy(scratch("name.h5"), {2, 3, 2}, uniform, H5T_IEEE_F64LE, "/pi");
  writePolicy(scratch("float32.h5"), {2, 3, 2}, uniform, H5T_IEEE_F32LE);
  std::ofstream(scratch("text.h5")) << "not hdf5\n";
  const struct { std::string file; std::string must_mention; } cases[] = {
      {"nan.h5", "nan"},          {"negative.h5", "-0.5"},     {"unnormalised.h5", "sums to"},
      {"shape.h5", "[2, 2, 3]"},  {"steps.h5", "[3, 3, 2]"},   {"name.h5", "/policy"},
      {"float32.h5", "float64"},  {"text.h5", "not an HDF5"}, {"absent.h5", "no such file"},
      {"slightly_off.h5", "/policy[t=1, state=2, :] sums to"},
  };
  for (const auto& c : cases)
    for (int np : {0, 3}) {
      BOOST_TEST_CONTEXT(c.file << " at " << np << " ranks") {
        const Run r = mfg(np, "evaluate --model classic/left_right --policy " + scratch(c.file).string() +
                                  " --out " + eval_out.string());
        BOOST_TEST(r.status == 2, r.output);
        BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
        BOOST_TEST(!fs::exists(eval_out));
      }
    }
}

BOOST_AUTO_TEST_CASE(policy_rows_off_by_1e_12_are_accepted) {
  // The README's tolerance is 1e-9: rows that sum to 1 ± 1e-12 (as a solver's float output may)
  // evaluate normally at 1 and 3 ranks.
  std::vector<double> close(12, 0.5);
  for (std::size_t i = 0; i < close.size(); ++i) close[i] += (i % 4 == 3 ? -1e-12 : 1e-12) / 2.0;
  writePolicy(scratch("close.h5"), {2, 3, 2}, close);
  for (int np : {0, 3}) {
    const fs::path eval_out = scratch("close_eval_np" + std::to_string(np) + ".json");
    const Run r = mfg(np, "evaluate --model classic/left_right --policy " + scratch("close.h5").string() + " --out " +
                              eval_out.string());
    BOOST_TEST(r.status == 0, "at " << np << " ranks: " << r.output);
    BOOST_TEST(fs::exists(eval_out), "at " << np << " ranks");
  }
}

BOOST_AUTO_TEST_CASE(every_command_has_help) {
  for (const char* cmd : {"--help", "models --help", "solve --help", "evaluate --help", "certify --help", "train --help"}) {
    const Run r = mfg(1, cmd);
    BOOST_TEST(r.status == 0, cmd);
    BOOST_TEST(r.output.find("Usage") != std::string::npos, r.output);
  }
  const Run models = mfg(1, "models");
  BOOST_TEST(models.status == 0);
  for (const char* name : {"classic/beach_bar", "classic/susceptible_infected", "malware", "investment", "sis", "p_still", "lq", "macro", "krusell_smith"})
    BOOST_TEST(models.output.find(name) != std::string::npos, name);
}

BOOST_AUTO_TEST_CASE(certificate_round_trip_on_lq) {
  // Solve lq on its scenario tree, certify the policy file, and read the certificate back: the
  // exact non-anticipative bound is the exploitability that solve and evaluate report, and the
  // clairvoyant bound of lq equals it too (the shock is known from t = 0, so the path adds nothing).
  const fs::path dir = scratch("certify_lq");
  const std::string sets = " --set T=10";
  const Run solve = mfg(2, "solve --model lq" + sets + " --algorithm omd --iterations 5 --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(solve.status == 0, solve.output);
  const double solved = readJson(dir / "summary.json")["exploitability"].get<double>();
  for (int np : {1, 3}) {
    BOOST_TEST_CONTEXT("ranks " << np) {
      const fs::path cert = dir / ("cert_np" + std::to_string(np));
      const Run c = mfg(np, "certify --model lq" + sets + " --policy " + (dir / "result.h5").string() +
                                " --paths 6 --seed 5 --out " + cert.string());
      BOOST_REQUIRE_MESSAGE(c.status == 0, c.output);
      const auto j = readJson(cert.string() + ".json");
      const auto& na = j["bounds"]["non_anticipative"];
      const auto& cl = j["bounds"]["clairvoyant"];
      BOOST_TEST(na["exact"].get<bool>());
      BOOST_TEST(std::abs(na["value"].get<double>() - solved) <= 1e-12 * std::max(1.0, solved));
      BOOST_TEST(na["ci95"][0].get<double>() == na["value"].get<double>());
      // lq's tree is enumerated: the clairvoyant bound runs over its 2 leaves, not 6 sampled paths.
      BOOST_TEST(cl["exact"].get<bool>());
      BOOST_TEST(cl["paths"].get<int>() == 2);
      BOOST_TEST(std::abs(cl["value"].get<double>() - solved) <= 1e-9 * std::max(1.0, solved));
      BOOST_TEST(cl["ci95"][0].get<double>() == cl["value"].get<double>());
      BOOST_TEST(cl["ci95"][1].get<double>() == cl["value"].get<double>());
      BOOST_TEST(j["model"].get<std::string>() == "lq");
      BOOST_TEST(j["parameters"]["T"].get<int>() == 10);
      BOOST_TEST(j["ranks"].get<int>() == np);
      BOOST_TEST(j["policy"]["sha256"].get<std::string>() == sha256sum(dir / "result.h5"));
      BOOST_TEST(j["wall_seconds"].get<double>() >= 0.0);
      // HDF5 part: per-state gaps of shape [99], non-negative, and the exploitability is their
      // μ_0-weighted sum (μ_0 uniform on 99 states).
      const auto gaps = readAll(cert.string() + ".h5", "/non_anticipative/per_state");
      BOOST_REQUIRE_EQUAL(gaps.size(), 99u);
      double weighted = 0.0;
      for (double g : gaps) {
        BOOST_TEST(g >= -1e-9);
        weighted += g / 99.0;
      }
      BOOST_TEST(std::abs(weighted - solved) <= 1e-9 * std::max(1.0, solved));
      BOOST_TEST(noPartialFiles(dir));
    }
  }
  // The uniform baseline, and bad options: status 2, nothing written.
  const Run uniform = mfg(0, "certify --model lq" + sets + " --policy uniform --paths 3 --out " + (dir / "u").string());
  BOOST_REQUIRE_MESSAGE(uniform.status == 0, uniform.output);
  BOOST_TEST(readJson(dir / "u.json")["policy"]["sha256"].get<std::string>() == "uniform");
  // Sampling when asked: 3 paths are too few for an interval, so none is reported (null).
  const Run few = mfg(0, "certify --model lq" + sets + " --policy uniform --tree sampled --paths 3 --out " +
                             (dir / "few").string());
  BOOST_REQUIRE_MESSAGE(few.status == 0, few.output);
  const auto fj = readJson(dir / "few.json");
  BOOST_TEST(!fj["bounds"]["clairvoyant"]["exact"].get<bool>());
  BOOST_TEST(fj["bounds"]["clairvoyant"]["paths"].get<int>() == 3);
  BOOST_TEST(fj["bounds"]["clairvoyant"]["ci95"].is_null());
  BOOST_TEST(fj["bounds"]["non_anticipative"]["ci95"].is_null());
  BOOST_TEST(few.output.find("no 95% CI") != std::string::npos, few.output);
  const struct { std::string args; std::string must_mention; } bad[] = {
      {"--model macro --set T=3 --tree exact --paths 2", "--tree exact"},
      {"--model lq --tree both --paths 2", "--tree"},
      {"--model lq --paths 0", "--paths"},
      {"--model lq --groups 9 --paths 2", "--groups"},
      {"--model lq --policy " + (dir / "cert_np1.json").string() + " --paths 2", "not an HDF5"},
      {"--model beach_bar --policy " + (dir / "result.h5").string() + " --paths 2", "/policy has shape"},
  };
  for (const auto& b : bad) {
    BOOST_TEST_CONTEXT(b.args) {
      const Run r = mfg(0, "certify " + b.args + " --out " + (dir / "bad").string());
      BOOST_TEST(r.status == 2, r.output);
      BOOST_TEST(r.output.find(b.must_mention) != std::string::npos, r.output);
      BOOST_TEST(!fs::exists(dir / "bad.json"));
      BOOST_TEST(!fs::exists(dir / "bad.h5"));
    }
  }
}

BOOST_AUTO_TEST_CASE(models_that_do_not_fit_exit_2_with_the_estimate_and_ranks_needed) {
  // 6.4e7 cells x 5 moves: within 32-bit indices, but about 150 GiB; 1e10 cells: beyond them.
  const fs::path dir = scratch("too_large");
  const Run memory = mfg(2, "solve --model classic/crowd_motion --set length=8000 --set width=8000 --out " +
                                (dir / "memory").string());
  BOOST_TEST(memory.status == 2, memory.output);
  BOOST_TEST(memory.output.find("does not fit in memory") != std::string::npos, memory.output);
  BOOST_TEST(memory.output.find("per rank on 2 rank(s)") != std::string::npos, memory.output);
  BOOST_TEST(memory.output.find("it would need at least") != std::string::npos, memory.output);
  BOOST_TEST(memory.output.find("bad_alloc") == std::string::npos, memory.output);
  BOOST_TEST(!fs::exists(dir / "memory"));
  const Run indices = mfg(1, "solve --model classic/crowd_motion --set length=100000 --set width=100000 --out " +
                                 (dir / "indices").string());
  BOOST_TEST(indices.status == 2, indices.output);
  BOOST_TEST(indices.output.find("-bit indices") != std::string::npos, indices.output);
  BOOST_TEST(indices.output.find("per rank") != std::string::npos, indices.output);
  BOOST_TEST(indices.output.find("bad_alloc") == std::string::npos, indices.output);
  // certify and train meet the same check before their first engine.
  const Run cert = mfg(1, "certify --model classic/crowd_motion --set length=8000 --set width=8000 --policy uniform "
                          "--paths 1 --out " + (dir / "cert").string());
  BOOST_TEST(cert.status == 2, cert.output);
  BOOST_TEST(cert.output.find("does not fit in memory") != std::string::npos, cert.output);
}
