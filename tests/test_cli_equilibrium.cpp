// `mfg equilibrium` end to end: help, a small aiyagari economy at 1 and 2 ranks (status 0, the
// summary's keys, the result file's layout, the same equilibrium on both), the default economy
// against Aiyagari's published rate and savings rate, and bad input
// rejected with status 2, a message naming the key, value and range, and nothing written.
#define BOOST_TEST_MODULE cli_equilibrium
#include <hdf5.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/CliHelpers.hpp"
#include "tests/ImageChecks.hpp"
#include "tests/ProcessHelpers.hpp"

using namespace clitest;

namespace {
const std::string kSmall = "--set asset_points=60 --set asset_max=30 ";
}  // namespace

BOOST_AUTO_TEST_CASE(help_names_the_flags) {
  const Run help = mfg(0, "equilibrium --help");
  BOOST_REQUIRE_MESSAGE(help.status == 0, help.output);
  for (const char* flag : {"--model", "--set", "--tolerance", "--out"})
    BOOST_TEST(help.output.find(flag) != std::string::npos, flag);
  const Run models = mfg(0, "models");
  BOOST_REQUIRE(models.status == 0);
  BOOST_TEST(models.output.find("aiyagari") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(small_aiyagari_economy_at_1_and_2_ranks) {
  double rate_np1 = 0;
  for (int np : {1, 2}) {
    BOOST_TEST_CONTEXT("ranks " << np) {
      const fs::path out = scratch("aiyagari_np" + std::to_string(np));
      const Run run = mfg(np, "equilibrium --model aiyagari " + kSmall + "--tolerance 1e-7 --out " + out.string());
      BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
      BOOST_TEST(run.output.find("supply") != std::string::npos);  // the progress table
      BOOST_TEST(noPartialFiles(out));
      const auto summary = readJson(out / "summary.json");
      for (const char* key : {"interest_rate", "wage", "capital", "savings_rate", "exploitability", "top_cell_mass",
                              "iterations", "wall_seconds", "ranks"})
        BOOST_TEST(summary.contains(key), key);
      BOOST_TEST(summary["choice"].get<std::string>() == "lottery");
      BOOST_TEST(summary["ranks"].get<int>() == np);
      const double r = summary["interest_rate"].get<double>();
      BOOST_TEST(r > -0.08);
      BOOST_TEST(r < 1 / 0.96 - 1);
      // s = αδ/(r + δ), the firms' side; δK/Y with Y = K^α L^(1−α) from the supply K (the two agree
      // only when supply meets demand exactly; on a 60-point grid the supply jumps across it).
      BOOST_TEST(std::abs(summary["savings_rate"].get<double>() - 0.36 * 0.08 / (r + 0.08)) < 1e-12);
      const double K = summary["capital"].get<double>(), L = summary["labour"].get<double>();
      const double Y = std::pow(K, 0.36) * std::pow(L, 0.64);
      BOOST_TEST(std::abs(summary["output"].get<double>() - Y) < 1e-12 * Y);
      BOOST_TEST(std::abs(summary["savings_rate_from_supply"].get<double>() - 0.08 * K / Y) < 1e-12);
      BOOST_TEST(std::abs(summary["capital_demand"].get<double>() -
                          std::pow(0.36 / (r + 0.08), 1 / 0.64) * L) < 1e-10);
      if (np == 1) rate_np1 = r;
      else BOOST_TEST(std::abs(r - rate_np1) < 1e-10);

      const hid_t f = H5Fopen((out / "result.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
      BOOST_REQUIRE(f >= 0);
      for (const char* name : {"/policy", "/stationary_distribution", "/value"})
        BOOST_TEST((datasetShape(f, name) == std::vector<hsize_t>{60, 7}), name);
      BOOST_TEST((datasetShape(f, "/grids/assets") == std::vector<hsize_t>{60}));
      BOOST_TEST(stringAttribute(f, "model") == "aiyagari");
      H5Fclose(f);
      const auto mu = readAll(out / "result.h5", "/stationary_distribution");
      double total = 0;
      for (double x : mu) total += x;
      BOOST_TEST(std::abs(total - 1.0) < 1e-12);
      // The plots drawn after the run: three figures, PNG and PDF each, 900 × 560.
      for (const char* figure : {"wealth_distribution", "savings_policy", "price_search"}) {
        mfgtest::requirePng(out / (std::string(figure) + ".png"), 900, 560);
        mfgtest::requirePdf(out / (std::string(figure) + ".pdf"), 1, 900, 560);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(no_plots_skips_the_figures_and_plot_redraws_them) {
  const fs::path out = scratch("aiyagari_noplots");
  const Run run = mfg(0, "equilibrium --model aiyagari " + kSmall + "--no-plots --out " + out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  BOOST_TEST(!fs::exists(out / "savings_policy.png"));
  const Run plot = mfg(0, "plot " + out.string() + " --format svg");
  BOOST_REQUIRE_MESSAGE(plot.status == 0, plot.output);
  for (const char* figure : {"wealth_distribution", "savings_policy", "price_search"})
    mfgtest::requireSvg(out / (std::string(figure) + ".svg"));
}

BOOST_AUTO_TEST_CASE(default_economy_is_near_aiyagari_table_ii) {
  // Aiyagari (1994) Table II, sigma 0.2, rho 0.6, crra 3: r* = 3.8767 %, s = 24.25 %; converged
  // solvers differ from it by up to about 0.07 points in r (spec), so about 0.15 in s (ds/dr ≈ −2).
  const fs::path out = scratch("aiyagari_default");
  const Run run = mfg(2, "equilibrium --model aiyagari --out " + out.string());
  BOOST_REQUIRE_MESSAGE(run.status == 0, run.output);
  const auto summary = readJson(out / "summary.json");
  BOOST_TEST(std::abs(summary["interest_rate"].get<double>() - 0.038767) < 0.0007);
  BOOST_TEST(std::abs(summary["savings_rate"].get<double>() - 0.2425) < 0.0015);
  BOOST_TEST(summary["top_cell_mass"].get<double>() < 1e-9);  // asset_max 60 is long enough
  BOOST_TEST(summary["exploitability"].get<double>() >= 0.0);
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2_naming_key_value_and_range) {
  struct Case {
    std::string args, expected;
  };
  for (const Case& c : {Case{"--set sigma=2", "'sigma' of model 'aiyagari' = 2 is out of range [0, 0.6]"},
                        Case{"--set asset_points=2.5", "asset_points"},
                        Case{"--set bogus=1", "unknown parameter 'bogus'"},
                        Case{"--tolerance 0", "tolerance = 0"},
                        Case{"--tolerance 0.5", "out of range (0, 0.1]"},
                        Case{"--model lq", "no stationary equilibrium"},
                        // Grid choice: 1.3e9 kernel rows with 51 entries each, about 930 GiB on one rank.
                        Case{"--set asset_points=5000 --set income_points=51 --set lottery=0",
                             "does not fit in memory"},
                        // Lottery choice: 1e9 states with 103 entries per row, about 2 TiB.
                        Case{"--set asset_points=20000000 --set income_points=51", "does not fit in memory"},
                        Case{"--set lottery=2", "'lottery'"}}) {
    BOOST_TEST_CONTEXT(c.args) {
      const fs::path out = scratch("bad");
      fs::remove_all(out);
      const std::string model = c.args.find("--model") == std::string::npos ? "--model aiyagari " : "";
      const Run run = mfg(0, "equilibrium " + model + c.args + " --out " + out.string());
      BOOST_TEST(run.status == 2, run.output);
      BOOST_TEST(run.output.find(c.expected) != std::string::npos, run.output);
      BOOST_TEST(!fs::exists(out));
    }
  }
}
