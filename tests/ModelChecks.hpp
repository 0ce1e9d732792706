#pragma once
// Helpers shared by the model unit tests (test_models, test_noise_models): a kernel row as a map,
// closeness checks, and the check that a bad parameter is an InputError naming its key.
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "solver/models/InputError.hpp"
#include "solver/models/Model.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::testing {

using Row = std::map<std::int64_t, double>;
using Overrides = std::map<std::string, std::vector<double>>;

/// Kernel row P_t(.|s,a) with repeated successors added up.
inline Row row(const Model& m, const MeanFieldView& v, std::int64_t s, std::int64_t a) {
  std::vector<Transition> out;
  m.transitions(v, s, a, out);
  Row r;
  for (const auto& tr : out) r[tr.next] += tr.prob;
  return r;
}

/// |got - want| <= tol · max(1, |want|).
inline void checkClose(double got, double want, const std::string& what, double tol = 1e-12) {
  BOOST_CHECK_MESSAGE(std::abs(got - want) <= tol * std::max(1.0, std::abs(want)),
                      what << " = " << got << ", expected " << want);
}

/// True when `key` occurs in `text` as a whole word (not as part of a longer identifier).
inline bool namesKey(const std::string& text, const std::string& key) {
  const auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    const bool before = pos == 0 || !ident(text[pos - 1]);
    const bool after = pos + key.size() >= text.size() || !ident(text[pos + key.size()]);
    if (before && after) return true;
  }
  return false;
}

/// Building `model` with `overrides` must raise an InputError that names `key`.
inline void expectInputError(const std::string& model, const Overrides& overrides, const std::string& key) {
  try {
    auto m = makeModel(model, overrides);
    BOOST_ERROR(model << ": bad value for '" << key << "' was accepted");
  } catch (const InputError& e) {
    BOOST_CHECK_MESSAGE(namesKey(e.what(), key), model << ": InputError does not name '" << key << "': " << e.what());
  } catch (const std::exception& e) {
    BOOST_ERROR(model << ": bad value for '" << key << "' raised a non-InputError: " << e.what());
  }
}

}  // namespace mfg::testing
