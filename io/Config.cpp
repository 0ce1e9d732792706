#include "io/Config.hpp"

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <toml++/toml.h>

#include "solver/models/InputError.hpp"
#include "solver/models/Parameters.hpp"

namespace mfg::io {

namespace {

// Flattens a number, boolean or (nested) array of them; nullopt for any other type.
bool numbersOf(const toml::node& node, std::vector<double>& out) {
  if (auto v = node.as_integer()) { out.push_back(static_cast<double>(v->get())); return true; }
  if (auto v = node.as_floating_point()) { out.push_back(v->get()); return true; }
  if (auto v = node.as_boolean()) { out.push_back(v->get() ? 1.0 : 0.0); return true; }
  if (auto arr = node.as_array()) {
    for (const auto& item : *arr)
      if (!numbersOf(item, out)) return false;
    return true;
  }
  return false;
}

std::string typeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

}  // namespace

void applyTomlFile(const std::string& path, SolveConfig& config) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError("config file '" + path + "' does not exist or is not a regular file");
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError("config file '" + path + "' is not valid TOML: " + std::string(e.description()) +
                     " (line " + std::to_string(e.source().begin.line) + ")");
  }
  const auto bad = [&](const std::string& key, const toml::node& node, const std::string& expected) {
    throw InputError("config file '" + path + "': key '" + key + "' is " + typeName(node) +
                     "; expected " + expected);
  };
  for (const auto& [k, node] : table) {
    const std::string key(k.str());
    if (key == "model" || key == "algorithm" || key == "out") {
      auto s = node.as_string();
      if (!s) bad(key, node, "a string");
      (key == "model" ? config.model : key == "algorithm" ? config.algorithm : config.out) = s->get();
    } else if (key == "iterations") {
      auto i = node.as_integer();
      if (!i) bad(key, node, "an integer in [0, " + std::to_string(kMaxIterations) + "]");
      if (i->get() < 0 || i->get() > kMaxIterations)
        throw InputError("config file '" + path + "': iterations = " + std::to_string(i->get()) +
                         " is out of range [0, " + std::to_string(kMaxIterations) + "]");
      config.iterations = static_cast<long>(i->get());
    } else if (key == "parameters" || key == "settings") {
      auto sub = node.as_table();
      if (!sub) bad(key, node, "a table");
      for (const auto& [pk, pnode] : *sub) {
        const std::string name(pk.str());
        std::vector<double> values;
        if (!numbersOf(pnode, values))
          bad(key + "." + name, pnode, "a number, a boolean or an array of numbers");
        if (key == "parameters") {
          config.parameters[name] = values;
        } else {
          if (values.size() != 1) bad(key + "." + name, pnode, "a single number");
          config.settings[name] = values[0];
        }
      }
    } else {
      throw InputError("config file '" + path + "': unknown key '" + key +
                       "' (valid keys: model, algorithm, iterations, out, [parameters], [settings])");
    }
  }
}

std::vector<SettingRange> trainSettingRanges() {
  return {
      {"paths", true, 1, 1e6},
      {"learning_rate", false, 0, 10, true},
      {"seed", true, 0, 9007199254740992.0},  // 2^53: every integer up to it is exact in TOML's double
      {"groups", true, 0, 1e6},
      {"eval_paths", true, 0, 1e6},
      {"eval_every", true, 1, static_cast<double>(kMaxIterations)},
      {"checkpoint_every", true, 1, static_cast<double>(kMaxIterations)},
      {"time_limit", false, 0, 1e9},
      {"particles", true, 1, 1e8},
      {"learners", true, 1, 1e5},
  };
}

void checkSettings(const std::string& path, const std::map<std::string, double>& settings,
                   const std::vector<SettingRange>& ranges) {
  const auto number = [](double v) {
    std::ostringstream os;
    os << std::setprecision(17) << v;
    return os.str();
  };
  for (const auto& [key, value] : settings) {
    const SettingRange* range = nullptr;
    std::string names;
    for (const auto& r : ranges) {
      if (key == r.key) range = &r;
      names += (names.empty() ? "" : ", ") + std::string(r.key);
    }
    if (!range)
      throw InputError("config file '" + path + "': unknown key 'settings." + key + "' (valid: " + names + ")");
    const bool in = (range->lo_open ? value > range->lo : value >= range->lo) && value <= range->hi;
    const bool whole = !range->integer || std::floor(value) == value;
    if (!in || !whole)
      throw InputError("config file '" + path + "': settings." + key + " = " + number(value) + " is invalid (valid: " +
                       (range->integer ? "an integer in " : "") + (range->lo_open ? "(" : "[") + number(range->lo) +
                       ", " + number(range->hi) + "])");
  }
}

void applySetItems(const std::vector<std::string>& items, std::map<std::string, std::vector<double>>& parameters) {
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set '" + item + "' must have the form key=value");
    const std::string key = item.substr(0, eq);
    parameters[key] = parseParameterValue(key, item.substr(eq + 1));
  }
}

}  // namespace mfg::io
