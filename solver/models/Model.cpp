#include "solver/models/Model.hpp"

#include <functional>
#include <numeric>

namespace mfg {

static std::int64_t product(const std::vector<std::int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::int64_t{1}, std::multiplies<>());
}

std::int64_t Model::numStates() const { return product(stateShape()); }
std::int64_t Model::numActions() const { return product(actionShape()); }

void Model::rewardBlock(const MeanFieldView& v, std::int64_t first, std::int64_t last, double* out) const {
  const std::int64_t A = numActions();
  for (std::int64_t s = first; s < last; ++s)
    for (std::int64_t a = 0; a < A; ++a) *out++ = reward(v, s, a);
}

std::vector<double> NoiseProcess::pick(const std::vector<NoiseOutcome>& outcomes, std::mt19937_64& rng) {
  const double u = uniform01(rng);
  double acc = 0.0;
  for (const auto& o : outcomes) {
    acc += o.prob;
    if (u < acc) return o.z;
  }
  return outcomes.back().z;
}

void denseSupport(std::int64_t num_states, std::vector<std::int64_t>& cols) {
  cols.resize(static_cast<std::size_t>(num_states));
  std::iota(cols.begin(), cols.end(), std::int64_t{0});
}

}  // namespace mfg
