#include "io/plot/FlowCharts.hpp"

#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <fmt/core.h>

namespace mfg::io::plot {

Heatmap flowHeatmap(const ModelContext& context, const std::vector<const double*>& mu, const std::string& title,
                    std::vector<Marker> markers) {
  const auto first = static_cast<std::size_t>(context.state_shape.front());
  const std::size_t rest = context.states / first;
  Heatmap h;
  h.title = title;
  h.x_label = "time t";
  h.y_label = context.state_label + (rest > 1 ? " (first coordinate, marginal)" : "");
  h.colour_label = rest > 1 ? "marginal mass" : "mass #gm#dt#u(s)";
  h.rows = first;
  h.columns = mu.size();
  h.values.assign(h.rows * h.columns, 0.0);
  for (std::size_t t = 0; t < mu.size(); ++t)
    for (std::size_t s = 0; s < context.states; ++s) h.values[(s / rest) * h.columns + t] += mu[t][s];
  h.markers = std::move(markers);
  return h;
}

Heatmap policyHeatmap(const ModelContext& context, const double* pi, const std::string& title,
                      std::vector<Marker> markers) {
  const auto first = static_cast<std::size_t>(context.state_shape.front());
  const std::size_t rest = context.states / first, A = context.actions;
  Heatmap h;
  h.title = title;
  h.x_label = context.state_label + (rest > 1 ? " (first coordinate; other coordinates averaged)" : "");
  h.y_label = context.action_label;
  h.colour_label = "probability #gp(a | s)";
  h.rows = A;
  h.columns = first;
  h.y_first = context.action_first;
  h.y_step = context.action_step;
  h.values.assign(h.rows * h.columns, 0.0);
  for (std::size_t s = 0; s < context.states; ++s)
    for (std::size_t a = 0; a < A; ++a) h.values[a * h.columns + s / rest] += pi[s * A + a] / static_cast<double>(rest);
  h.value_max = 1.0;  // probabilities: a fixed scale makes policies at different times comparable
  h.markers = std::move(markers);
  return h;
}

void drawStateMaps(const ModelContext& context, const std::vector<const double*>& mu, const std::vector<int>& times,
                   const std::string& title) {
  const auto rows = static_cast<std::size_t>(context.state_shape.at(0));
  const auto columns = static_cast<std::size_t>(context.state_shape.at(1));
  double top = 0;
  for (int t : times)
    for (std::size_t s = 0; s < rows * columns; ++s)
      if (std::isfinite(mu[static_cast<std::size_t>(t)][s])) top = std::max(top, mu[static_cast<std::size_t>(t)][s]);
  const std::size_t panels = std::min<std::size_t>(times.size(), 4);
  const double left = 0.075, right = 0.88, gap = 0.05;
  const double width = (right - left - gap * static_cast<double>(panels - 1)) / static_cast<double>(panels);
  for (std::size_t k = 0; k < panels; ++k) {
    const int t = times[k];
    Heatmap h;
    h.title = fmt::format("t = {}", t);
    h.x_label = "second coordinate";
    h.y_label = k == 0 ? "first coordinate" : "";
    h.colour_label = "mass #gm#dt#u(s)";
    h.rows = rows;
    h.columns = columns;
    h.values.assign(mu[static_cast<std::size_t>(t)], mu[static_cast<std::size_t>(t)] + rows * columns);
    h.value_max = top;
    h.colour_bar = k + 1 == panels;
    const double x0 = left + static_cast<double>(k) * (width + gap);
    draw(h, Viewport{x0, x0 + width, 0.16, 0.82});
  }
  plvpor(0.0, 1.0, 0.0, 1.0);
  plwind(0.0, 1.0, 0.0, 1.0);
  plcol0(kInk);
  plschr(0.0, 1.1);
  plptex(0.5, 0.94, 1.0, 0.0, 0.5, title.c_str());
  plschr(0.0, 0.9);
}

std::vector<int> sampleTimes(int last) {
  std::vector<int> times;
  for (int t : {0, last / 4, last / 2, (3 * last) / 4, last})
    if (t >= 0 && (times.empty() || times.back() != t)) times.push_back(t);
  return times;
}

std::vector<int> mapTimes(int last) {
  std::vector<int> times;
  for (int k = 0; k <= 3; ++k) {
    const int t = static_cast<int>(std::lround(static_cast<double>(k) * last / 3.0));
    if (t >= 0 && (times.empty() || times.back() != t)) times.push_back(t);
  }
  return times;
}

}  // namespace mfg::io::plot
