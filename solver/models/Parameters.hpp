#pragma once
// Model parameters: every model declares its parameters (name, kind, default, valid range);
// user values are checked against that declaration before any work is done.
#include <map>
#include <string>
#include <vector>

namespace mfg {

enum class ParamKind { Real, Integer, Boolean, RealList, IntegerList };

struct ParameterSpec {
  std::string name;
  ParamKind kind;
  std::vector<double> default_value;  ///< one element for scalars
  double min;                         ///< valid range of every element, inclusive
  double max;
  std::string description;
};

std::string kindName(ParamKind k);
bool isList(ParamKind k);

/// Values of a model's parameters after defaults and user overrides have been merged and checked.
class ParameterSet {
 public:
  ParameterSet() = default;
  ParameterSet(std::string model, std::vector<ParameterSpec> specs,
               const std::map<std::string, std::vector<double>>& overrides);

  double real(const std::string& name) const;
  long integer(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::vector<double>& list(const std::string& name) const;
  bool isDefault(const std::string& name) const;

  const std::vector<ParameterSpec>& specs() const { return specs_; }
  const std::map<std::string, std::vector<double>>& values() const { return values_; }
  const std::string& model() const { return model_; }

  /// Raises InputError naming the parameter when a list does not have the expected length.
  void requireLength(const std::string& name, std::size_t length, const std::string& why) const;

 private:
  const std::vector<double>& get(const std::string& name) const;
  std::string model_;
  std::vector<ParameterSpec> specs_;
  std::map<std::string, std::vector<double>> values_;
  std::map<std::string, bool> overridden_;
};

/// Parses a value written on the command line (`--set key=value`): a number, true/false, or a
/// list `[1, 2, 3]` (nested brackets are flattened). Raises InputError naming the key.
std::vector<double> parseParameterValue(const std::string& key, const std::string& text);

std::string formatValue(const std::vector<double>& v, bool list);

}  // namespace mfg
