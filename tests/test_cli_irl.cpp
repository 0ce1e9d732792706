// `mfg demonstrate` and `mfg irl` end to end through the binary: the demonstration file's layout and
// labels, the same file on any number of ranks, summaries with the stated keys, resume continuing
// the history, the same learned parameters on 1 and 2 ranks, and bad input stopped with exit 2.
#define BOOST_TEST_MODULE cli_irl
#include <boost/test/unit_test.hpp>
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
  }
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
       }) {
    const Run run = mfg(0, c.args);
    BOOST_TEST_CONTEXT(c.args) {
      BOOST_TEST(run.status == 2);
      BOOST_TEST(run.output.find(c.message) != std::string::npos, run.output);
    }
  }
}
