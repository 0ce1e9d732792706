// Plots of `mfg train`'s result.h5 (layout in the README, section "Learning").
#include <filesystem>
#include <fmt/core.h>

#include "io/plot/Charts.hpp"
#include "io/plot/FlowCharts.hpp"
#include "io/plot/ModelContext.hpp"
#include "io/plot/ResultData.hpp"
#include "io/plot/ResultPlots.hpp"

namespace mfg::io::plot {

namespace {

constexpr PageSize kLinePage{900, 560}, kHeatmapPage{960, 600}, kMapsPage{1200, 440};

}  // namespace

std::vector<std::string> plotTrainResult(const std::string& dir, const Formats& formats) {
  const auto out = std::filesystem::path(dir);
  const ResultFile file((out / "result.h5").string());
  const ModelContext context = readModelContext(file);
  // Read and validate everything before writing any figure.
  const Array wall = file.readShaped("/history/wall_seconds", {0});
  const hsize_t n = wall.dims[0];
  const Array clairvoyant = file.readShaped("/history/exploitability", {n});
  file.requireFinite("/history/wall_seconds", wall.values, false);
  file.requireFinite("/history/exploitability", clairvoyant.values, false);
  std::optional<Array> low, high, exact;
  if (file.has("/history/exploitability_ci95_low") || file.has("/history/exploitability_ci95_high")) {
    low = file.readShaped("/history/exploitability_ci95_low", {n});
    high = file.readShaped("/history/exploitability_ci95_high", {n});
  }
  if (file.has("/history/non_anticipative")) exact = file.readShaped("/history/non_anticipative", {n});

  std::vector<hsize_t> flow_dims{0, 0}, policy_dims{0, 0};
  for (auto d : context.state_shape) flow_dims.push_back(static_cast<hsize_t>(d)), policy_dims.push_back(static_cast<hsize_t>(d));
  for (auto d : context.action_shape) policy_dims.push_back(static_cast<hsize_t>(d));
  const Array mu = file.readShaped("/paths/mean_field", flow_dims);
  file.requireFinite("/paths/mean_field", mu.values, false);
  const hsize_t P = mu.dims[0], T1 = mu.dims[1];
  policy_dims[0] = P;
  const Array pi = file.readShaped("/paths/policy", policy_dims);
  std::vector<double> times(pi.dims[1]);
  for (std::size_t k = 0; k < times.size(); ++k) times[k] = static_cast<double>(k);
  if (const auto stored = file.numberAttribute("/paths", "times")) {
    if (stored->size() != pi.dims[1])
      file.fail("attribute times of /paths has " + std::to_string(stored->size()) + " entries, /paths/policy has " +
                std::to_string(pi.dims[1]) + " times");
    times = *stored;
  }
  // z_t per path and step; models without common noise store one zero per step.
  std::optional<Array> z;
  if (file.has("/paths/z")) z = file.readShaped("/paths/z", {P, T1, 0});
  const auto zPath = [&](hsize_t j) {
    std::vector<std::vector<double>> path;
    if (!z || !context.model || !context.model->noise()) return path;
    const std::size_t width = z->dims[2];
    for (hsize_t t = 0; t < T1; ++t) {
      const auto at = z->values.begin() + static_cast<long>((j * T1 + t) * width);
      path.emplace_back(at, at + static_cast<long>(width));
    }
    return path;
  };

  std::vector<std::string> written;
  const auto add = [&written](std::vector<std::string> files) { written.insert(written.end(), files.begin(), files.end()); };
  const std::string model = context.name.empty() ? std::string("train") : context.name;
  const std::string algorithm = file.stringAttribute("/", "algorithm").value_or("training");

  LineChart e;
  e.title = fmt::format("{}: exploitability during {} training", model, algorithm);
  e.x_label = "training wall time [s]";
  e.y_label = "exploitability";
  const bool few = n <= 40;
  e.series.push_back({wall.values, clairvoyant.values, "clairvoyant bound (sampled paths)", kBlue, few});
  if (low) e.band = Band{wall.values, low->values, high->values, "95% confidence band", kBandFill};
  if (exact)
    e.series.push_back({wall.values, exact->values, "non-anticipative (exact, scenario tree)", kOrange, few, true});
  e.log_y = finiteRange(clairvoyant.values, true).has_value();
  add(render((out / "exploitability").string(), formats, kLinePage, [&] { draw(e); }));

  const std::size_t S = context.states, A = context.actions;
  for (hsize_t j = 0; j < P; ++j) {
    std::vector<const double*> flow;
    for (hsize_t t = 0; t < T1; ++t) flow.push_back(mu.values.data() + (j * T1 + t) * S);
    const auto path_z = zPath(j);
    const Heatmap h = flowHeatmap(context, flow, fmt::format("{}: mean-field flow, evaluation path {}", model, j),
                                  flowMarkers(context, path_z));
    add(render((out / fmt::format("mean_field_path{}", j)).string(), formats, kHeatmapPage, [&] { draw(h); }));
    if (j == 0 && context.state_shape.size() == 2)
      add(render((out / "mean_field_maps").string(), formats, kMapsPage, [&] {
        drawStateMaps(context, flow, mapTimes(static_cast<int>(T1) - 1), model + ": mean field on path 0");
      }));
  }
  const auto path0 = zPath(0);
  for (std::size_t k = 0; k < times.size(); ++k) {
    const auto t = static_cast<long>(times[k]);
    const Heatmap h = policyHeatmap(context, pi.values.data() + k * S * A,
                                    fmt::format("{}: policy at t = {}, evaluation path 0", model, t),
                                    stateMarkers(context, path0));
    add(render((out / fmt::format("policy_t{}", t)).string(), formats, kHeatmapPage, [&] { draw(h); }));
  }
  return written;
}

}  // namespace mfg::io::plot
