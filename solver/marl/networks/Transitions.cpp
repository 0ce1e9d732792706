#include "solver/marl/networks/Transitions.hpp"

#include <algorithm>
#include <stdexcept>

namespace mfg::marl {

TransitionStore::TransitionStore(const std::vector<std::int64_t>& shape, int players, std::int64_t capacity)
    : shape_(shape), capacity_(capacity), players_(players) {
  if (capacity < 1) throw std::invalid_argument("TransitionStore: capacity must be positive");
  for (auto d : shape) obs_size_ *= d;
  observations_ = torch::zeros({capacity, obs_size_}, torch::kFloat32);
  next_observations_ = torch::zeros({capacity, obs_size_}, torch::kFloat32);
  actions_ = torch::zeros({capacity, players}, torch::kInt64);
  rewards_ = torch::zeros({capacity, players}, torch::kFloat32);
  terminated_ = torch::zeros({capacity}, torch::kFloat32);
}

void TransitionStore::add(const float* observation, const float* next_observation, const std::vector<int>& joint,
                          const std::vector<double>& rewards, bool terminated) {
  std::copy_n(observation, obs_size_, observations_[next_].data_ptr<float>());
  std::copy_n(next_observation, obs_size_, next_observations_[next_].data_ptr<float>());
  auto* a = actions_[next_].data_ptr<std::int64_t>();
  auto* r = rewards_[next_].data_ptr<float>();
  for (int i = 0; i < players_; ++i) {
    a[i] = joint[i];
    r[i] = static_cast<float>(rewards[i]);
  }
  terminated_[next_] = terminated ? 1.0f : 0.0f;
  next_ = (next_ + 1) % capacity_;
  size_ = std::min(size_ + 1, capacity_);
}

TransitionBatch TransitionStore::gather(const torch::Tensor& indices) const {
  std::vector<std::int64_t> shape{indices.size(0)};
  shape.insert(shape.end(), shape_.begin(), shape_.end());
  return {observations_.index_select(0, indices).view(shape), next_observations_.index_select(0, indices).view(shape),
          actions_.index_select(0, indices), rewards_.index_select(0, indices), terminated_.index_select(0, indices)};
}

void TransitionStore::save(torch::serialize::OutputArchive& archive) const {
  archive.write("observations", observations_);
  archive.write("next_observations", next_observations_);
  archive.write("actions", actions_);
  archive.write("rewards", rewards_);
  archive.write("terminated", terminated_);
  archive.write("position", torch::tensor({size_, next_}, torch::kInt64));
}

void TransitionStore::load(torch::serialize::InputArchive& archive) {
  torch::Tensor obs, next, actions, rewards, terminated, position;
  archive.read("observations", obs);
  archive.read("next_observations", next);
  archive.read("actions", actions);
  archive.read("rewards", rewards);
  archive.read("terminated", terminated);
  archive.read("position", position);
  if (!obs.sizes().equals(observations_.sizes()) || !actions.sizes().equals(actions_.sizes()))
    throw std::invalid_argument("replay buffer of another shape");
  observations_ = obs, next_observations_ = next, actions_ = actions, rewards_ = rewards, terminated_ = terminated;
  size_ = position[0].item<std::int64_t>();
  next_ = position[1].item<std::int64_t>();
}

TransitionBatch TransitionStore::all() const { return gather(torch::arange(size_, torch::kInt64)); }

TransitionStore transitionsOf(const games::EpisodeData& data, int first, int last, long limit) {
  long n = 0;
  for (int e = first; e < last; ++e)
    for (int t = 0; t < data.steps && data.filled[data.stepIndex(e, t)]; ++t) ++n;
  if (limit > 0) n = std::min(n, limit);
  TransitionStore store(data.observation_shape, data.players, std::max(n, 1L));
  long added = 0;
  std::vector<int> joint(data.players);
  std::vector<double> rewards(data.players);
  for (int e = first; e < last && added < n; ++e)
    for (int t = 0; t < data.steps && data.filled[data.stepIndex(e, t)] && added < n; ++t, ++added) {
      const std::size_t k = data.stepIndex(e, t);
      for (int i = 0; i < data.players; ++i) {
        joint[i] = data.actions[k * data.players + i];
        rewards[i] = data.rewards[k * data.players + i];
      }
      store.add(data.observation(e, t), data.observation(e, t + 1), joint, rewards, data.terminated[k] != 0);
    }
  return store;
}

std::vector<double> playEpisode(games::MarkovGame& game, const JointActor& actor, games::Rng& rng,
                                TransitionStore* store, bool limit_ends) {
  const auto obs_size = static_cast<std::size_t>(game.observationSize());
  std::vector<float> obs(obs_size), next(obs_size);
  std::vector<double> total(game.players(), 0.0);
  game.reset(rng);
  game.observe(obs.data());
  for (int t = 0; t < game.stepLimit(); ++t) {
    const std::vector<int> joint = actor(obs.data(), rng);
    const games::StepResult r = game.step(joint, rng);
    game.observe(next.data());
    for (int i = 0; i < game.players(); ++i) total[i] += r.rewards[i];
    if (store) store->add(obs.data(), next.data(), joint, r.rewards, r.terminated || (limit_ends && t + 1 == game.stepLimit()));
    if (r.terminated) break;
    obs.swap(next);
  }
  return total;
}

}  // namespace mfg::marl
