#include "io/plot/LawOfMotionPlots.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/core.h>
#include <stdexcept>

#include "io/plot/Charts.hpp"

namespace mfg::io::plot {

namespace {

constexpr PageSize kLinePage{1000, 560};

}  // namespace

std::vector<std::string> plotLawOfMotion(const std::string& dir, const LawOfMotionFigureData& data,
                                         const Formats& formats) {
  if (data.K.size() != data.quarters.size() || data.K_fitted.size() != data.quarters.size())
    throw std::invalid_argument("law-of-motion plot: K, fitted K and quarters differ in length");
  const auto out = std::filesystem::path(dir);
  std::vector<std::string> written;

  LineChart k;
  k.title = fmt::format("{}: aggregate capital along the simulated shock path", data.model);
  k.x_label = "quarter";
  k.y_label = "K";
  // Good quarters as points on a strip under the curves, so that the regimes can be read off.
  double lo = *std::min_element(data.K.begin(), data.K.end());
  lo = std::min(lo, *std::min_element(data.K_fitted.begin(), data.K_fitted.end()));
  std::vector<double> strip(data.quarters.size());
  for (std::size_t t = 0; t < strip.size(); ++t)
    strip[t] = t < data.good.size() && data.good[t] > 0.5 ? 0.995 * lo : std::nan("");
  k.series.push_back({data.quarters, data.K, "simulated K", kBlue, false, false});
  k.series.push_back({data.quarters, data.K_fitted, "fitted law of motion (Den Haan: same shocks, no feedback)",
                      kOrange, false, true});
  k.series.push_back({data.quarters, strip, "good times", kGreen, false, false});
  const auto k_files = render((out / "alm_capital").string(), formats, kLinePage, [&] { draw(k); });
  written.insert(written.end(), k_files.begin(), k_files.end());

  // The cumulative distribution is independent of the grid's uneven spacing; the axis stops where
  // every date has all but 1e-4 of its mass.
  LineChart w;
  w.title = fmt::format("{}: wealth distribution", data.model);
  w.x_label = "capital k";
  w.y_label = "share of agents with capital <= k";
  std::size_t last = 1;
  std::vector<std::vector<double>> cdfs;
  for (const auto& mass : data.wealth) {
    if (mass.size() != data.capital_grid.size()) throw std::invalid_argument("law-of-motion plot: wrong wealth size");
    std::vector<double> cdf(mass.size());
    double total = 0.0;
    for (std::size_t i = 0; i < mass.size(); ++i) cdf[i] = total += mass[i];
    std::size_t i = 0;
    while (i + 1 < cdf.size() && cdf[i] < 1.0 - 1e-4) ++i;
    last = std::max(last, i + 1);
    cdfs.push_back(std::move(cdf));
  }
  const Colour colours[] = {kBlue, kOrange, kGreen, kPurple, kRed};
  for (std::size_t d = 0; d < cdfs.size(); ++d) {
    const auto end = static_cast<long>(std::min(last + 1, cdfs[d].size()));
    w.series.push_back({std::vector<double>(data.capital_grid.begin(), data.capital_grid.begin() + end),
                        std::vector<double>(cdfs[d].begin(), cdfs[d].begin() + end),
                        fmt::format("quarter {}", d < data.dates.size() ? data.dates[d] : 0), colours[d % 5], false,
                        d > 0});
  }
  const auto w_files = render((out / "alm_wealth").string(), formats, kLinePage, [&] { draw(w); });
  written.insert(written.end(), w_files.begin(), w_files.end());
  return written;
}

}  // namespace mfg::io::plot
