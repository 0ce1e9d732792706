// `mfg solve-alm` through the command line: the summary keys (law_of_motion exactly as report-alm
// writes it), alm.h5 (path, household policy, iterations), the plots, the same numbers on 1 and 2
// ranks, the same shock path as report-alm's for the same seed, `mfg certify` of the household
// policy, --help, and bad inputs (exit 2, a message naming the problem, nothing written).
#define BOOST_TEST_MODULE cli_solve_alm
#include <hdf5.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "solver/models/Registry.hpp"
#include "solver/noise/ScenarioTree.hpp"
#include "tests/CliHelpers.hpp"
#include "tests/ProcessHelpers.hpp"

using namespace clitest;

namespace {

const std::string kSmall = "--set capital_points=40 --quarters 400 --burn-in 100 --seed 3 ";

std::set<std::string> keysOf(const nlohmann::json& j) {
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  return keys;
}

/// One solved economy shared by the cases.
const fs::path& solvedAtTwoRanks() {
  static const fs::path dir = [] {
    const fs::path d = scratch("alm_2");
    const Run r = clitest::mfg(2, "solve-alm " + kSmall + "--out " + d.string());
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    return d;
  }();
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_CASE(solve_alm_writes_the_law_of_motion) {
  const fs::path two = solvedAtTwoRanks(), one = scratch("alm_1");
  const Run r1 = clitest::mfg(1, "solve-alm " + kSmall + "--no-plots --out " + one.string());
  BOOST_REQUIRE_MESSAGE(r1.status == 0, r1.output);
  const auto s2 = readJson(two / "summary.json"), s1 = readJson(one / "summary.json");
  const auto& law = s2["law_of_motion"];
  BOOST_TEST((keysOf(law) == std::set<std::string>{"bad", "good", "den_haan_max_pct", "den_haan_mean_pct", "mean_K",
                                                   "sd_K"}));
  for (const char* regime : {"bad", "good"}) {
    BOOST_TEST((keysOf(law[regime]) == std::set<std::string>{"intercept", "slope", "r2"}), regime);
    BOOST_TEST(law[regime]["r2"].get<double>() <= 1.0);
    BOOST_TEST(law[regime]["r2"].get<double>() > 0.999);
    // Converged: the households' law is the one their policy produces.
    BOOST_TEST(std::abs(law[regime]["slope"].get<double>() - s2["perceived_law"][regime]["slope"].get<double>()) <
               1e-6);
  }
  BOOST_TEST(s2["converged"].get<bool>());
  BOOST_TEST(s2["outer_iterations"].get<int>() >= 2);
  BOOST_TEST(s2["ranks"].get<int>() == 2);
  BOOST_TEST(s1["ranks"].get<int>() == 1);
  BOOST_TEST(s2["wall_seconds"].get<double>() > 0.0);
  BOOST_TEST(s2["simulation"]["max_mass_error"].get<double>() < 1e-12);
  BOOST_TEST(s2["simulation"]["max_unemployment_error"].get<double>() < 1e-12);
  // 1 and 2 ranks: the same statistics (the mass pushed by each rank is only added in another order).
  const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(a)); };
  for (const char* regime : {"bad", "good"})
    for (const char* k : {"intercept", "slope", "r2"})
      BOOST_TEST(close(law[regime][k].get<double>(), s1["law_of_motion"][regime][k].get<double>()), regime << " " << k);
  for (const char* k : {"mean_K", "sd_K"}) BOOST_TEST(close(law[k].get<double>(), s1["law_of_motion"][k].get<double>()), k);
  // Den Haan's errors are 100 |log K_t − log K̂_t| with log K ≈ 2.4: a difference of two numbers near
  // 240 (in percent), so 1e-12 relative to what is subtracted is about 2.4e-10 in the result.
  for (const char* k : {"den_haan_max_pct", "den_haan_mean_pct"})
    BOOST_TEST(std::abs(law[k].get<double>() - s1["law_of_motion"][k].get<double>()) < 1e-12 * 100.0 * 2.5, k);
  BOOST_TEST(s1["outer_iterations"] == s2["outer_iterations"]);

  const hid_t f = H5Fopen((two / "alm.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  BOOST_TEST(datasetShape(f, "/K") == std::vector<hsize_t>{501});
  BOOST_TEST(datasetShape(f, "/fitted_log_K") == std::vector<hsize_t>{401});
  BOOST_TEST((datasetShape(f, "/wealth/distribution") == std::vector<hsize_t>{3, 40}));
  BOOST_TEST((datasetShape(f, "/household/capital_next") == std::vector<hsize_t>{2, 6, 40, 2}));
  H5Fclose(f);
  // mean_K over the reported window, from the stored path.
  const auto K = readAll(two / "alm.h5", "/K");
  double mean = 0.0;
  for (std::size_t t = 100; t < K.size(); ++t) mean += K[t] / 401.0;
  BOOST_TEST(std::abs(mean - law["mean_K"].get<double>()) < 1e-9 * mean);
  // The shock path is the one report-alm draws for seed 3: the model's noise process sampled once
  // with that seed (z_t is the first entry of the pair (z_t, z_{t+1})); both regimes occur.
  const auto z = readAll(two / "alm.h5", "/z");
  const auto model = ::mfg::makeModel("krusell_smith", {{"capital_points", {40}}});
  const auto noise = ::mfg::ScenarioTree::sampleHistories(*model->noise(), 500, 1, 3).front();
  BOOST_REQUIRE_EQUAL(z.size(), noise.size());
  for (std::size_t t = 0; t < z.size(); ++t) BOOST_TEST(z[t] == noise[t][0]);
  std::set<double> seen(z.begin(), z.end());
  BOOST_TEST((seen == std::set<double>{0.99, 1.01}));
  for (const char* fig : {"alm_capital.png", "alm_capital.pdf", "alm_wealth.png", "alm_wealth.pdf"})
    BOOST_TEST(fs::file_size(two / fig) > 1000u, fig);
  BOOST_TEST(!fs::exists(one / "alm_capital.png"));
  BOOST_TEST(noPartialFiles(two));
}

BOOST_AUTO_TEST_CASE(certify_the_household_policy) {
  const fs::path cert = scratch("alm_cert") / "cert";
  const Run r = clitest::mfg(2, "certify --model krusell_smith --set T=8 --set capital_points=40 --set action_points=10 "
                       "--policy " + (solvedAtTwoRanks() / "alm.h5").string() +
                       " --paths 5 --tree sampled --no-plots --out " + cert.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto j = readJson(cert.string() + ".json");
  const double clair = j["bounds"]["clairvoyant"]["value"].get<double>();
  BOOST_TEST(std::isfinite(clair));
  BOOST_TEST(clair >= -1e-9);
  BOOST_TEST(std::isfinite(j["bounds"]["non_anticipative"]["value"].get<double>()));
  BOOST_TEST(j["policy"]["sha256"].get<std::string>() == sha256sum(solvedAtTwoRanks() / "alm.h5"));
  // Another capital grid or another economy is refused.
  const Run grid = clitest::mfg(0, "certify --model krusell_smith --set T=8 --set capital_points=30 --policy " +
                              (solvedAtTwoRanks() / "alm.h5").string() + " --paths 5 --out " +
                              (scratch("alm_cert_bad") / "c").string());
  BOOST_TEST(grid.status == 2, grid.output);
  BOOST_TEST(grid.output.find("capital grid") != std::string::npos, grid.output);
  const Run beta = clitest::mfg(0, "certify --model krusell_smith --set T=8 --set capital_points=40 --set beta=0.98 --policy " +
                              (solvedAtTwoRanks() / "alm.h5").string() + " --paths 5 --out " +
                              (scratch("alm_cert_bad") / "c").string());
  BOOST_TEST(beta.status == 2, beta.output);
  BOOST_TEST(beta.output.find("beta") != std::string::npos, beta.output);
  BOOST_TEST(!fs::exists(scratch("alm_cert_bad") / "c.json"));
}

BOOST_AUTO_TEST_CASE(help_and_bad_inputs) {
  const Run help = clitest::mfg(0, "solve-alm --help");
  BOOST_TEST(help.status == 0);
  for (const char* flag : {"--iterations", "--tolerance", "--damping", "--seed", "--quarters", "--burn-in", "--out",
                           "--set", "--aggregate-points"})
    BOOST_TEST(help.output.find(flag) != std::string::npos, flag);
  const fs::path out = scratch("alm_bad");
  const auto fails = [&out](const std::string& args, const std::string& says) {
    const Run r = clitest::mfg(0, "solve-alm " + args + " --out " + out.string());
    BOOST_TEST(r.status == 2, args << ": " << r.output);
    BOOST_TEST(r.output.find(says) != std::string::npos, args << ": " << r.output);
  };
  fails("--model lq", "krusell_smith");
  fails("--damping 0", "--damping");
  fails("--damping 1.5", "--damping");
  fails("--tolerance -1", "--tolerance");
  fails("--iterations 0", "--iterations");
  fails("--quarters 5", "--quarters");
  fails("--burn-in -2", "--burn-in");
  fails("--aggregate-points 1", "--aggregate-points");
  fails("--set no_such_key=1", "no_such_key");
  fails("--set beta=2", "beta");
  BOOST_TEST(!fs::exists(out));
}
