#include "solver/marl/EmpiricalGame.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <tuple>

#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::marl {

namespace {

constexpr double kRewardScale = 16777216.0;  // 2^24: fixed point of the summed rewards

/// parallel::allGatherConcat, its limit reported as bad input (the dataset is the user's).
template <class T>
std::vector<T> gatherAll(const std::vector<T>& local, MPI_Datatype type, MPI_Comm comm) {
  try {
    return parallel::allGatherConcat(local, type, comm);
  } catch (const std::length_error&) {
    throw InputError("dataset too large to gather (over 2^31 values)");
  }
}

}  // namespace

EmpiricalGame::EmpiricalGame(const games::EpisodeData& data, MPI_Comm comm) : action_counts_(data.action_counts) {
  data.check();
  for (int c : action_counts_) {
    if (joint_count_ > 10000000 / c) throw InputError("tabular learners: more than 10^7 joint actions");
    joint_count_ *= c;
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const long E = data.episodes;
  const int lo = static_cast<int>(E * rank / size), hi = static_cast<int>(E * (rank + 1) / size);
  const auto obs = static_cast<std::size_t>(data.observationSize());
  const int N = data.players;

  // 1. The states: every observation of a filled step and the one after it, gathered and sorted.
  std::set<std::vector<float>> local_keys;
  for (int e = lo; e < hi; ++e)
    for (int t = 0; t < data.steps && data.filled[data.stepIndex(e, t)]; ++t) {
      local_keys.emplace(data.observation(e, t), data.observation(e, t) + obs);
      local_keys.emplace(data.observation(e, t + 1), data.observation(e, t + 1) + obs);
    }
  std::vector<float> flat;
  for (const auto& k : local_keys) flat.insert(flat.end(), k.begin(), k.end());
  const std::vector<float> all = gatherAll(flat, MPI_FLOAT, comm);
  std::set<std::vector<float>> keys;
  for (std::size_t p = 0; p < all.size(); p += obs) keys.emplace(all.begin() + p, all.begin() + p + obs);
  keys_.assign(keys.begin(), keys.end());
  for (int s = 0; s < stateCount(); ++s) index_.emplace(keys_[s], s);

  // 2. Transition counts (state, joint, next or -1 when terminal) -> (count, reward sum in fixed point).
  std::map<std::tuple<int, int, int>, std::pair<std::int64_t, std::int64_t>> local;
  double local_max = 0.0;
  for (int e = lo; e < hi; ++e)
    for (int t = 0; t < data.steps && data.filled[data.stepIndex(e, t)]; ++t) {
      const std::size_t k = data.stepIndex(e, t);
      const std::vector<int> joint(data.actions.begin() + k * N, data.actions.begin() + (k + 1) * N);
      const int flat_joint = games::encodeJointAction(joint, action_counts_);
      double team = 0.0;
      for (int i = 0; i < N; ++i) team += data.rewards[k * N + i];
      team /= N;
      local_max = std::max(local_max, std::abs(team));
      const int s = index_.at(std::vector<float>(data.observation(e, t), data.observation(e, t) + obs));
      const int next = data.terminated[k]
                           ? -1
                           : index_.at(std::vector<float>(data.observation(e, t + 1), data.observation(e, t + 1) + obs));
      auto& entry = local[{s, flat_joint, next}];
      entry.first += 1;
      entry.second += std::llround(team * kRewardScale);
    }
  MPI_Allreduce(&local_max, &max_abs_reward_, 1, MPI_DOUBLE, MPI_MAX, comm);
  // Sums of at most 2^31 fixed-point rewards must fit in 63 bits.
  if (max_abs_reward_ * kRewardScale * static_cast<double>(data.transitions()) > 9.0e18)
    throw InputError(fmt::format("rewards up to {} over {} transitions overflow the exact reward sums", max_abs_reward_,
                                 data.transitions()));
  std::vector<std::int64_t> packed;
  for (const auto& [key, value] : local)
    packed.insert(packed.end(), {std::get<0>(key), std::get<1>(key), std::get<2>(key), value.first, value.second});
  const std::vector<std::int64_t> gathered = gatherAll(packed, MPI_INT64_T, comm);
  std::map<std::tuple<int, int, int>, std::pair<std::int64_t, std::int64_t>> global;
  for (std::size_t p = 0; p < gathered.size(); p += 5) {
    auto& entry = global[{static_cast<int>(gathered[p]), static_cast<int>(gathered[p + 1]), static_cast<int>(gathered[p + 2])}];
    entry.first += gathered[p + 3];
    entry.second += gathered[p + 4];
  }

  // 3. Per state: in-sample joint actions with their statistics; behaviour policies.
  samples_.assign(stateCount(), {});
  visits_.assign(stateCount(), 0.0);
  std::map<std::pair<int, int>, std::int64_t> reward_sum;
  for (const auto& [key, value] : global) {
    const auto [s, joint, next] = key;
    auto& list = samples_[s];
    if (list.empty() || list.back().joint != joint) {
      list.push_back({});
      list.back().joint = joint;
      list.back().actions = jointAction(joint);
    }
    Sample& sample = list.back();
    sample.count += static_cast<double>(value.first);
    reward_sum[{s, joint}] += value.second;
    if (next < 0) sample.terminal += static_cast<double>(value.first);
    else sample.next.emplace_back(next, static_cast<double>(value.first));
    visits_[s] += static_cast<double>(value.first);
    transitions_ += value.first;
  }
  for (int s = 0; s < stateCount(); ++s)
    for (Sample& sample : samples_[s]) {
      sample.reward = static_cast<double>(reward_sum[{s, sample.joint}]) / kRewardScale / sample.count;
      sample.terminal /= sample.count;
      for (auto& [next, p] : sample.next) p /= sample.count;
    }
  behaviour_.assign(N, {});
  for (int i = 0; i < N; ++i) {
    behaviour_[i].assign(static_cast<std::size_t>(stateCount()) * action_counts_[i], 0.0);
    for (int s = 0; s < stateCount(); ++s) {
      double* row = behaviour_[i].data() + static_cast<std::size_t>(s) * action_counts_[i];
      if (samples_[s].empty()) {
        std::fill(row, row + action_counts_[i], 1.0 / action_counts_[i]);
        continue;
      }
      for (const Sample& sample : samples_[s]) row[sample.actions[i]] += sample.count / visits_[s];
    }
  }
}

int EmpiricalGame::findState(const float* observation) const {
  const auto it = index_.find(std::vector<float>(observation, observation + (keys_.empty() ? 0 : keys_[0].size())));
  return it == index_.end() ? -1 : it->second;
}

}  // namespace mfg::marl
