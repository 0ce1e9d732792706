// Plots of `mfg equilibrium`'s result.h5 (layout in docs/methods.md §9.7): where the wealth sits,
// what households do with it, and how the price search closed the market.
//
//   DIR/wealth_distribution  the cumulative stationary distribution of the holding, for the
//                            whole population and for the lowest, middle and highest
//                            exogenous state
//   DIR/savings_policy       net saving a' − a against the holding a, per exogenous state (the
//                            next holding itself is too close to a' = a to read)
//   DIR/price_search         supply and demand at every price tried, with the equilibrium
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/core.h>

#include "io/plot/Charts.hpp"
#include "io/plot/ResultData.hpp"
#include "io/plot/ResultPlots.hpp"

namespace mfg::io::plot {

namespace {

constexpr PageSize kLinePage{900, 560};

/// The first index where a cumulative distribution reaches 1 − 1e-5 (the plots stop there).
std::size_t coveredUpTo(const std::vector<double>& cdf) {
  std::size_t i = 0;
  while (i + 1 < cdf.size() && cdf[i] < 1.0 - 1e-5) ++i;
  return i;
}

}  // namespace

std::vector<std::string> plotEquilibriumResult(const std::string& dir, const Formats& formats) {
  const auto out = std::filesystem::path(dir);
  const ResultFile file((out / "result.h5").string());
  const Array mu = file.readShaped("/stationary_distribution", {0, 0});
  const std::size_t holdings = mu.dims[0], exo = mu.dims[1];
  const Array policy = file.readShaped("/policy", {holdings, exo});
  const Array grid = file.readShaped("/grids/assets", {holdings});
  file.requireFinite("/stationary_distribution", mu.values, false);
  const std::string model = file.stringAttribute("/", "model").value_or("model");
  const std::string choice = file.stringAttribute("/", "choice").value_or("grid");
  const std::string price_name = "interest_rate";
  const auto price = file.numberAttribute("/prices", price_name);
  std::vector<std::string> written;

  // Cumulative distributions: all, and conditional on the lowest, middle and highest state.
  LineChart w;
  w.title = fmt::format("{}: stationary distribution of assets", model);
  w.x_label = "assets";
  w.y_label = "share with assets <= a";
  std::vector<std::pair<std::string, std::vector<double>>> cdfs;
  {
    std::vector<double> all(holdings);
    double total = 0;
    for (std::size_t i = 0; i < holdings; ++i) {
      for (std::size_t j = 0; j < exo; ++j) total += mu.values[i * exo + j];
      all[i] = total;
    }
    cdfs.push_back({"all households", all});
    std::vector<std::size_t> picks{0};
    if (exo > 2) picks.push_back(exo / 2);
    if (exo > 1) picks.push_back(exo - 1);
    for (std::size_t j : picks) {
      std::vector<double> c(holdings);
      double mass = 0, run = 0;
      for (std::size_t i = 0; i < holdings; ++i) mass += mu.values[i * exo + j];
      for (std::size_t i = 0; i < holdings; ++i) c[i] = mass > 0 ? (run += mu.values[i * exo + j]) / mass : std::nan("");
      cdfs.push_back({fmt::format("income state {} of {}", j + 1, exo), c});
    }
  }
  std::size_t last = 1;
  for (const auto& [label, c] : cdfs) last = std::max(last, coveredUpTo(c) + 1);
  last = std::min(last + 1, holdings);
  const std::vector<double> x(grid.values.begin(), grid.values.begin() + static_cast<long>(last));
  const Colour colours[] = {kBlue, kRed, kGreen, kOrange};
  for (std::size_t k = 0; k < cdfs.size(); ++k)
    w.series.push_back({x, std::vector<double>(cdfs[k].second.begin(), cdfs[k].second.begin() + static_cast<long>(last)),
                        cdfs[k].first, colours[k % 4], false, k > 0});
  auto files = render((out / "wealth_distribution").string(), formats, kLinePage, [&] { draw(w); });
  written.insert(written.end(), files.begin(), files.end());

  // Savings policy: a' against a, per exogenous state, over the assets where the mass lives.
  LineChart p;
  p.title = fmt::format("{}: savings policy ({})", model, choice == "lottery" ? "continuous next assets" : "next grid point");
  p.x_label = "assets a";
  p.y_label = "net saving a' - a";
  for (std::size_t j = 0; j < exo; ++j) {
    std::vector<double> next(last);
    for (std::size_t i = 0; i < last; ++i) {
      const double v = policy.values[i * exo + j];
      // The grid form stores the index of the chosen grid point.
      next[i] = (choice == "lottery" ? v : grid.values[std::min(holdings - 1, static_cast<std::size_t>(std::max(0.0, v)))]) -
                x[i];
    }
    // Six colours, then the same dashed; only the first and last state are named past twelve.
    const Colour palette[] = {kRed, kOrange, kGreen, kBlue, kPurple, kGrey};
    p.series.push_back({x, next, exo <= 12 || j == 0 || j + 1 == exo ? fmt::format("income state {}", j + 1) : "",
                        palette[j % 6], false, (j / 6) % 2 == 1});
  }
  p.markers.push_back({Marker::Direction::Horizontal, 0.0, "", kGrey, true});
  files = render((out / "savings_policy").string(), formats, kLinePage, [&] { draw(p); });
  written.insert(written.end(), files.begin(), files.end());

  // Price search: supply and demand at each price tried.
  if (file.has("/history/supply")) {
    const Array r = file.read("/history/" + price_name);
    const Array supply = file.readShaped("/history/supply", {r.values.size()});
    const Array demand = file.readShaped("/history/demand", {r.values.size()});
    std::vector<std::size_t> order(r.values.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return r.values[a] < r.values[b]; });
    std::vector<double> rs, ss, ds;
    for (std::size_t k : order) {
      rs.push_back(100 * r.values[k]);
      ss.push_back(supply.values[k]);
      ds.push_back(demand.values[k]);
    }
    LineChart m;
    m.title = fmt::format("{}: capital market at the prices tried", model);
    m.x_label = "interest rate (%)";
    m.y_label = "capital";
    m.series.push_back({rs, ss, "household supply K(r)", kBlue, true, false});
    m.series.push_back({rs, ds, "firms' demand k(r) L", kOrange, true, false});
    if (price && !price->empty())
      m.markers.push_back({Marker::Direction::Vertical, 100 * price->front(), fmt::format("r* = {:.4f} %", 100 * price->front()),
                           kRed, true});
    files = render((out / "price_search").string(), formats, kLinePage, [&] { draw(m); });
    written.insert(written.end(), files.begin(), files.end());
  }
  return written;
}

}  // namespace mfg::io::plot
