#include "io/plot/IrlPlots.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "io/plot/Charts.hpp"
#include "io/plot/FlowCharts.hpp"
#include "parallel/Collectives.hpp"

namespace mfg::io::plot {

namespace {

constexpr PageSize kPairPage{1400, 560}, kLinePage{900, 560};

ModelContext contextOf(const Model& model) {
  ModelContext c;
  c.name = model.name();
  c.state_shape = model.stateShape();
  c.action_shape = model.actionShape();
  c.states = static_cast<std::size_t>(model.numStates());
  c.actions = static_cast<std::size_t>(model.numActions());
  return c;
}

std::vector<const double*> rows(const irl::GlobalTable& t) {
  std::vector<const double*> out;
  for (const auto& r : t) out.push_back(r.data());
  return out;
}

/// r_0(s, a) per action on the first state coordinate (other coordinates averaged), centred on
/// its mean over (s, a).
std::vector<std::vector<double>> centredByAction(const ModelContext& c, const std::vector<double>& r) {
  const auto first = static_cast<std::size_t>(c.state_shape.front());
  const std::size_t rest = c.states / first;
  std::vector<std::vector<double>> out(c.actions, std::vector<double>(first, 0.0));
  double mean = 0.0;
  for (std::size_t s = 0; s < c.states; ++s)
    for (std::size_t a = 0; a < c.actions; ++a) {
      out[a][s / rest] += r[s * c.actions + a] / static_cast<double>(rest);
      mean += r[s * c.actions + a] / static_cast<double>(c.states * c.actions);
    }
  for (auto& v : out)
    for (auto& x : v) x -= mean;
  return out;
}

}  // namespace

void plotIrl(const std::string& dir, const Model& model, const irl::IrlScore& score, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::optional<std::string> error;
  if (rank == 0) {
    try {
      const auto c = contextOf(model);
      const Formats formats;
      const std::filesystem::path out(dir);
      for (const auto& ts : score.types) {
        const auto& o = ts.original;
        Heatmap expert = flowHeatmap(c, rows(o.expert_flow), fmt::format("type {}: experts' flow (true reward)", ts.type), {});
        Heatmap learned = flowHeatmap(c, rows(o.learned_flow), fmt::format("type {}: flow of the learned reward", ts.type), {});
        const double top = std::max(*std::max_element(expert.values.begin(), expert.values.end()),
                                    *std::max_element(learned.values.begin(), learned.values.end()));
        expert.value_max = learned.value_max = top;
        // The panels share their axes: the state label once, on the left, where the page has room for it
        // (the right panel's would fall on the left panel's colour bar).
        learned.y_label.clear();
        render((out / fmt::format("irl_type{}_flows", ts.type)).string(), formats, kPairPage, [&] {
          draw(expert, Viewport{0.08, 0.41, 0.12, 0.90});
          draw(learned, Viewport{0.55, 0.88, 0.12, 0.90});
        });
        if (o.learned_reward.empty() || o.expert_reward.empty()) continue;
        const auto truth = centredByAction(c, o.expert_reward[0]);
        const auto fit = centredByAction(c, o.learned_reward[0]);
        LineChart chart;
        chart.title = fmt::format("type {}: reward at t = 0, true (solid) and learned (dashed), each centred", ts.type);
        chart.x_label = c.state_shape.size() > 1 ? "state, first coordinate (others averaged)" : "state";
        chart.y_label = "r#d0#u(s, a) - mean";
        const Colour palette[] = {kBlue, kOrange, kGreen, kRed, kPurple, kGrey};
        for (std::size_t a = 0; a < c.actions; ++a) {
          Series t, f;
          for (std::size_t s = 0; s < truth[a].size(); ++s) {
            t.x.push_back(static_cast<double>(s));
            t.y.push_back(truth[a][s]);
          }
          f.x = t.x;
          f.y = fit[a];
          t.colour = f.colour = palette[a % 6];
          t.label = fmt::format("a = {} true", a);
          f.label = fmt::format("a = {} learned", a);
          f.dashed = true;
          chart.series.push_back(std::move(t));
          chart.series.push_back(std::move(f));
        }
        render((out / fmt::format("irl_type{}_reward", ts.type)).string(), formats, kLinePage, [&] { draw(chart); });
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error("drawing the irl plots: " + *e);
}

}  // namespace mfg::io::plot
