#include "solver/models/Parameters.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "solver/models/InputError.hpp"

namespace mfg {

std::string kindName(ParamKind k) {
  switch (k) {
    case ParamKind::Real: return "real";
    case ParamKind::Integer: return "integer";
    case ParamKind::Boolean: return "boolean";
    case ParamKind::RealList: return "list of reals";
    case ParamKind::IntegerList: return "list of integers";
  }
  return "?";
}

bool isList(ParamKind k) { return k == ParamKind::RealList || k == ParamKind::IntegerList; }

static std::string num(double x) {
  std::ostringstream os;
  os.precision(15);
  os << x;
  return os.str();
}

std::string formatValue(const std::vector<double>& v, bool list) {
  if (!list && v.size() == 1) return num(v[0]);
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + num(v[i]);
  return s + "]";
}

ParameterSet::ParameterSet(std::string model, std::vector<ParameterSpec> specs,
                           const std::map<std::string, std::vector<double>>& overrides)
    : model_(std::move(model)), specs_(std::move(specs)) {
  for (const auto& spec : specs_) {
    values_[spec.name] = spec.default_value;
    overridden_[spec.name] = false;
  }
  for (const auto& [key, value] : overrides) {
    const ParameterSpec* spec = nullptr;
    for (const auto& s : specs_)
      if (s.name == key) spec = &s;
    if (!spec) {
      std::string valid;
      for (const auto& s : specs_) valid += (valid.empty() ? "" : ", ") + s.name;
      throw InputError("unknown parameter '" + key + "' for model '" + model_ +
                       "' (valid parameters: " + (valid.empty() ? "none" : valid) + ")");
    }
    const std::string shown = formatValue(value, isList(spec->kind));
    if (!isList(spec->kind) && value.size() != 1)
      throw InputError("parameter '" + key + "' of model '" + model_ + "' must be a single " +
                       kindName(spec->kind) + ", got " + shown);
    if (isList(spec->kind) && value.empty())
      throw InputError("parameter '" + key + "' of model '" + model_ + "' must be a non-empty " +
                       kindName(spec->kind));
    for (double x : value) {
      const bool integral = std::isfinite(x) && std::floor(x) == x;
      if (!std::isfinite(x))
        throw InputError("parameter '" + key + "' of model '" + model_ + "' = " + shown +
                         " is not a finite number");
      if ((spec->kind == ParamKind::Integer || spec->kind == ParamKind::IntegerList) && !integral)
        throw InputError("parameter '" + key + "' of model '" + model_ + "' = " + shown +
                         " must be an integer in [" + num(spec->min) + ", " + num(spec->max) + "]");
      if (spec->kind == ParamKind::Boolean && x != 0.0 && x != 1.0)
        throw InputError("parameter '" + key + "' of model '" + model_ + "' = " + shown +
                         " must be true or false");
      if (x < spec->min || x > spec->max)
        throw InputError("parameter '" + key + "' of model '" + model_ + "' = " + shown +
                         " is out of range [" + num(spec->min) + ", " + num(spec->max) + "]");
    }
    values_[key] = value;
    overridden_[key] = true;
  }
}

const std::vector<double>& ParameterSet::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    throw std::logic_error("model '" + model_ + "' reads undeclared parameter '" + name + "'");
  return it->second;
}

double ParameterSet::real(const std::string& name) const { return get(name).at(0); }
long ParameterSet::integer(const std::string& name) const { return std::lround(get(name).at(0)); }
bool ParameterSet::boolean(const std::string& name) const { return get(name).at(0) != 0.0; }
const std::vector<double>& ParameterSet::list(const std::string& name) const { return get(name); }
bool ParameterSet::isDefault(const std::string& name) const {
  get(name);
  return !overridden_.at(name);
}

void ParameterSet::requireLength(const std::string& name, std::size_t length,
                                 const std::string& why) const {
  const auto& v = get(name);
  if (v.size() != length)
    throw InputError("parameter '" + name + "' of model '" + model_ + "' = " +
                     formatValue(v, true) + " has " + std::to_string(v.size()) +
                     " elements; it needs " + std::to_string(length) + " (" + why + ")");
}

std::vector<double> parseParameterValue(const std::string& key, const std::string& text) {
  std::string t;
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '(' && c != ')' && c != '[' && c != ']') t += c;
    else if (c == '(' || c == ')' || c == '[' || c == ']') t += ',';
  std::vector<double> out;
  std::stringstream ss(t);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    if (item == "true") { out.push_back(1.0); continue; }
    if (item == "false") { out.push_back(0.0); continue; }
    char* end = nullptr;
    const double x = std::strtod(item.c_str(), &end);
    if (end == item.c_str() || *end != '\0')
      throw InputError("value '" + text + "' for parameter '" + key +
                       "' is not a number, a boolean or a list of numbers");
    out.push_back(x);
  }
  if (out.empty())
    throw InputError("empty value for parameter '" + key + "'");
  return out;
}

}  // namespace mfg
