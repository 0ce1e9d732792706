// Plots of a certificate of `mfg certify` (BASE.h5; layout in the README, section "Certificates").
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/core.h>

#include "io/plot/Charts.hpp"
#include "io/plot/ModelContext.hpp"
#include "io/plot/ResultData.hpp"
#include "io/plot/ResultPlots.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::io::plot {

namespace {

constexpr PageSize kLinePage{900, 560}, kPairPage{1200, 480};

struct BoundData {
  std::string label;
  Array per_state, unit_values;
  double value = 0;
  std::vector<double> ci95;
};

BoundData readBound(const ResultFile& file, const std::string& group, const std::string& label,
                    const ModelContext& context) {
  BoundData b;
  b.label = label;
  std::vector<hsize_t> shape;
  for (auto d : context.state_shape) shape.push_back(static_cast<hsize_t>(d));
  b.per_state = file.readShaped(group + "/per_state", shape);
  file.requireFinite(group + "/per_state", b.per_state.values, false);
  b.unit_values = file.readShaped(group + "/unit_values", {0});
  file.requireFinite(group + "/unit_values", b.unit_values.values, false);
  const auto value = file.numberAttribute(group, "value");
  if (!value || value->size() != 1) file.fail("missing attribute value of " + group);
  b.value = value->front();
  b.ci95 = file.numberAttribute(group, "ci95").value_or(std::vector<double>{});
  return b;
}

}  // namespace

std::vector<std::string> plotCertificate(const std::string& base_in, const Formats& formats) {
  std::string base = base_in;
  for (const std::string suffix : {".json", ".h5"})
    if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
      base.resize(base.size() - suffix.size());
  const ResultFile file(base + ".h5");
  const ModelContext context = readModelContext(file);
  const BoundData clair = readBound(file, "/clairvoyant", "clairvoyant", context);
  const BoundData tree = readBound(file, "/non_anticipative", "non-anticipative", context);
  const std::string model = context.name.empty() ? std::string("certificate") : context.name;
  std::vector<std::string> written;
  const auto add = [&written](std::vector<std::string> files) { written.insert(written.end(), files.begin(), files.end()); };

  // Per-state gaps: a line per bound over a 1-D state space, heatmaps side by side otherwise.
  if (context.state_shape.size() == 1) {
    LineChart g;
    g.title = fmt::format("{}: per-state exploitability gap of the certified policy", model);
    g.x_label = context.state_label;
    g.y_label = "gap V*(s) - V#u#gp#d(s) (reward units)";
    std::vector<double> x(context.states);
    for (std::size_t s = 0; s < x.size(); ++s) x[s] = static_cast<double>(s);
    g.series.push_back({x, clair.per_state.values, fmt::format("clairvoyant (bound {:.4g})", clair.value), kBlue, false});
    g.series.push_back({x, tree.per_state.values, fmt::format("non-anticipative ({:.4g})", tree.value), kOrange, false, true});
    g.markers = stateMarkers(context, {});
    add(render(base + "_per_state", formats, kLinePage, [&] { draw(g); }));
  } else {
    add(render(base + "_per_state", formats, kPairPage, [&] {
      const auto rows = static_cast<std::size_t>(context.state_shape[0]);
      const std::size_t columns = context.states / rows;
      std::size_t k = 0;
      for (const BoundData* b : {&clair, &tree}) {
        Heatmap h;
        h.title = fmt::format("{} gap per state ({:.4g})", b->label, b->value);
        h.x_label = context.state_shape.size() == 2 ? "second state coordinate" : "other coordinates (flattened)";
        h.y_label = "first state coordinate";
        h.colour_label = "gap (reward units)";
        h.rows = rows;
        h.columns = columns;
        h.values = b->per_state.values;
        const double x0 = k == 0 ? 0.07 : 0.56;
        draw(h, Viewport{x0, x0 + 0.33, 0.14, 0.86});
        ++k;
      }
    }));
  }

  // Distributions of the units behind each bound (paths, or sampled subtrees).
  add(render(base + "_unit_values", formats, kPairPage, [&] {
    std::size_t k = 0;
    for (const BoundData* b : {&clair, &tree}) {
      Histogram h;
      const auto units = b->unit_values.values.size();
      h.title = fmt::format("{}: {} bound over {} unit{}", model, b->label, units, units == 1 ? "" : "s");
      h.x_label = "exploitability of one unit (reward units)";
      h.values = b->unit_values.values;
      h.bins = std::clamp(static_cast<int>(b->unit_values.values.size()) / 3, 5, 30);
      h.colour = k == 0 ? kBlue : kOrange;
      h.markers.push_back({Marker::Direction::Vertical, b->value, fmt::format("bound {:.4g}", b->value), kRed, false});
      if (b->ci95.size() == 2 && b->ci95[0] < b->ci95[1] && std::isfinite(b->ci95[0]) && std::isfinite(b->ci95[1]))
        for (double edge : b->ci95)
          h.markers.push_back({Marker::Direction::Vertical, edge, edge == b->ci95[0] ? "95% CI" : "", kGrey, true});
      const double x0 = k == 0 ? 0.07 : 0.56;
      draw(h, Viewport{x0, x0 + 0.40, 0.14, 0.86});
      ++k;
    }
  }));
  return written;
}

std::vector<std::string> plotResults(const std::string& path, const Formats& formats) {
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) {
    const auto result = fs::path(path) / "result.h5";
    if (!fs::exists(result))
      throw InputError("plot: '" + result.string() + "' does not exist (expected the output directory of mfg solve, train or equilibrium)");
    const ResultFile file(result.string());
    if (file.has("/stationary_distribution")) return plotEquilibriumResult(path, formats);
    // train writes /history/iteration (evaluations at chosen iterations); solve does not.
    const bool train = file.has("/history/iteration") || file.has("/paths");
    return train ? plotTrainResult(path, formats) : plotSolveResult(path, formats);
  }
  std::string base = path;
  for (const std::string suffix : {".json", ".h5"})
    if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
      base.resize(base.size() - suffix.size());
  if (fs::exists(base + ".h5")) return plotCertificate(base, formats);
  if (fs::exists(path) || fs::exists(base + ".json"))
    throw InputError("plot: '" + path + "' is neither an output directory of mfg solve/train nor a certificate with its '" +
                     base + ".h5'");
  throw InputError("plot: '" + path + "' does not exist");
}

}  // namespace mfg::io::plot
