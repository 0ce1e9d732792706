#pragma once
#include <stdexcept>
#include <string>

namespace mfg {

/// Bad user input (unknown key, wrong type, value out of range, malformed file). The CLI maps it
/// to exit status 2; the message names the key or value and what would have been valid.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace mfg
