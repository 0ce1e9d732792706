#pragma once
// Sizes for the whole-suite loops (every built-in model through the engine, the dense reference or
// a solver). Most models run there at their defaults; a model whose default state space is sized
// for scale (taxi: 10^4 zones) runs at a reduced size, and at full size in its own tests
// (test_models, test_irl_models). At full size taxi alone took 95 % of the fictitious-play loop.
#include <map>
#include <string>
#include <vector>

namespace mfg::testing {

inline std::map<std::string, std::vector<double>> suiteOverrides(const std::string& model) {
  // 300 zones: still several rows per rank crossing ownership boundaries, and clipped borders.
  if (model == "taxi") return {{"width", {20}}, {"height", {15}}};
  return {};
}

}  // namespace mfg::testing
