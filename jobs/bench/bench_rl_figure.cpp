// The RSPG paper's wall-clock figure from a folder of `mfg train` runs laid out as
// RESULTS/<model>/<algorithm>/seed<k>/result.h5 (jobs/bench/rl_baselines.sh writes it): per model,
// exploitability against training wall time for every algorithm (geometric mean over seeds and its
// 95% Student-t band, both on log10 of the values, as the axis is), a table of the values at fixed
// marks (arithmetic mean and 95% half-width), and the ratio of wall time each method needs to reach
// RSPG's mean exploitability at the mark ("not reached" when it never does).
//
//   bench_rl_figure RESULTS [--mark model=SECONDS ...] [--format png,pdf]
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io/plot/Charts.hpp"
#include "io/plot/ResultData.hpp"

namespace fs = std::filesystem;
using namespace mfg::io::plot;

namespace {

/// One run's evaluations: training wall seconds and the clairvoyant exploitability.
struct Curve {
  std::vector<double> seconds, value;
  /// The last evaluation at or before `t` (NaN before the first one).
  double at(double t) const {
    double v = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t k = 0; k < seconds.size() && seconds[k] <= t; ++k) v = value[k];
    return v;
  }
};

struct Summary {
  double mean = 0, half = 0;
  int n = 0;
};

/// Mean over the seeds that have a value and the half-width of its 95% Student-t interval; with
/// `logarithmic`, of log10 of the values (the figure's log axis: a band that stays positive).
Summary summarise(const std::vector<Curve>& runs, double t, bool logarithmic = false) {
  static const double kT975[] = {0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262};
  std::vector<double> v;
  for (const auto& c : runs)
    if (const double x = c.at(t); std::isfinite(x) && (!logarithmic || x > 0)) v.push_back(logarithmic ? std::log10(x) : x);
  Summary s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return {std::numeric_limits<double>::quiet_NaN(), 0, 0};
  for (double x : v) s.mean += x;
  s.mean /= s.n;
  if (s.n > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.half = (s.n - 1 < 10 ? kT975[s.n - 1] : 1.96) * std::sqrt(ss / (s.n - 1) / s.n);
  }
  return s;
}

const std::vector<std::pair<std::string, Colour>> kAlgorithms = {
    {"rspg", kBlue}, {"spg", kOrange}, {"ippo", kGreen}, {"rippo", kRed}, {"momd", kPurple}};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << "usage: bench_rl_figure RESULTS [--mark model=SECONDS ...] [--format png,pdf]\n"
                 "  RESULTS/<model>/<algorithm>/seed<k>/result.h5 -> RESULTS/<model>_comparison.{png,pdf},\n"
                 "  RESULTS/comparison.txt (values at the marks, wall-time ratios to RSPG's mark)\n";
    return argc < 2 ? 2 : 0;
  }
  const fs::path root = argv[1];
  std::map<std::string, double> marks;
  std::string formats = "png,pdf";
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--format") {
      formats = value;
    } else if (key == "--mark" && value.find('=') != std::string::npos) {
      marks[value.substr(0, value.find('='))] = std::stod(value.substr(value.find('=') + 1));
    } else {
      std::cerr << "bench_rl_figure: unknown option " << key << "\n";
      return 2;
    }
  }
  std::ofstream table(root / "comparison.txt");
  try {
    for (const auto& model_dir : fs::directory_iterator(root)) {
      if (!model_dir.is_directory()) continue;
      const std::string model = model_dir.path().filename().string();
      std::map<std::string, std::vector<Curve>> runs;
      double longest = 0;
      for (const auto& [algorithm, colour] : kAlgorithms) {
        const auto dir = model_dir.path() / algorithm;
        if (!fs::is_directory(dir)) continue;
        for (const auto& seed : fs::directory_iterator(dir)) {
          const auto file = seed.path() / "result.h5";
          if (!fs::exists(file)) continue;
          ResultFile result(file.string());
          Curve c;
          c.seconds = result.read("/history/wall_seconds").values;
          c.value = result.read("/history/exploitability").values;
          if (c.seconds.empty()) continue;
          longest = std::max(longest, c.seconds.back());
          runs[algorithm].push_back(std::move(c));
        }
      }
      if (runs.empty()) continue;
      const double mark = marks.count(model) ? marks[model] : longest;

      LineChart chart;
      chart.title = fmt::format("{}: exploitability vs training time (geometric mean of seeds, dashed: 95% band)", model);
      chart.x_label = "training wall time [s]";
      chart.y_label = "clairvoyant exploitability";
      chart.log_y = true;
      table << fmt::format("== {} (mark {:.1f} s)\n", model, mark);
      table << fmt::format("{:<7} {:>5} {:>12} {:>11} {:>12} {:>11}   {}\n", "method", "seeds", "at mark", "±95%",
                           "at end", "±95%", "time to RSPG's value at the mark (ratio)");
      const Summary rspg = runs.count("rspg") ? summarise(runs["rspg"], mark) : Summary{};
      for (const auto& [algorithm, colour] : kAlgorithms) {
        if (!runs.count(algorithm)) continue;
        const auto& curves = runs[algorithm];
        double end = std::numeric_limits<double>::infinity();
        for (const auto& c : curves) end = std::min(end, c.seconds.back());
        Series mean{{}, {}, algorithm, colour}, low{{}, {}, "", colour}, high{{}, {}, "", colour};
        low.dashed = high.dashed = true;
        const int points = 200;
        double reached = std::numeric_limits<double>::quiet_NaN();
        for (int k = 0; k <= points; ++k) {
          const double t = end * k / points;
          const auto s = summarise(curves, t);
          const auto g = summarise(curves, t, true);
          mean.x.push_back(t);
          mean.y.push_back(std::pow(10.0, g.mean));
          low.x.push_back(t);
          low.y.push_back(std::pow(10.0, g.mean - g.half));
          high.x.push_back(t);
          high.y.push_back(std::pow(10.0, g.mean + g.half));
          if (std::isnan(reached) && rspg.n > 0 && s.n == static_cast<int>(curves.size()) && s.mean <= rspg.mean)
            reached = t;
        }
        chart.series.push_back(std::move(mean));
        chart.series.push_back(std::move(low));
        chart.series.push_back(std::move(high));
        const auto at_mark = summarise(curves, mark), at_end = summarise(curves, end);
        const std::string ratio = rspg.n == 0            ? "no RSPG runs"
                                  : std::isnan(reached) ? fmt::format("not reached by {:.1f} s", end)
                                                        : fmt::format("{:.1f} s ({:.2f}x)", reached, reached / mark);
        table << fmt::format("{:<7} {:>5} {:>12.5g} {:>11.3g} {:>12.5g} {:>11.3g}   {}\n", algorithm, curves.size(),
                             at_mark.mean, at_mark.half, at_end.mean, at_end.half, ratio);
      }
      chart.markers.push_back({Marker::Direction::Vertical, mark, "mark", kGrey, true});
      for (const auto& f : render((root / (model + "_comparison")).string(), Formats::parse(formats), {1000, 620},
                                  [&] { draw(chart); }))
        std::cout << "wrote " << f << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_rl_figure: " << e.what() << "\n";
    return 2;
  }
  table.close();
  std::ifstream in(root / "comparison.txt");
  std::cout << in.rdbuf();
  return 0;
}
