// `mfg plot` and the plots that solve, train and certify write: valid PNG (size, pixels), PDF
// (pages, page size) and SVG files with the expected content, and bad or missing data rejected
// with status 2 and a message naming the file and the problem, before any figure is written.
#define BOOST_TEST_MODULE plot
#include <hdf5.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "io/plot/Charts.hpp"
#include "io/plot/Figure.hpp"
#include "tests/CliHelpers.hpp"
#include "tests/ImageChecks.hpp"
#include "tests/ProcessHelpers.hpp"

namespace fs = std::filesystem;

namespace {

using mfgtest::Run;

/// `mfg` with or without mpirun (tests/CliHelpers.hpp); named so as not to clash with namespace mfg.
Run runMfg(int ranks, const std::string& args) { return clitest::mfg(ranks, args); }
using clitest::scratch;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t countFiles(const fs::path& dir, const std::string& extension) {
  std::size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) n += entry.path().extension() == extension;
  return n;
}

const std::string kSmallSolve = "solve --model classic/beach_bar --set T=6 --set n=30 --set bar=12 --algorithm fp "
                                "--iterations 12";

/// A solve result of classic/beach_bar in `dir` (plots included).
void solveInto(const fs::path& dir) {
  const Run r = runMfg(0, kSmallSolve + " --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
}

/// Replaces dataset `name` of an HDF5 file by `values` with shape `dims`.
void replaceDataset(const fs::path& file, const std::string& name, const std::vector<double>& values,
                    const std::vector<hsize_t>& dims) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  if (H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0) BOOST_REQUIRE(H5Ldelete(f, name.c_str(), H5P_DEFAULT) >= 0);
  if (!dims.empty()) {
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t d = H5Dcreate2(f, name.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    BOOST_REQUIRE(d >= 0);
    BOOST_REQUIRE(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
    H5Dclose(d);
    H5Sclose(space);
  }
  H5Fclose(f);
}

/// `mfg plot dir` must fail with status 2, name result.h5 and say `problem`, and draw nothing.
void expectRejected(const fs::path& dir, const std::string& problem) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".png" || entry.path().extension() == ".pdf") fs::remove(entry.path());
  const Run r = runMfg(0, "plot " + dir.string());
  BOOST_TEST(r.status == 2, r.output);
  BOOST_TEST(contains(r.output, (dir / "result.h5").string()), r.output);
  BOOST_TEST(contains(r.output, problem), "expected '" << problem << "' in: " << r.output);
  BOOST_TEST(countFiles(dir, ".png") == 0u, "nothing is drawn from bad data");
  BOOST_TEST(countFiles(dir, ".pdf") == 0u);
}

}  // namespace

BOOST_AUTO_TEST_CASE(solve_writes_its_plots_and_plot_writes_every_format) {
  const fs::path dir = scratch("solve");
  const Run r = runMfg(2, kSmallSolve + " --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  BOOST_TEST(contains(r.output, "plots: wrote"), r.output);
  BOOST_TEST(contains(r.output, dir.string()), r.output);
  // Exploitability against iterations, the flow, the policy at t = 0, 1, 3, 4, 6 (7 steps).
  const mfgtest::Png e = mfgtest::requirePng(dir / "exploitability.png", 900, 560);
  const auto blue = mfg::io::plot::rgbOf(mfg::io::plot::kBlue);
  BOOST_TEST(e.count(static_cast<unsigned char>(blue.r), static_cast<unsigned char>(blue.g),
                     static_cast<unsigned char>(blue.b)) > 20u);
  mfgtest::requirePdf(dir / "exploitability.pdf", 1, 900, 560);
  const mfgtest::Png m = mfgtest::requirePng(dir / "mean_field.png", 960, 600);
  const auto top = mfg::io::plot::kColourMapTop;
  BOOST_TEST(m.count(static_cast<unsigned char>(top.r), static_cast<unsigned char>(top.g),
                     static_cast<unsigned char>(top.b)) > 0u);
  mfgtest::requirePdf(dir / "mean_field.pdf", 1, 960, 600);
  for (int t : {0, 1, 3, 4, 6}) {
    mfgtest::requirePng(dir / ("policy_t" + std::to_string(t) + ".png"), 960, 600);
    mfgtest::requirePdf(dir / ("policy_t" + std::to_string(t) + ".pdf"), 1, 960, 600);
  }
  BOOST_TEST(countFiles(dir, ".svg") == 0u, "SVG only on request");

  const Run svg = runMfg(0, "plot " + dir.string() + " --format svg,png");
  BOOST_REQUIRE_MESSAGE(svg.status == 0, svg.output);
  for (const char* name : {"exploitability", "mean_field", "policy_t0", "policy_t6"})
    mfgtest::requireSvg(dir / (std::string(name) + ".svg"));
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(dir))
    BOOST_TEST(!contains(entry.path().filename().string(), ".partial"), entry.path());
}

BOOST_AUTO_TEST_CASE(no_plots_skips_them) {
  const fs::path dir = scratch("no_plots");
  const Run r = runMfg(0, kSmallSolve + " --no-plots --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  BOOST_TEST(fs::exists(dir / "result.h5"));
  BOOST_TEST(countFiles(dir, ".png") == 0u);
  BOOST_TEST(countFiles(dir, ".pdf") == 0u);
}

BOOST_AUTO_TEST_CASE(common_noise_flows_follow_two_scenario_paths) {
  // beach_bar: the middle bar, open and closed after t = 15.
  const fs::path dir = scratch("beach_bar");
  const Run r = runMfg(0, "solve --model beach_bar --set T=20 --algorithm omd --iterations 2 --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  for (int j : {0, 1}) {
    mfgtest::requirePng(dir / ("mean_field_path" + std::to_string(j) + ".png"), 960, 600);
    mfgtest::requirePdf(dir / ("mean_field_path" + std::to_string(j) + ".pdf"), 1, 960, 600);
  }
  mfgtest::requirePng(dir / "exploitability.png", 900, 560);
}

BOOST_AUTO_TEST_CASE(two_dimensional_states_get_maps) {
  const fs::path dir = scratch("crowd");
  const Run r = runMfg(0, "solve --model classic/crowd_motion --set length=8 --set width=6 --set T=3 --algorithm fp "
                       "--iterations 3 --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  mfgtest::requirePng(dir / "mean_field_maps.png", 1200, 440);
  mfgtest::requirePdf(dir / "mean_field_maps.pdf", 1, 1200, 440);
  mfgtest::requirePng(dir / "mean_field.png", 960, 600);
}

BOOST_AUTO_TEST_CASE(certify_writes_its_plots) {
  const fs::path base = scratch("cert") / "c";
  const Run r = runMfg(2, "certify --model classic/beach_bar --set T=4 --set n=20 --set bar=7 --paths 6 --out " +
                           base.string() + ".json");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  mfgtest::requirePng(base.string() + "_per_state.png", 900, 560);
  mfgtest::requirePdf(base.string() + "_per_state.pdf", 1, 900, 560);
  mfgtest::requirePng(base.string() + "_unit_values.png", 1200, 480);
  mfgtest::requirePdf(base.string() + "_unit_values.pdf", 1, 1200, 480);
  // `mfg plot` takes the certificate by its prefix, its JSON or its HDF5 file.
  fs::remove(base.string() + "_per_state.png");
  const Run again = runMfg(0, "plot " + base.string() + ".h5 --format png");
  BOOST_REQUIRE_MESSAGE(again.status == 0, again.output);
  mfgtest::requirePng(base.string() + "_per_state.png", 900, 560);

  const fs::path quiet = scratch("cert_quiet") / "c";
  const Run none = runMfg(0, "certify --model classic/beach_bar --set T=4 --set n=20 --set bar=7 --paths 6 --no-plots "
                          "--out " + quiet.string());
  BOOST_REQUIRE_MESSAGE(none.status == 0, none.output);
  BOOST_TEST(!fs::exists(quiet.string() + "_per_state.png"));
  // A certificate whose HDF5 file is gone.
  fs::remove(quiet.string() + ".h5");
  const Run missing = runMfg(0, "plot " + quiet.string() + ".json");
  BOOST_TEST(missing.status == 2, missing.output);
  BOOST_TEST(contains(missing.output, quiet.string()), missing.output);
}

BOOST_AUTO_TEST_CASE(bad_or_missing_data_exit_with_status_2) {
  const fs::path empty = scratch("empty");
  fs::create_directories(empty);
  const Run none = runMfg(0, "plot " + empty.string());
  BOOST_TEST(none.status == 2, none.output);
  BOOST_TEST(contains(none.output, (empty / "result.h5").string() + "' does not exist"), none.output);

  const Run nowhere = runMfg(0, "plot " + (empty / "no-such-thing").string());
  BOOST_TEST(nowhere.status == 2, nowhere.output);
  BOOST_TEST(contains(nowhere.output, "does not exist"), nowhere.output);

  const fs::path text = scratch("text");
  fs::create_directories(text);
  std::ofstream(text / "result.h5") << "not an HDF5 file\n";
  expectRejected(text, "is not an HDF5 file");

  const fs::path good = scratch("good");
  solveInto(good);
  const auto variant = [&](const std::string& name) {
    const fs::path dir = scratch(name);
    fs::create_directories(dir);
    fs::copy_file(good / "result.h5", dir / "result.h5", fs::copy_options::overwrite_existing);
    return dir;
  };
  const fs::path missing = variant("missing_dataset");
  replaceDataset(missing / "result.h5", "/history/exploitability", {}, {});
  expectRejected(missing, "missing dataset /history/exploitability");

  const fs::path shape = variant("wrong_shape");
  replaceDataset(shape / "result.h5", "/mean_field", {0.5, 0.25, 0.25}, {3});
  expectRejected(shape, "/mean_field has shape [3], expected [any, 30]");

  const fs::path lengths = variant("wrong_length");
  replaceDataset(lengths / "result.h5", "/history/wall_seconds", {0.0, 1.0}, {2});
  expectRejected(lengths, "/history/wall_seconds has shape [2], expected [13]");

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const fs::path nans = variant("nan_only");
  replaceDataset(nans / "result.h5", "/history/exploitability", std::vector<double>(13, nan), {13});
  expectRejected(nans, "/history/exploitability has no finite value");

  const Run format = runMfg(0, "plot " + good.string() + " --format png,jpeg");
  BOOST_TEST(format.status == 2, format.output);
  BOOST_TEST(contains(format.output, "'jpeg' is not a plot format"), format.output);
}

BOOST_AUTO_TEST_CASE(bad_training_results_exit_with_status_2) {
  const fs::path good = scratch("train");
  const Run r = runMfg(0, "train --model lq --set T=6 --algorithm spg --paths 2 --iterations 2 --eval-every 1 --out " +
                           good.string());
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  mfgtest::requirePng(good / "exploitability.png", 900, 560);
  mfgtest::requirePng(good / "mean_field_path0.png", 960, 600);
  const fs::path dir = scratch("train_bad");
  fs::create_directories(dir);
  fs::copy_file(good / "result.h5", dir / "result.h5");
  replaceDataset(dir / "result.h5", "/paths/policy", {}, {});
  expectRejected(dir, "missing dataset /paths/policy");
  replaceDataset(dir / "result.h5", "/history/exploitability_ci95_low", {1.0}, {1});
  expectRejected(dir, "/history/exploitability_ci95_low has shape [1]");
}

BOOST_AUTO_TEST_CASE(a_plotting_failure_keeps_the_results) {
  // A directory where a figure should go makes that figure's rename fail.
  const fs::path dir = scratch("blocked");
  fs::create_directories(dir / "exploitability.png");
  std::ofstream(dir / "exploitability.png" / "keep") << "x";
  const Run r = runMfg(0, kSmallSolve + " --out " + dir.string());
  BOOST_TEST(r.status == 0, r.output);
  BOOST_TEST(contains(r.output, "plotting them failed"), r.output);
  BOOST_TEST(contains(r.output, "exploitability.png"), r.output);
  BOOST_TEST(fs::is_regular_file(dir / "result.h5"));
  BOOST_TEST(fs::is_regular_file(dir / "summary.json"));
  for (const auto& entry : fs::directory_iterator(dir))
    BOOST_TEST(!contains(entry.path().filename().string(), ".partial"), entry.path());
}

BOOST_AUTO_TEST_CASE(figures_do_not_leak_state_into_each_other) {
  // The same figure drawn before and after a different one (other size, colour bar, formats) is
  // the same file: every figure starts from a fresh PLplot stream.
  namespace plot = ::mfg::io::plot;
  const fs::path dir = scratch("streams");
  fs::create_directories(dir);
  plot::LineChart line;
  line.title = "line";
  line.log_y = true;
  line.series.push_back({{0, 1, 2, 3}, {1e3, 2e2, 40, 9}, "decreasing", plot::kBlue, true});
  line.band = plot::Band{{0, 1, 2, 3}, {5e2, 1e2, 20, 4}, {2e3, 4e2, 80, 20}, "band", plot::kBandFill};
  plot::Heatmap heat;
  heat.title = "heat";
  heat.colour_label = "value";
  heat.rows = 3;
  heat.columns = 4;
  heat.values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const auto png = plot::Formats::parse("png");
  plot::render((dir / "first").string(), png, {640, 400}, [&] { plot::draw(line); });
  plot::render((dir / "other").string(), plot::Formats::parse("png,svg"), {800, 500}, [&] { plot::draw(heat); });
  plot::render((dir / "again").string(), png, {640, 400}, [&] { plot::draw(line); });
  mfgtest::requirePng(dir / "first.png", 640, 400);
  mfgtest::requirePng(dir / "other.png", 800, 500);
  mfgtest::requireSvg(dir / "other.svg");
  BOOST_TEST((mfgtest::readBytes(dir / "first.png") == mfgtest::readBytes(dir / "again.png")));

  // A chart without data fails, and leaves neither the file nor its temporary.
  plot::LineChart empty;
  empty.series.push_back({{0, 1}, {std::nan(""), std::nan("")}, "nothing", plot::kBlue, false});
  BOOST_CHECK_THROW(plot::render((dir / "empty").string(), png, {640, 400}, [&] { plot::draw(empty); }),
                    std::logic_error);
  BOOST_TEST(!fs::exists(dir / "empty.png"));
  for (const auto& entry : fs::directory_iterator(dir))
    BOOST_TEST(!contains(entry.path().filename().string(), ".partial"), entry.path());
  // And the next figure is still drawn normally.
  plot::render((dir / "after").string(), png, {640, 400}, [&] { plot::draw(line); });
  BOOST_TEST((mfgtest::readBytes(dir / "first.png") == mfgtest::readBytes(dir / "after.png")));
}
