#include "solver/irl/networks/IrlFeatures.hpp"

#include <algorithm>
#include <stdexcept>

namespace mfg::irl {

IrlFeatures::IrlFeatures(const Model& model)
    : S_(model.numStates()), A_(model.numActions()), T_(model.numSteps()), shape_(model.stateShape()) {
  one_hot_ = S_ <= kOneHotStates;
  if (!one_hot_) {
    // Flat index = row-major over the state shape; each coordinate scaled to [0, 1].
    coords_.assign(static_cast<std::size_t>(S_), std::vector<double>(shape_.size()));
    for (std::int64_t s = 0; s < S_; ++s) {
      std::int64_t rest = s;
      for (std::size_t k = shape_.size(); k-- > 0;) {
        const std::int64_t n = shape_[k];
        coords_[static_cast<std::size_t>(s)][k] = n > 1 ? static_cast<double>(rest % n) / static_cast<double>(n - 1) : 0.0;
        rest /= n;
      }
    }
  }
}

void IrlFeatures::writeState(std::int64_t s, double* out) const {
  if (one_hot_) {
    std::fill(out, out + S_, 0.0);
    out[s] = 1.0;
  } else {
    for (std::size_t k = 0; k < shape_.size(); ++k) out[k] = static_cast<double>(coords_[static_cast<std::size_t>(s)][k]);
  }
}

std::vector<std::vector<double>> IrlFeatures::moments(const GlobalTable& flow) const {
  std::vector<std::vector<double>> m;
  if (one_hot_) return m;
  m.assign(flow.size(), std::vector<double>(shape_.size(), 0.0));
  for (std::size_t t = 0; t < flow.size(); ++t)
    for (std::int64_t s = 0; s < S_; ++s) {
      const double w = flow[t][static_cast<std::size_t>(s)];
      if (w == 0.0) continue;
      for (std::size_t k = 0; k < shape_.size(); ++k) m[t][k] += w * coords_[static_cast<std::size_t>(s)][k];
    }
  return m;
}

void IrlFeatures::writeField(const GlobalTable& flow, const std::vector<std::vector<double>>& moments, std::int64_t t,
                             std::int64_t s, double* out) const {
  const auto& mu = flow[static_cast<std::size_t>(t)];
  if (one_hot_) {
    for (std::int64_t j = 0; j < S_; ++j) out[j] = static_cast<double>(mu[static_cast<std::size_t>(j)]);
  } else {
    out[0] = static_cast<double>(mu[static_cast<std::size_t>(s)] * static_cast<double>(S_));
    for (std::size_t k = 0; k < shape_.size(); ++k) out[1 + k] = static_cast<double>(moments[static_cast<std::size_t>(t)][k]);
  }
}

torch::Tensor IrlFeatures::rewardGrid(const GlobalTable& flow, std::int64_t first, std::int64_t last) const {
  const std::int64_t n = last - first, D = rewardInputs(), SI = stateInputs();
  auto out = torch::zeros({T_, n, A_, D}, torch::kFloat64);
  double* x = out.data_ptr<double>();
  const auto mom = moments(flow);
  for (std::int64_t t = 0; t < T_; ++t)
    for (std::int64_t i = 0; i < n; ++i) {
      double* row = x + ((t * n + i) * A_) * D;
      writeState(first + i, row);
      writeField(flow, mom, t, first + i, row + SI + A_);
      row[SI] = 1.0;
      for (std::int64_t a = 1; a < A_; ++a) {
        double* other = row + a * D;
        std::copy(row, row + D, other);
        other[SI] = 0.0;
        other[SI + a] = 1.0;
      }
    }
  return out;
}

torch::Tensor IrlFeatures::rewardRows(const GlobalTable& flow, const std::vector<std::int64_t>& t,
                                      const std::vector<std::int64_t>& s, const std::vector<std::int64_t>& a) const {
  const auto B = static_cast<std::int64_t>(t.size());
  const std::int64_t D = rewardInputs(), SI = stateInputs();
  auto out = torch::zeros({B, D}, torch::kFloat64);
  double* x = out.data_ptr<double>();
  const auto mom = moments(flow);
  for (std::int64_t k = 0; k < B; ++k) {
    double* row = x + k * D;
    writeState(s[static_cast<std::size_t>(k)], row);
    row[SI + a[static_cast<std::size_t>(k)]] = 1.0;
    writeField(flow, mom, t[static_cast<std::size_t>(k)], s[static_cast<std::size_t>(k)], row + SI + A_);
  }
  return out;
}

torch::Tensor IrlFeatures::potentialRows(const GlobalTable& flow, const std::vector<std::int64_t>& t,
                                         const std::vector<std::int64_t>& s) const {
  const auto B = static_cast<std::int64_t>(t.size());
  const std::int64_t D = potentialInputs(), SI = stateInputs();
  auto out = torch::zeros({B, D}, torch::kFloat64);
  double* x = out.data_ptr<double>();
  const auto mom = moments(flow);
  for (std::int64_t k = 0; k < B; ++k) {
    double* row = x + k * D;
    writeState(s[static_cast<std::size_t>(k)], row);
    writeField(flow, mom, t[static_cast<std::size_t>(k)], s[static_cast<std::size_t>(k)], row + SI);
  }
  return out;
}

torch::Tensor IrlFeatures::policyGrid(const GlobalTable& flow, int t, std::int64_t first, std::int64_t last) const {
  const std::int64_t n = last - first, D = policyInputs(), SI = stateInputs();
  auto out = torch::zeros({n, D}, torch::kFloat64);
  double* x = out.data_ptr<double>();
  const auto mom = moments(flow);
  for (std::int64_t i = 0; i < n; ++i) {
    double* row = x + i * D;
    writeState(first + i, row);
    writeField(flow, mom, t, first + i, row + SI);
    row[D - 1] = static_cast<double>(t) / static_cast<double>(T_);
  }
  return out;
}

torch::Tensor IrlFeatures::policyRows(const GlobalTable& flow, const std::vector<std::int64_t>& t,
                                      const std::vector<std::int64_t>& s) const {
  auto rows = potentialRows(flow, t, s);
  std::vector<double> time(t.size());
  for (std::size_t k = 0; k < t.size(); ++k) time[k] = static_cast<double>(t[k]) / static_cast<double>(T_);
  auto tt = torch::from_blob(time.data(), {static_cast<std::int64_t>(t.size()), 1}, torch::kFloat64).clone();
  return torch::cat({rows, tt}, 1);
}

torch::Tensor IrlFeatures::trajectories(const GlobalTable& flow, const std::int64_t* states,
                                        const std::int64_t* actions, std::int64_t agents) const {
  const std::int64_t D = trajectoryInputs(), SI = stateInputs(), LI = localInputs();
  const std::int64_t per_step = SI + LI + A_;
  auto out = torch::zeros({agents, D}, torch::kFloat64);
  double* x = out.data_ptr<double>();
  for (std::int64_t i = 0; i < agents; ++i) {
    double* row = x + i * D;
    for (std::int64_t t = 0; t <= T_; ++t) {
      double* step = row + t * per_step;
      const std::int64_t s = states[i * (T_ + 1) + t];
      writeState(s, step);
      if (LI) step[SI] = static_cast<double>(flow[static_cast<std::size_t>(t)][static_cast<std::size_t>(s)] * static_cast<double>(S_));
      if (t < T_) step[SI + LI + actions[i * T_ + t]] = 1.0;
    }
  }
  return out;
}

IrlFeatures::Summary IrlFeatures::behaviourSummary(const std::int64_t* states, const std::int64_t* actions,
                                                   std::int64_t agents) const {
  const std::int64_t SI = stateInputs(), per_step = SI + A_;
  const auto D = static_cast<std::size_t>((T_ + 1) * per_step);
  std::vector<double> sum(D, 0.0), squares(D, 0.0), state(static_cast<std::size_t>(SI));
  for (std::int64_t i = 0; i < agents; ++i)
    for (std::int64_t t = 0; t <= T_; ++t) {
      const auto step = static_cast<std::size_t>(t * per_step);
      writeState(states[i * (T_ + 1) + t], state.data());
      for (std::int64_t j = 0; j < SI; ++j) {
        const double v = state[static_cast<std::size_t>(j)];
        sum[step + static_cast<std::size_t>(j)] += v;
        squares[step + static_cast<std::size_t>(j)] += v * v;
      }
      if (t < T_) {
        const auto a = step + static_cast<std::size_t>(SI + actions[i * T_ + t]);
        sum[a] += 1.0;
        squares[a] += 1.0;
      }
    }
  Summary out;
  out.mean.resize(D);
  const auto N = static_cast<double>(agents);
  for (std::size_t d = 0; d < D; ++d) {
    out.mean[d] = sum[d] / N;
    // Sample variance of the feature over the agents, then the variance of their mean.
    if (agents > 1) out.noise += std::max(0.0, squares[d] - N * out.mean[d] * out.mean[d]) / (N - 1.0) / N;
  }
  return out;
}

}  // namespace mfg::irl
