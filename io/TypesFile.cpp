#include "io/TypesFile.hpp"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "solver/models/InputError.hpp"

namespace mfg::io {

namespace {

std::string tomlTypeName(const toml::node& node) {
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

/// "an object", "a number", ... for messages.
std::string jsonKind(const nlohmann::json& j) {
  const std::string name = j.type_name();
  if (j.is_null()) return name;
  return (name[0] == 'a' || name[0] == 'o' ? "an " : "a ") + name;
}

[[noreturn]] void failIn(const std::string& path, const std::string& why) {
  throw InputError(fmt::format("types file '{}': {}", path, why));
}

}  // namespace

std::vector<irl::AgentType> readTypes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) failIn(path, "no such file");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    failIn(path, fmt::format("not valid TOML: {} (line {})", e.description(), e.source().begin.line));
  }
  for (const auto& [key, node] : root)
    if (key.str() != "type")
      failIn(path, fmt::format("unknown top-level key '{}' (expected only [[type]] tables, one per type)", key.str()));
  const toml::node* node = root.get("type");
  const toml::array* tables = node ? node->as_array() : nullptr;
  if (!node || (tables && tables->empty()))
    failIn(path, "no [[type]] table (expected one [[type]] table per type, each with a weight)");
  if (!tables)
    failIn(path, fmt::format("'type' is {}; expected [[type]] tables, one per type", tomlTypeName(*node)));

  std::vector<irl::AgentType> types;
  for (std::size_t k = 0; k < tables->size(); ++k) {
    const toml::node& entry = *tables->get(k);
    const toml::table* table = entry.as_table();
    if (!table) failIn(path, fmt::format("type {} is {}; expected a [[type]] table", k + 1, tomlTypeName(entry)));
    irl::AgentType type;
    bool has_weight = false;
    for (const auto& [key, value] : *table) {
      const std::string name(key.str());
      double number = 0.0;
      if (auto i = value.as_integer()) number = static_cast<double>(i->get());
      else if (auto f = value.as_floating_point()) number = f->get();
      else failIn(path, fmt::format("type {}: key '{}' is {}; expected a number", k + 1, name, tomlTypeName(value)));
      if (!std::isfinite(number)) failIn(path, fmt::format("type {}: key '{}' = {}; expected a finite number", k + 1, name, number));
      if (name == "weight") {
        if (number <= 0.0) failIn(path, fmt::format("type {}: key 'weight' = {}; expected a positive number", k + 1, number));
        type.weight = number;
        has_weight = true;
      } else {
        type.overrides[name] = number;
      }
    }
    if (!has_weight) failIn(path, fmt::format("type {}: key 'weight' is missing (a positive number)", k + 1));
    types.push_back(std::move(type));
  }
  return types;
}

std::string typesToJson(const std::vector<irl::AgentType>& types) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& type : types) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [name, value] : type.overrides) object[name] = value;
    list.push_back(std::move(object));
  }
  return list.dump();
}

std::vector<std::map<std::string, double>> typesFromJson(const std::string& json) {
  // No exceptions from the parser: a discarded value marks invalid JSON.
  const nlohmann::json list = nlohmann::json::parse(json, nullptr, false);
  if (list.is_discarded()) throw InputError("the types' JSON is not valid JSON (expected a list of objects)");
  if (!list.is_array()) throw InputError(fmt::format("the types' JSON is {}; expected a list of objects", jsonKind(list)));
  std::vector<std::map<std::string, double>> types;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const auto& object = list[k];
    if (!object.is_object())
      throw InputError(fmt::format("the types' JSON: entry {} is {}; expected an object", k + 1, jsonKind(object)));
    std::map<std::string, double> overrides;
    for (const auto& [name, value] : object.items()) {
      if (!value.is_number())
        throw InputError(fmt::format("the types' JSON: entry {}: key '{}' is {}; expected a number", k + 1, name,
                                     jsonKind(value)));
      const double number = value.get<double>();
      if (!std::isfinite(number))  // nlohmann reads 1e400 as inf
        throw InputError(fmt::format("the types' JSON: entry {}: key '{}' is not finite", k + 1, name));
      overrides[name] = number;
    }
    types.push_back(std::move(overrides));
  }
  return types;
}

}  // namespace mfg::io
