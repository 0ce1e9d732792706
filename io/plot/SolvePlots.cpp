// Plots of `mfg solve`'s result.h5 (layout in io/ResultFile.hpp).
#include <algorithm>
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

/// The scenario tree of a model with common noise: for each node its level, parent and z.
struct Tree {
  std::vector<double> level, parent;
  std::vector<std::vector<double>> z;

  /// Node ids from the root to `leaf`.
  std::vector<std::size_t> pathTo(std::size_t leaf) const {
    std::vector<std::size_t> path;
    for (long node = static_cast<long>(leaf); node >= 0; node = static_cast<long>(parent[static_cast<std::size_t>(node)]))
      path.push_back(static_cast<std::size_t>(node));
    std::reverse(path.begin(), path.end());
    return path;
  }
};

Tree readTree(const ResultFile& file) {
  Tree tree;
  tree.level = file.read("/tree/level").values;
  tree.parent = file.readShaped("/tree/parent", {tree.level.size()}).values;
  const auto z = file.read("/tree/z").values;
  if (tree.level.empty() || z.size() % tree.level.size() != 0)
    file.fail("/tree/z does not hold the same number of values for each of the " + std::to_string(tree.level.size()) +
              " nodes of /tree/level");
  const std::size_t width = z.size() / tree.level.size();
  for (std::size_t n = 0; n < tree.level.size(); ++n) {
    tree.z.emplace_back(z.begin() + static_cast<long>(n * width), z.begin() + static_cast<long>((n + 1) * width));
    const double p = tree.parent[n];
    if (!(p >= -1 && p < static_cast<double>(n)))  // parents come before their children
      file.fail("/tree/parent[" + std::to_string(n) + "] is not an earlier node");
  }
  return tree;
}

}  // namespace

std::vector<std::string> plotSolveResult(const std::string& dir, const Formats& formats) {
  const auto out = std::filesystem::path(dir);
  const ResultFile file((out / "result.h5").string());
  const ModelContext context = readModelContext(file);
  // Read and validate everything before writing any figure.
  const Array exploitability = file.readShaped("/history/exploitability", {0});
  file.readShaped("/history/wall_seconds", {exploitability.dims[0]});
  file.requireFinite("/history/exploitability", exploitability.values, false);
  std::vector<hsize_t> flow_dims{0}, policy_dims{0};
  for (auto d : context.state_shape) flow_dims.push_back(static_cast<hsize_t>(d)), policy_dims.push_back(static_cast<hsize_t>(d));
  for (auto d : context.action_shape) policy_dims.push_back(static_cast<hsize_t>(d));
  const Array mu = file.readShaped("/mean_field", flow_dims);
  const Array pi = file.readShaped("/policy", policy_dims);
  file.requireFinite("/mean_field", mu.values, false);
  const std::size_t S = context.states, A = context.actions;
  const bool has_tree = file.has("/tree");

  // Paths through the flow: the steps in order, or root-to-leaf paths of the scenario tree (the
  // middle leaf and its sibling: for beach_bar the middle bar, open and closed).
  std::vector<std::vector<std::size_t>> paths;
  std::vector<std::vector<std::vector<double>>> path_z;
  std::vector<std::size_t> policy_slices;  // per step of paths[0]: the /policy slice, or none
  Tree tree;
  if (has_tree) {
    tree = readTree(file);
    if (mu.dims[0] != tree.level.size())
      file.fail("/mean_field has " + std::to_string(mu.dims[0]) + " slices, expected one per tree node (" +
                std::to_string(tree.level.size()) + ")");
    const double deepest = *std::max_element(tree.level.begin(), tree.level.end());
    std::vector<std::size_t> leaves;
    for (std::size_t n = 0; n < tree.level.size(); ++n)
      if (tree.level[n] == deepest) leaves.push_back(n);
    const std::size_t leaf = leaves[leaves.size() / 2];
    paths.push_back(tree.pathTo(leaf));
    // The second path: the leaf whose path shares the most nodes with the first (for beach_bar,
    // the same bar with the other closure outcome), when the paths branch at all.
    std::size_t best_shared = 0;
    std::vector<std::size_t> best;
    for (std::size_t other : leaves) {
      if (other == leaf) continue;
      auto candidate = tree.pathTo(other);
      std::size_t shared = 0;
      while (shared < candidate.size() && shared < paths[0].size() && candidate[shared] == paths[0][shared]) ++shared;
      if (shared > best_shared) best_shared = shared, best = std::move(candidate);
    }
    if (!best.empty()) paths.push_back(std::move(best));
    for (const auto& p : paths) {
      path_z.emplace_back();
      for (std::size_t n : p) path_z.back().push_back(tree.z[n]);
    }
  } else {
    paths.emplace_back();
    for (std::size_t t = 0; t < mu.dims[0]; ++t) paths.back().push_back(t);
    path_z.emplace_back();
  }
  // Decision slices of /policy along the first path: one per step, or the path's decision nodes
  // (the tree numbers its nodes level by level, so decision nodes come first).
  const auto steps = file.numberAttribute("/", "steps");
  const bool per_step = !has_tree || (steps && steps->size() == 1 && static_cast<double>(pi.dims[0]) == steps->front());
  if (per_step)
    for (std::size_t t = 0; t < pi.dims[0]; ++t) policy_slices.push_back(t);
  else
    for (std::size_t node : paths[0])
      if (node < pi.dims[0]) policy_slices.push_back(node);

  std::vector<std::string> written;
  const auto add = [&written](std::vector<std::string> files) { written.insert(written.end(), files.begin(), files.end()); };
  const std::string title_model = context.name.empty() ? std::string("solve") : context.name;
  const std::string algorithm = file.stringAttribute("/", "algorithm").value_or("solver");

  LineChart e;
  e.title = fmt::format("{}: exploitability of {} iterates", title_model, algorithm);
  e.x_label = "iteration";
  e.y_label = "exploitability";
  Series s{{}, exploitability.values, "exact exploitability", kBlue, exploitability.values.size() <= 40};
  for (std::size_t k = 0; k < exploitability.values.size(); ++k) s.x.push_back(static_cast<double>(k));
  e.log_y = finiteRange(s.y, true).has_value();
  e.series.push_back(std::move(s));
  add(render((out / "exploitability").string(), formats, kLinePage, [&] { draw(e); }));

  for (std::size_t j = 0; j < paths.size(); ++j) {
    std::vector<const double*> flow;
    for (std::size_t slice : paths[j]) flow.push_back(mu.values.data() + slice * S);
    std::string title = fmt::format("{}: mean-field flow", title_model);
    if (has_tree) {
      std::string z_text;
      for (double v : path_z[j].back()) z_text += (z_text.empty() ? "" : ", ") + fmt::format("{:g}", v);
      title += fmt::format(" on the scenario path ending in z = ({})", z_text);
    }
    const Heatmap h = flowHeatmap(context, flow, title, flowMarkers(context, path_z[j]));
    const std::string name = has_tree ? fmt::format("mean_field_path{}", j) : std::string("mean_field");
    add(render((out / name).string(), formats, kHeatmapPage, [&] { draw(h); }));
    if (j == 0 && context.state_shape.size() == 2)
      add(render((out / "mean_field_maps").string(), formats, kMapsPage, [&] {
        drawStateMaps(context, flow, mapTimes(static_cast<int>(flow.size()) - 1),
                      title_model + ": mean field on the state grid");
      }));
  }
  if (!policy_slices.empty()) {
    const std::vector<int> times = sampleTimes(static_cast<int>(policy_slices.size()) - 1);
    for (int t : times) {
      const double* slice = pi.values.data() + policy_slices[static_cast<std::size_t>(t)] * S * A;
      const Heatmap h = policyHeatmap(context, slice, fmt::format("{}: policy at t = {}{}", title_model, t,
                                                                  has_tree ? " (first scenario path)" : ""),
                                      stateMarkers(context, path_z[0]));
      add(render((out / fmt::format("policy_t{}", t)).string(), formats, kHeatmapPage, [&] { draw(h); }));
    }
  }
  return written;
}

}  // namespace mfg::io::plot
