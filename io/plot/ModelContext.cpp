#include "io/plot/ModelContext.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "solver/models/Registry.hpp"

namespace mfg::io::plot {

namespace {

/// The bar's position on a path: classic/beach_bar has it as a parameter; beach_bar draws it as
/// the first noise coordinate z[0] at reset and holds it.
std::optional<double> barPosition(const ModelContext& context, const std::vector<std::vector<double>>& z) {
  if (context.name == "classic/beach_bar" && context.model) return context.model->parameters().list("bar").at(0);
  if (context.name == "beach_bar" && !z.empty() && !z.front().empty()) return z.front()[0];
  return std::nullopt;
}

/// The model's parameters: attributes of /parameters (solve, train), else the "parameters" of
/// the certificate's JSON that certify stores as attribute "certificate".
std::map<std::string, std::vector<double>> readParameters(const ResultFile& file) {
  if (file.has("/parameters")) return file.numberAttributes("/parameters");
  std::map<std::string, std::vector<double>> out;
  const auto text = file.stringAttribute("/", "certificate");
  if (!text) return out;
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.contains("parameters") || !json["parameters"].is_object()) return out;
  for (const auto& [key, value] : json["parameters"].items()) {
    if (value.is_boolean()) out[key] = {value.get<bool>() ? 1.0 : 0.0};
    else if (value.is_number()) out[key] = {value.get<double>()};
    else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_number(); }))
      out[key] = value.get<std::vector<double>>();
  }
  return out;
}

}  // namespace

ModelContext readModelContext(const ResultFile& file) {
  ModelContext c;
  c.name = file.stringAttribute("/", "model").value_or("");
  const auto state_shape = file.numberAttribute("/", "state_shape");
  if (!state_shape || state_shape->empty()) file.fail("missing attribute state_shape on /");
  for (double d : *state_shape) {
    if (!(d >= 1) || d != std::floor(d)) file.fail("attribute state_shape has an invalid extent");
    c.state_shape.push_back(static_cast<std::int64_t>(d));
    c.states *= static_cast<std::size_t>(d);
  }
  if (const auto action_shape = file.numberAttribute("/", "action_shape")) {
    for (double d : *action_shape) {
      if (!(d >= 1) || d != std::floor(d)) file.fail("attribute action_shape has an invalid extent");
      c.action_shape.push_back(static_cast<std::int64_t>(d));
      c.actions *= static_cast<std::size_t>(d);
    }
  }
  if (!c.name.empty()) {
    try {
      c.model = makeModel(c.name, readParameters(file));
    } catch (const std::exception&) {
      c.model.reset();  // plots without annotations: the data alone are still worth drawing
    }
  }
  if (c.model) {
    const auto values = c.model->actionValues();
    bool even = values.size() == c.actions && values.size() >= 2;
    for (std::size_t k = 2; even && k < values.size(); ++k)
      even = std::abs((values[k] - values[k - 1]) - (values[1] - values[0])) < 1e-9 * (1 + std::abs(values[1]));
    if (even) {
      c.action_first = values[0];
      c.action_step = values[1] - values[0];
      c.action_label = c.name == "macro" ? "consumption share" : "action (move)";
    }
    if (c.name == "beach_bar" || c.name == "classic/beach_bar" || c.name == "lq") c.state_label = "position s";
    if (c.name == "macro") c.state_label = "wealth grid index";
  }
  return c;
}

std::vector<Marker> flowMarkers(const ModelContext& context, const std::vector<std::vector<double>>& z) {
  std::vector<Marker> markers;
  if (const auto bar = barPosition(context, z))
    markers.push_back({Marker::Direction::Horizontal, *bar, fmt::format("bar at {:g}", *bar), kRed, true});
  const NoiseProcess* noise = context.model ? context.model->noise() : nullptr;
  if (!noise || !noise->finite() || z.empty()) return markers;
  // Steps t >= 1 where z_t may take more than one value given z_0..z_{t-1}: beach_bar's closure.
  std::vector<int> branching;
  for (std::size_t t = 1; t < z.size(); ++t) {
    const std::vector<std::vector<double>> history(z.begin(), z.begin() + static_cast<long>(t));
    if (noise->next(history).size() > 1) branching.push_back(static_cast<int>(t));
  }
  if (branching.size() > 3) return markers;  // noise that branches often: lines would only clutter
  for (int t : branching) {
    const bool closes = context.name == "beach_bar" && z[static_cast<std::size_t>(t)].size() > 1 &&
                        z[static_cast<std::size_t>(t)][1] == 0.0 && z[static_cast<std::size_t>(t) - 1][1] == 1.0;
    std::string label = context.name == "beach_bar" ? (closes ? "bar closes" : "bar may close (stays open here)")
                                                    : "common noise may branch";
    markers.push_back({Marker::Direction::Vertical, static_cast<double>(t), label + fmt::format(" at t = {}", t),
                       closes ? kOrange : kWhite, !closes});
  }
  return markers;
}

std::vector<Marker> stateMarkers(const ModelContext& context, const std::vector<std::vector<double>>& z) {
  std::vector<Marker> markers;
  if (const auto bar = barPosition(context, z))
    markers.push_back({Marker::Direction::Vertical, *bar, fmt::format("bar at {:g}", *bar), kRed, true});
  return markers;
}

}  // namespace mfg::io::plot
