// The mfg command line end to end, at 1, 2 and 3 ranks: solve, then evaluate the policy it wrote;
// the result.h5 layout; and malformed input rejected with status 2 and nothing written.
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
#include "tests/ProcessHelpers.hpp"

namespace fs = std::filesystem;

namespace {

using mfgtest::readAll;
using mfgtest::readJson;
using mfgtest::Run;

// ranks = 0 starts mfg without mpirun (an MPI singleton, as a laptop user runs it); mpirun takes
// a second or two to wind down a job that exits non-zero, so the many failure cases use that.
Run mfg(int ranks, const std::string& args) {
  const std::string launcher = ranks == 0 ? std::string()
                                          : std::string(MFG_MPIEXEC) + " -n " + std::to_string(ranks) +
                                                " --oversubscribe --allow-run-as-root ";
  return mfgtest::shell(launcher + MFG_BINARY + " " + args);
}

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("mfg-test-cli-" + std::to_string(::getpid())) / name;
  fs::create_directories(p.parent_path());
  return p;
}

std::vector<hsize_t> datasetShape(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  BOOST_REQUIRE(d >= 0);
  const hid_t s = H5Dget_space(d);
  std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(s));
  H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  H5Sclose(s);
  H5Dclose(d);
  return dims;
}

std::string stringAttribute(hid_t obj, const char* name) {
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  BOOST_REQUIRE(a >= 0);
  const hid_t t = H5Aget_type(a);
  std::string s(H5Tget_size(t), '\0');
  H5Aread(a, t, s.data());
  H5Tclose(t);
  H5Aclose(a);
  return s;
}

long intAttribute(hid_t obj, const char* name) {
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  BOOST_REQUIRE(a >= 0);
  long long v = 0;
  H5Aread(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  return static_cast<long>(v);
}

void writePolicy(const fs::path& file, const std::vector<hsize_t>& dims, const std::vector<double>& values,
                 hid_t type = H5T_IEEE_F64LE, const char* name = "/policy") {
  const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t s = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(f, name, type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(d);
  H5Sclose(s);
  H5Fclose(f);
}

bool noPartialFiles(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".partial-") != std::string::npos) return false;
  return true;
}

}  // namespace

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
  for (const char* name : {"classic/beach_bar", "classic/susceptible_infected", "malware", "investment", "sis", "p_still", "lq", "macro"})
    BOOST_TEST(models.output.find(name) != std::string::npos, name);
}

namespace {

std::string sha256sum(const fs::path& file) {
  // The system's sha256sum: an implementation independent of mfg's own.
  FILE* pipe = popen(("sha256sum " + file.string()).c_str(), "r");
  BOOST_REQUIRE(pipe);
  char buf[256] = {0};
  const bool ok = std::fgets(buf, sizeof buf, pipe) != nullptr;
  pclose(pipe);
  BOOST_REQUIRE(ok);
  return std::string(buf).substr(0, 64);
}

}  // namespace

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

BOOST_AUTO_TEST_CASE(train_resume_and_time_limit) {
  // RSPG on a short lq: an uninterrupted run against one stopped after 2 iterations and resumed;
  // the histories must agree bit for bit (same paths, same θ, same Adam state).
  const fs::path dir = scratch("train_lq");
  const std::string common = "train --model lq --set T=8 --algorithm rspg --paths 3 --learning-rate 0.01 "
                             "--eval-every 1 --checkpoint-every 1 --iterations 4 ";
  const Run whole = mfg(2, common + "--out " + (dir / "whole").string());
  BOOST_REQUIRE_MESSAGE(whole.status == 0, whole.output);
  const Run part = mfg(2, "train --model lq --set T=8 --algorithm rspg --paths 3 --learning-rate 0.01 "
                          "--eval-every 1 --checkpoint-every 1 --iterations 4 --time-limit 1e-9 --out " +
                              (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(part.status == 0, part.output);
  const auto stopped = readJson(dir / "split" / "summary.json");
  BOOST_TEST(stopped["stopped_by_time_limit"].get<bool>());
  BOOST_TEST(stopped["iterations"].get<int>() < 4);
  BOOST_TEST(fs::exists(dir / "split" / "checkpoint.pt"));
  const Run resumed = mfg(2, common + "--resume --out " + (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  BOOST_TEST(resumed.output.find("resumed") != std::string::npos, resumed.output);

  const auto a = readAll(dir / "whole" / "result.h5", "/history/exploitability");
  const auto b = readAll(dir / "split" / "result.h5", "/history/exploitability");
  const auto ia = readAll(dir / "whole" / "result.h5", "/history/iteration");
  const auto ib = readAll(dir / "split" / "result.h5", "/history/iteration");
  BOOST_TEST(ia == std::vector<double>({0, 1, 2, 3, 4}), boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(ib.size(), ia.size());
  BOOST_TEST(ib == ia, boost::test_tools::per_element());
  BOOST_TEST(a == b, boost::test_tools::per_element());  // bit for bit
  const auto summary = readJson(dir / "whole" / "summary.json");
  BOOST_TEST(summary["iterations"].get<int>() == 4);
  BOOST_TEST(!summary["stopped_by_time_limit"].get<bool>());
  BOOST_TEST(summary["exploitability"].get<double>() == a.back());
  BOOST_TEST(summary["exploitability"].get<double>() < a.front());  // it learned
  BOOST_TEST(summary.contains("non_anticipative_exploitability"));
  const auto wall = readAll(dir / "whole" / "result.h5", "/history/wall_seconds");
  for (std::size_t k = 1; k < wall.size(); ++k) BOOST_TEST(wall[k] >= wall[k - 1]);

  // The trained network certified from its checkpoint: the exact non-anticipative bound is the
  // exploitability that training reported for the same θ.
  const Run cert = mfg(2, "certify --model lq --set T=8 --policy " + (dir / "whole" / "checkpoint.pt").string() +
                              " --paths 4 --out " + (dir / "cert").string());
  BOOST_REQUIRE_MESSAGE(cert.status == 0, cert.output);
  const double na = readJson(dir / "cert.json")["bounds"]["non_anticipative"]["value"].get<double>();
  const double trained = summary["non_anticipative_exploitability"].get<double>();
  // The network runs in float32, and BLAS rounds a batch of states differently from a sub-batch:
  // the same θ on another state split gives π equal to ~1e-7, so the values agree to ~1e-6.
  BOOST_TEST(std::abs(na - trained) <= 1e-5 * std::abs(trained), "certified " << std::setprecision(17) << na << " vs trained " << trained);
  BOOST_TEST(readJson(dir / "cert.json")["policy"]["sha256"].get<std::string>() ==
             sha256sum(dir / "whole" / "checkpoint.pt"));
  const Run other = mfg(0, "certify --model lq --set T=9 --policy " + (dir / "whole" / "checkpoint.pt").string() +
                               " --paths 2 --out " + (dir / "cert_bad").string());
  BOOST_TEST(other.status == 2, other.output);
  BOOST_TEST(other.output.find("belongs to another run") != std::string::npos, other.output);

  const struct { std::string args; std::string must_mention; } bad[] = {
      {"train --model lq --algorithm ppo --out " + (dir / "bad").string(), "algorithm"},
      {"train --model lq --paths 0 --out " + (dir / "bad").string(), "paths"},
      {"train --model lq --eval-every 0 --out " + (dir / "bad").string(), "eval-every"},
      {"train --model lq --set T=0 --out " + (dir / "bad").string(), "T"},
      {"train --model lq --state-encoding onehot --out " + (dir / "bad").string(), "state-encoding"},
      {"train --model beach_bar --resume --iterations 1 --out " + (dir / "whole").string(), "checkpoint"},
  };
  for (const auto& c : bad) {
    BOOST_TEST_CONTEXT(c.args) {
      const Run r = mfg(0, c.args);
      BOOST_TEST(r.status == 2, r.output);
      BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
    }
  }
  BOOST_TEST(!fs::exists(dir / "bad"));
}

BOOST_AUTO_TEST_CASE(plot_writes_the_pngs_of_a_training_run) {
  const fs::path dir = scratch("plot_bb");
  const Run train = mfg(2, "train --model beach_bar --set T=16 --algorithm rspg --paths 2 --iterations 2 "
                           "--eval-every 1 --no-plots --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(train.status == 0, train.output);
  BOOST_TEST(!fs::exists(dir / "exploitability.png"), "--no-plots drew nothing");
  const Run plot = mfg(0, "plot " + dir.string());
  BOOST_REQUIRE_MESSAGE(plot.status == 0, plot.output);
  const mfgtest::Png e = mfgtest::requirePng(dir / "exploitability.png", 900, 560);
  BOOST_TEST(e.count(31, 119, 180) > 20u);  // the clairvoyant series is drawn
  BOOST_TEST(e.count(255, 127, 14) > 20u);  // and the exact one (beach_bar's tree is enumerable)
  mfgtest::requirePdf(dir / "exploitability.pdf", 1, 900, 560);
  for (int j = 0; j < 4; ++j) {
    const mfgtest::Png m = mfgtest::requirePng(dir / ("mean_field_path" + std::to_string(j) + ".png"), 960, 600);
    BOOST_TEST(m.count(253, 231, 37) > 0u);  // the maximum of μ gets the top of the colour map
    mfgtest::requirePdf(dir / ("mean_field_path" + std::to_string(j) + ".pdf"), 1, 960, 600);
  }
  // Policies at t = 0, 4, 8, 12, 15 (T = 16).
  for (int t : {0, 4, 8, 12, 15}) {
    mfgtest::requirePng(dir / ("policy_t" + std::to_string(t) + ".png"), 960, 600);
    BOOST_TEST(fs::exists(dir / ("policy_t" + std::to_string(t) + ".pdf")), t);
  }
  const auto shape = datasetShape(H5Fopen((dir / "result.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "/paths/mean_field");
  BOOST_TEST((shape == std::vector<hsize_t>{4, 17, 101}));
  const Run missing = mfg(0, "plot " + (dir / "nothing").string());
  BOOST_TEST(missing.status == 2, missing.output);
  BOOST_TEST(missing.output.find((dir / "nothing").string()) != std::string::npos, missing.output);
}

BOOST_AUTO_TEST_CASE(divergence_stops_training_and_keeps_the_last_good_checkpoint) {
  const fs::path dir = scratch("diverged");
  const std::string args = "train --model lq --set T=6 --algorithm spg --paths 2 --iterations 8 --eval-every 2 "
                           "--checkpoint-every 2 --out " + dir.string();
  const Run r = mfg(2, args + " --inject-nan-at 5");
  BOOST_TEST(r.status == 3, r.output);
  BOOST_TEST(r.output.find("diverged") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("not finite at iteration 5") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("last good checkpoint is kept") != std::string::npos, r.output);
  BOOST_TEST(!fs::exists(dir / "result.h5"));
  BOOST_TEST(!fs::exists(dir / "summary.json"));
  // The checkpoint is the one of iteration 4, and a resumed run finishes from it.
  const Run resumed = mfg(2, args + " --resume");
  BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  BOOST_TEST(resumed.output.find("at iteration 4") != std::string::npos, resumed.output);
  BOOST_TEST(std::isfinite(readJson(dir / "summary.json")["exploitability"].get<double>()));
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

BOOST_AUTO_TEST_CASE(bad_train_configs_and_checkpoints_exit_2_and_write_nothing) {
  const fs::path dir = scratch("bad_train");
  const fs::path out = dir / "out";
  fs::create_directories(dir);
  const struct { std::string toml; std::string must_mention; } configs[] = {
      {"[settings]\npaths = -4\n", "settings.paths = -4"},
      {"[settings]\npaths = 1e12\n", "settings.paths"},
      {"[settings]\npaths = 2.5\n", "an integer"},
      {"[settings]\nlearning_rate = 0\n", "(0, 10]"},
      {"[settings]\nlearning_rate = nan\n", "learning_rate = nan"},
      {"[settings]\ntime_limit = -1\n", "time_limit"},
      {"[settings]\neval_every = 0\n", "eval_every"},
      {"[settings]\nmomentum = 0.9\n", "settings.momentum"},
      {"[settings]\nseed = \"x\"\n", "settings.seed"},
      {"iterations = -1\n", "iterations"},
      {"model = \"lq\"\n[parameters]\nT = 0\n", "T"},
      {"model = \"lq\"\n[parameters]\ngamma = 1.5\n", "gamma"},
      {"[parameters\n", "not valid TOML"},
  };
  int k = 0;
  for (const auto& c : configs) {
    BOOST_TEST_CONTEXT(c.toml) {
      const fs::path cfg = dir / ("c" + std::to_string(k++) + ".toml");
      std::ofstream(cfg) << c.toml;
      const Run r = mfg(0, "train --model lq --config " + cfg.string() + " --out " + out.string());
      BOOST_TEST(r.status == 2, r.output);
      BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
      BOOST_TEST(!fs::exists(out));
    }
  }

  // Checkpoints: a truncated one, one that is not a checkpoint at all, another model's.
  const fs::path good = dir / "good";
  const Run trained = mfg(0, "train --model lq --set T=4 --paths 2 --iterations 1 --out " + good.string());
  BOOST_REQUIRE_MESSAGE(trained.status == 0, trained.output);
  const auto size = fs::file_size(good / "checkpoint.pt");
  fs::create_directories(dir / "truncated");
  fs::copy_file(good / "checkpoint.pt", dir / "truncated" / "checkpoint.pt");
  fs::resize_file(dir / "truncated" / "checkpoint.pt", size / 2);
  fs::create_directories(dir / "text");
  std::ofstream(dir / "text" / "checkpoint.pt") << "not a checkpoint\n";
  for (const char* name : {"truncated", "text"}) {
    BOOST_TEST_CONTEXT(name) {
      const fs::path ckpt = dir / name / "checkpoint.pt";
      const Run resume = mfg(0, "train --model lq --set T=4 --paths 2 --iterations 2 --resume --out " +
                                    (dir / name).string());
      BOOST_TEST(resume.status == 2, resume.output);
      BOOST_TEST(resume.output.find("checkpoint") != std::string::npos, resume.output);
      BOOST_TEST(!fs::exists(dir / name / "result.h5"));
      const Run cert = mfg(0, "certify --model lq --set T=4 --policy " + ckpt.string() + " --paths 2 --out " +
                                  (dir / name / "cert").string());
      BOOST_TEST(cert.status == 2, cert.output);
      BOOST_TEST(!fs::exists(dir / name / "cert.json"));
    }
  }
  const Run other = mfg(0, "certify --model beach_bar --policy " + (good / "checkpoint.pt").string() +
                               " --paths 2 --out " + (dir / "other").string());
  BOOST_TEST(other.status == 2, other.output);
  BOOST_TEST(other.output.find("belongs to another run") != std::string::npos, other.output);
}

BOOST_AUTO_TEST_CASE(a_rank_that_dies_ends_the_whole_job_within_seconds) {
  // kill -9 one rank of a 3-rank training run: mpirun must end every rank and exit non-zero soon,
  // not leave the others waiting in the next allreduce.
  const fs::path dir = scratch("rank_failure");
  const std::string log = (dir.parent_path() / "rank_failure.log").string();
  const std::string cmd = std::string(MFG_MPIEXEC) + " -n 3 --oversubscribe --allow-run-as-root " + MFG_BINARY +
                          " train --model lq --iterations 100000 --eval-every 1000000 --out " + dir.string();
  const pid_t launcher = mfgtest::spawn(cmd, log);
  // The ranks: mfg processes whose parent is mpirun; wait until all three run and training began.
  const auto ranks = [&] {
    std::vector<pid_t> pids;
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string name = e.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(e.path() / "stat");
      std::string pid, comm, state;
      long ppid = 0;
      if (stat >> pid >> comm >> state >> ppid && ppid == launcher && comm == "(mfg)") pids.push_back(std::stoi(pid));
    }
    return pids;
  };
  std::vector<pid_t> pids;
  for (int i = 0; i < 300 && (pids.size() < 3 || !fs::exists(dir)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pids = ranks();
  }
  BOOST_REQUIRE_EQUAL(pids.size(), 3u);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // well inside the iterations
  BOOST_REQUIRE(::kill(pids.back(), SIGKILL) == 0);
  const auto killed = std::chrono::steady_clock::now();
  int raw = 0;
  pid_t done = 0;
  while ((done = ::waitpid(launcher, &raw, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() - killed < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  if (done == 0) {
    ::kill(launcher, SIGKILL);
    ::waitpid(launcher, &raw, 0);
  }
  BOOST_REQUIRE_MESSAGE(done == launcher, "mpirun still running 30 s after a rank died");
  BOOST_TEST_MESSAGE("job ended " << seconds << " s after the rank died");
  BOOST_TEST(seconds < 10.0);
  BOOST_TEST(!(WIFEXITED(raw) && WEXITSTATUS(raw) == 0));
  // No rank is left running (a zombie waiting for its parent to reap it has ended).
  const auto running = [](pid_t p) {
    std::ifstream stat("/proc/" + std::to_string(p) + "/stat");
    std::string pid, comm, state;
    return static_cast<bool>(stat >> pid >> comm >> state) && state != "Z" && state != "X";
  };
  // mpirun may return while a survivor still winds down (it handles mpirun's SIGTERM and ends at
  // its StopRequest deadline), so the ranks get until 10 s after the kill, the same bound as the job.
  const auto any_running = [&] { return std::any_of(pids.begin(), pids.end(), running); };
  while (any_running() && std::chrono::steady_clock::now() - killed < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (pid_t p : pids) BOOST_TEST(!running(p), "rank " << p << " still running 10 s after the kill");
}

BOOST_AUTO_TEST_CASE(solve_stopped_by_a_signal_resumes_to_the_uninterrupted_result) {
  const fs::path dir = scratch("solve_signal");
  const std::string common = "solve --model beach_bar --algorithm omd --learning-rate 0.5 --checkpoint-every 3 ";
  // A long run, signalled once its first checkpoint exists: exit 75 with a checkpoint.
  const std::string cmd = std::string(MFG_MPIEXEC) + " -n 2 --oversubscribe --allow-run-as-root " + MFG_BINARY + " " +
                          common + "--iterations 100000 --out " + (dir / "split").string();
  const pid_t launcher = mfgtest::spawn(cmd, dir.string() + ".log");
  for (int i = 0; i < 600 && !fs::exists(dir / "split" / "checkpoint.h5"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_REQUIRE(fs::exists(dir / "split" / "checkpoint.h5"));
  ::kill(launcher, SIGUSR1);  // mpirun forwards SIGUSR1 to the ranks
  int raw = 0;
  ::waitpid(launcher, &raw, 0);
  std::ifstream logfile(dir.string() + ".log");
  const std::string log((std::istreambuf_iterator<char>(logfile)), std::istreambuf_iterator<char>());
  BOOST_TEST((WIFEXITED(raw) && WEXITSTATUS(raw) == 75), log);
  BOOST_TEST(log.find("stopped by a signal") != std::string::npos, log);
  BOOST_TEST(!fs::exists(dir / "split" / "result.h5"));

  const hid_t f = H5Fopen((dir / "split" / "checkpoint.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  const long stopped = intAttribute(f, "iteration");
  H5Fclose(f);
  BOOST_TEST(stopped >= 3);
  const std::string iterations = "--iterations " + std::to_string(stopped + 4);
  const Run resumed = mfg(2, common + iterations + " --resume --out " + (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  BOOST_TEST(resumed.output.find("resumed from") != std::string::npos, resumed.output);
  const Run whole = mfg(2, common + iterations + " --out " + (dir / "whole").string());
  BOOST_REQUIRE_MESSAGE(whole.status == 0, whole.output);
  for (const char* name : {"/policy", "/mean_field", "/history/exploitability"}) {
    const auto a = readAll(dir / "whole" / "result.h5", name), b = readAll(dir / "split" / "result.h5", name);
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0, name << " differs");  // bit for bit
  }
  // Another rank count resumes the same checkpoint to the same result (sums in another order).
  const Run third = mfg(3, common + "--iterations " + std::to_string(stopped + 8) + " --resume --out " +
                               (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(third.status == 0, third.output);
  const Run whole8 = mfg(1, common + "--iterations " + std::to_string(stopped + 8) + " --out " + (dir / "whole8").string());
  BOOST_REQUIRE_MESSAGE(whole8.status == 0, whole8.output);
  const auto a = readAll(dir / "whole8" / "result.h5", "/history/exploitability");
  const auto b = readAll(dir / "split" / "result.h5", "/history/exploitability");
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) BOOST_TEST(std::abs(a[k] - b[k]) <= 1e-12 * std::max(1.0, std::abs(a[k])));
  // A checkpoint of another run is refused before any work.
  const Run other = mfg(0, "solve --model beach_bar --algorithm fp --iterations 20 --resume --out " +
                               (dir / "split").string());
  BOOST_TEST(other.status == 2, other.output);
  BOOST_TEST(other.output.find("belongs to another run") != std::string::npos, other.output);
}
