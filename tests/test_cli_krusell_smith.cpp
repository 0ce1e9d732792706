// krusell_smith through the command line: a tiny `mfg train`, then `mfg report-alm` (the
// law_of_motion keys, alm.h5, the plots, identical statistics on 1 and 2 ranks), `mfg certify` of
// the checkpoint, `report-alm --help`, and bad inputs (exit 2, a message naming the problem).
#define BOOST_TEST_MODULE cli_krusell_smith
#include <hdf5.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/CliHelpers.hpp"
#include "tests/ProcessHelpers.hpp"

using namespace clitest;

namespace {

const std::string kModel = "--model krusell_smith --set T=12 --set capital_points=16 --set action_points=6 ";

/// One trained run shared by the cases (a few seconds).
const fs::path& trainedRun() {
  static const fs::path dir = [] {
    const fs::path d = scratch("ks_train");
    const Run r = mfg(2, "train " + kModel + "--algorithm spg --state-encoding value --iterations 2 --paths 2 " +
                             "--eval-every 2 --no-plots --out " + d.string());
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    return d;
  }();
  return dir;
}

/// A copy of the trained run, so that each report writes into its own folder.
fs::path copyOfRun(const std::string& name) {
  const fs::path to = scratch(name);
  fs::remove_all(to);
  fs::create_directories(to);
  for (const char* f : {"summary.json", "checkpoint.pt"}) fs::copy_file(trainedRun() / f, to / f);
  return to;
}

}  // namespace

BOOST_AUTO_TEST_CASE(report_alm_writes_the_law_of_motion) {
  const fs::path two = copyOfRun("ks_alm_2"), one = copyOfRun("ks_alm_1");
  const std::string args = " --quarters 400 --burn-in 50 --seed 3";
  const Run r2 = mfg(2, "report-alm " + two.string() + args);
  BOOST_REQUIRE_MESSAGE(r2.status == 0, r2.output);
  const Run r1 = mfg(1, "report-alm " + one.string() + args + " --no-plots");
  BOOST_REQUIRE_MESSAGE(r1.status == 0, r1.output);

  const auto s2 = readJson(two / "summary.json"), s1 = readJson(one / "summary.json");
  BOOST_REQUIRE(s2.contains("law_of_motion"));
  const auto& law = s2["law_of_motion"];
  std::set<std::string> keys;
  for (const auto& [k, v] : law.items()) keys.insert(k);
  BOOST_TEST((keys == std::set<std::string>{"bad", "good", "den_haan_max_pct", "den_haan_mean_pct", "mean_K", "sd_K"}));
  for (const char* regime : {"bad", "good"}) {
    std::set<std::string> fit;
    for (const auto& [k, v] : law[regime].items()) fit.insert(k);
    BOOST_TEST((fit == std::set<std::string>{"intercept", "slope", "r2"}), regime);
    BOOST_TEST(law[regime]["r2"].get<double>() <= 1.0);
  }
  BOOST_TEST(law["mean_K"].get<double>() > 0.0);
  BOOST_TEST(law["den_haan_max_pct"].get<double>() >= law["den_haan_mean_pct"].get<double>());
  // The training summary is kept, with the report added.
  BOOST_TEST(s2["model"] == "krusell_smith");
  BOOST_TEST(s2.contains("exploitability"));

  // The same shocks and the same network give the same statistics on 1 and 2 ranks (the network
  // runs in float32 on different state splits: 1e-6).
  const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(a)); };
  for (const char* regime : {"bad", "good"})
    for (const char* k : {"intercept", "slope", "r2"})
      BOOST_TEST(close(law[regime][k].get<double>(), s1["law_of_motion"][regime][k].get<double>()), regime << " " << k);
  for (const char* k : {"den_haan_max_pct", "den_haan_mean_pct", "mean_K", "sd_K"})
    BOOST_TEST(close(law[k].get<double>(), s1["law_of_motion"][k].get<double>()), k);

  // alm.h5: the stored path (burn-in included) and the fitted one.
  const hid_t f = H5Fopen((two / "alm.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  BOOST_TEST(datasetShape(f, "/z") == std::vector<hsize_t>{451});
  BOOST_TEST(datasetShape(f, "/K") == std::vector<hsize_t>{451});
  BOOST_TEST(datasetShape(f, "/fitted_log_K") == std::vector<hsize_t>{401});
  BOOST_TEST((datasetShape(f, "/wealth/distribution") == std::vector<hsize_t>{3, 16}));
  H5Fclose(f);
  const auto z = readAll(two / "alm.h5", "/z");
  for (double v : z) BOOST_TEST((v == 0.99 || v == 1.01));
  const auto K = readAll(two / "alm.h5", "/K");
  double mean = 0.0;
  for (std::size_t t = 50; t < K.size(); ++t) mean += K[t] / 401.0;
  BOOST_TEST(std::abs(mean - law["mean_K"].get<double>()) < 1e-9 * mean);
  for (const char* fig : {"alm_capital.png", "alm_capital.pdf", "alm_wealth.png", "alm_wealth.pdf"})
    BOOST_TEST(fs::file_size(two / fig) > 1000u, fig);
  BOOST_TEST(!fs::exists(one / "alm_capital.png"));
}

BOOST_AUTO_TEST_CASE(certify_a_trained_network) {
  const fs::path cert = scratch("ks_cert") / "cert";
  const Run r = mfg(2, "certify " + kModel + "--policy " + (trainedRun() / "checkpoint.pt").string() +
                           " --paths 5 --tree sampled --no-plots --out " + cert.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto j = readJson(cert.string() + ".json");
  const double clair = j["bounds"]["clairvoyant"]["value"].get<double>();
  const double tree = j["bounds"]["non_anticipative"]["value"].get<double>();
  BOOST_TEST(j["bounds"]["non_anticipative"]["exact"].get<bool>() == false);  // 2^13 leaves: sampled
  BOOST_TEST(std::isfinite(clair));
  BOOST_TEST(std::isfinite(tree));
  BOOST_TEST(clair >= -1e-9);
}

BOOST_AUTO_TEST_CASE(help_and_bad_inputs) {
  const Run help = mfg(0, "report-alm --help");
  BOOST_TEST(help.status == 0);
  for (const char* flag : {"--quarters", "--burn-in", "--seed", "DIR"})
    BOOST_TEST(help.output.find(flag) != std::string::npos, flag);

  const auto fails = [](const std::string& args, const std::string& says) {
    const Run r = mfg(0, "report-alm " + args);
    BOOST_TEST(r.status == 2, args << ": " << r.output);
    BOOST_TEST(r.output.find(says) != std::string::npos, args << ": " << r.output);
  };
  const fs::path run = copyOfRun("ks_bad");
  fails(scratch("no_such_dir").string(), "is not a directory");
  fails(run.string() + " --quarters 5", "--quarters");
  fails(run.string() + " --burn-in -1", "--burn-in");
  fails("", "DIR");
  // Another model's run.
  const fs::path lq = scratch("ks_lq_run");
  fs::create_directories(lq);
  std::ofstream(lq / "summary.json") << R"({"model": "lq", "parameters": {}})";
  fails(lq.string(), "'lq'");
  // No checkpoint.
  const fs::path bare = copyOfRun("ks_bare");
  fs::remove(bare / "checkpoint.pt");
  fails(bare.string(), "checkpoint.pt");
  // Damaged summary.
  const fs::path broken = copyOfRun("ks_broken");
  std::ofstream(broken / "summary.json") << "{ not json";
  fails(broken.string(), "summary.json");
  // Nothing was written by the failures.
  BOOST_TEST(!fs::exists(run / "alm.h5"));
  BOOST_TEST(!readJson(run / "summary.json").contains("law_of_motion"));
}
