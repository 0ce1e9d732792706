#include "solver/marl/networks/DemonstrationLearner.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "solver/learn/PolicyNetwork.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::marl {

IrlMethod irlMethodOf(const std::string& name) {
  if (name == "mamql") return IrlMethod::kMamql;
  if (name == "iq-learn") return IrlMethod::kIqLearn;
  if (name == "bc") return IrlMethod::kBc;
  if (name == "soft-q") return IrlMethod::kSoftQ;
  throw InputError(fmt::format("unknown --method '{}' (valid: mamql, iq-learn, bc, soft-q)", name));
}

std::string nameOf(IrlMethod method) {
  switch (method) {
    case IrlMethod::kMamql: return "mamql";
    case IrlMethod::kIqLearn: return "iq-learn";
    case IrlMethod::kBc: return "bc";
    case IrlMethod::kSoftQ: return "soft-q";
  }
  return "unknown";
}

namespace {

/// Draws from a probability row with `rng` (the same draw on every rank).
int sample(const float* p, int n, games::Rng& rng) {
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  double c = 0.0;
  for (int k = 0; k < n; ++k) {
    c += p[k];
    if (u < c) return k;
  }
  return n - 1;
}

torch::Tensor randomIndices(std::int64_t count, std::int64_t bound, games::Rng& rng) {
  std::vector<std::int64_t> idx(count);
  std::uniform_int_distribution<std::int64_t> pick(0, bound - 1);
  for (auto& i : idx) i = pick(rng);
  return torch::tensor(idx, torch::kInt64);
}

}  // namespace

DemonstrationLearner::DemonstrationLearner(games::MarkovGame& game, TransitionStore expert, const IrlSettings& settings,
                                           MPI_Comm comm)
    : game_(game),
      settings_(settings),
      comm_(comm),
      action_counts_(game.actionCounts()),
      expert_(std::move(expert)),
      buffer_(game.observationShape(), game.players(), settings.buffer),
      rng_(settings.seed) {
  MPI_Comm_rank(comm, &rank_);
  MPI_Comm_size(comm, &ranks_);
  if (expert_.size() < 1 && settings.method != IrlMethod::kSoftQ) throw InputError("no expert transitions");
  if (settings.method == IrlMethod::kSoftQ && !(settings.soft_q_alpha > 0.0))
    throw InputError(fmt::format("soft-q: the temperature {} must be > 0", settings.soft_q_alpha));
  if (settings.target_every < 1) throw InputError("soft-q: target_every must be >= 1");
  if (settings.batch < 1) throw InputError(fmt::format("batch {} must be positive", settings.batch));
  for (int c : action_counts_) {
    joint_count_ *= c;
    if (settings.method == IrlMethod::kIqLearn && joint_count_ > 100000)
      throw InputError(fmt::format("iq-learn's critic has one output per joint action; {} players with {} actions "
                                   "make more than 100000 (use mamql or bc)",
                                   action_counts_.size(), c));
  }
  torch::manual_seed(settings.seed);  // the same initial parameters on every rank
  const int networks = settings.method == IrlMethod::kIqLearn ? 1 : game.players();
  for (int k = 0; k < networks; ++k) {
    const std::int64_t outputs = settings.method == IrlMethod::kIqLearn ? joint_count_ : action_counts_[k];
    critics_.push_back(Critic(game.observationShape(), outputs));
    optimisers_.push_back(std::make_unique<torch::optim::Adam>(
        critics_.back()->parameters(),
        torch::optim::AdamOptions(settings.learning_rate).weight_decay(settings.weight_decay)));
    if (settings.method == IrlMethod::kSoftQ) targets_.push_back(Critic(game.observationShape(), outputs));
  }
  refreshTargets();
  if (settings.method != IrlMethod::kBc)
    playEpisode(game_, [&](const float* o, games::Rng& r) { return act(o, r); }, rng_, &buffer_,
                settings.method == IrlMethod::kSoftQ);
}

torch::Tensor DemonstrationLearner::values(int, const torch::Tensor& q) const {
  if (settings_.method == IrlMethod::kIqLearn) return settings_.iq_alpha * torch::logsumexp(q / settings_.iq_alpha, 1);
  return torch::logsumexp(q, 1);
}

void DemonstrationLearner::refreshTargets() {
  torch::NoGradGuard no_grad;
  for (std::size_t k = 0; k < targets_.size(); ++k) {
    const auto from = critics_[k]->parameters(), to = targets_[k]->parameters();
    for (std::size_t j = 0; j < from.size(); ++j) to[j].copy_(from[j]);
    targets_[k]->eval();
  }
}

torch::Tensor DemonstrationLearner::shard(std::int64_t batch) const {
  return torch::arange(batch * rank_ / ranks_, batch * (rank_ + 1) / ranks_, torch::kInt64);
}

double DemonstrationLearner::step(int k) {
  const std::int64_t B = settings_.batch;
  // The global batch, drawn identically on every rank; this rank computes its slice.
  const bool soft_q = settings_.method == IrlMethod::kSoftQ;
  torch::Tensor expert_rows;
  if (!soft_q) expert_rows = randomIndices(B, expert_.size(), rng_).index_select(0, shard(B));
  torch::Tensor policy_rows;
  if (settings_.method != IrlMethod::kBc)
    policy_rows = randomIndices(B, buffer_.size(), rng_).index_select(0, shard(B));
  Critic& critic = critics_[k];
  critic->train();
  torch::Tensor loss = torch::zeros({}, torch::kFloat32);
  if (soft_q ? policy_rows.size(0) > 0 : expert_rows.size(0) > 0)
    loss = this->loss(k, soft_q ? TransitionBatch{} : expert_.gather(expert_rows),
                      settings_.method == IrlMethod::kBc ? TransitionBatch{} : buffer_.gather(policy_rows), B);
  optimisers_[k]->zero_grad();
  if (loss.requires_grad()) loss.backward();
  // The one allreduce of the step: every rank adds the gradient of its slice.
  torch::Tensor flat = flatGradients(*critic).contiguous();
  MPI_Allreduce(MPI_IN_PLACE, flat.data_ptr<float>(), static_cast<int>(flat.numel()), MPI_FLOAT, MPI_SUM, comm_);
  setFlatGradients(*critic, flat);
  optimisers_[k]->step();
  double value = loss.item<double>();
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return value;
}

torch::Tensor DemonstrationLearner::loss(int k, const TransitionBatch& e, const TransitionBatch& p,
                                         std::int64_t B) {
  Critic& critic = critics_[k];
  if (settings_.method == IrlMethod::kBc) {
    const auto logits = critic->forward(e.observations);
    return torch::nn::functional::cross_entropy(
               logits, e.actions.select(1, k), torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
           static_cast<double>(B);
  }
  if (settings_.method == IrlMethod::kSoftQ) {
    // Soft Q-learning in units of α: Q(s, a_k) toward r_k/α + γ(1 − d) log Σ_a exp Q_target(s', a).
    const auto qa = critic->forward(p.observations).gather(1, p.actions.select(1, k).unsqueeze(1)).squeeze(1);
    torch::Tensor target;
    {
      torch::NoGradGuard no_grad;
      const auto v = torch::logsumexp(targets_[static_cast<std::size_t>(k)]->forward(p.next_observations), 1);
      target = p.rewards.select(1, k) / settings_.soft_q_alpha + settings_.gamma * (1 - p.terminated) * v;
    }
    return (qa - target).pow(2).sum() / static_cast<double>(B);
  }
  const auto n = e.observations.size(0), m = p.observations.size(0);
  const auto q = critic->forward(torch::cat({e.observations, e.next_observations, p.observations, p.next_observations}));
  const auto v = values(k, q);
  torch::Tensor a;
  if (settings_.method == IrlMethod::kMamql) {
    a = e.actions.select(1, k);
  } else {  // flat joint action, player 0 slowest
    a = torch::zeros({n}, torch::kInt64);
    for (std::size_t i = 0; i < action_counts_.size(); ++i) a = a * action_counts_[i] + e.actions.select(1, i);
  }
  const auto qa = q.slice(0, 0, n).gather(1, a.unsqueeze(1)).squeeze(1);
  const auto x = qa - settings_.gamma * (1 - e.terminated) * v.slice(0, n, 2 * n);
  const auto phi = x - x * x / 4.0;
  const auto on_policy =
      v.slice(0, 2 * n, 2 * n + m) - settings_.gamma * (1 - p.terminated) * v.slice(0, 2 * n + m, 2 * n + 2 * m);
  return (on_policy.sum() - phi.sum()) / static_cast<double>(B);
}

torch::Tensor DemonstrationLearner::outputs(int k, const torch::Tensor& observations) {
  torch::NoGradGuard no_grad;
  critics_[k]->eval();
  return critics_[k]->forward(observations);
}

double DemonstrationLearner::iterate() {
  std::vector<int> order(critics_.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng_);
  double total = 0.0;
  for (int k : order) total += step(k);
  if (settings_.method != IrlMethod::kBc) {
    // Soft Q-learning maximises the return up to the step limit: nothing is bootstrapped past it.
    const auto returns = playEpisode(game_, [&](const float* o, games::Rng& r) { return act(o, r); }, rng_, &buffer_,
                                     settings_.method == IrlMethod::kSoftQ);
    rollout_return_ = 0.0;
    for (double r : returns) rollout_return_ += r / static_cast<double>(returns.size());
  }
  ++iteration_;
  if (settings_.method == IrlMethod::kSoftQ && iteration_ % settings_.target_every == 0) refreshTargets();
  return total / static_cast<double>(order.size());
}

std::vector<int> DemonstrationLearner::act(const float* observation, games::Rng& rng) {
  torch::NoGradGuard no_grad;
  std::vector<std::int64_t> shape{1};
  const auto obs_shape = game_.observationShape();
  shape.insert(shape.end(), obs_shape.begin(), obs_shape.end());
  const auto x = torch::from_blob(const_cast<float*>(observation), shape, torch::kFloat32);
  std::vector<int> joint(action_counts_.size());
  if (settings_.method == IrlMethod::kIqLearn) {
    critics_[0]->eval();
    const auto p = torch::softmax(critics_[0]->forward(x)[0] / settings_.iq_alpha, 0).contiguous();
    return games::decodeJointAction(sample(p.data_ptr<float>(), static_cast<int>(joint_count_), rng), action_counts_);
  }
  for (std::size_t i = 0; i < joint.size(); ++i) {
    critics_[i]->eval();
    const auto p = torch::softmax(critics_[i]->forward(x)[0], 0).contiguous();
    joint[i] = sample(p.data_ptr<float>(), action_counts_[i], rng);
  }
  return joint;
}

torch::Tensor DemonstrationLearner::recoveredRewards(const TransitionBatch& batch) {
  if (settings_.method == IrlMethod::kBc) return {};
  torch::NoGradGuard no_grad;
  const auto n = batch.observations.size(0);
  const auto keep = settings_.gamma * (1 - batch.terminated);
  if (settings_.method == IrlMethod::kIqLearn) {
    critics_[0]->eval();
    auto a = torch::zeros({n}, torch::kInt64);
    for (std::size_t i = 0; i < action_counts_.size(); ++i) a = a * action_counts_[i] + batch.actions.select(1, i);
    const auto qa = critics_[0]->forward(batch.observations).gather(1, a.unsqueeze(1)).squeeze(1);
    const auto r = qa - keep * values(0, critics_[0]->forward(batch.next_observations));
    return r.unsqueeze(1).expand({n, static_cast<std::int64_t>(action_counts_.size())}).contiguous();
  }
  std::vector<torch::Tensor> columns;
  const double scale = settings_.method == IrlMethod::kSoftQ ? settings_.soft_q_alpha : 1.0;  // soft-q learns Q/α
  for (std::size_t i = 0; i < critics_.size(); ++i) {
    critics_[i]->eval();
    const auto qa = critics_[i]->forward(batch.observations).gather(1, batch.actions.select(1, i).unsqueeze(1)).squeeze(1);
    columns.push_back(scale * (qa - keep * values(static_cast<int>(i), critics_[i]->forward(batch.next_observations))));
  }
  return torch::stack(columns, 1);
}

torch::Tensor DemonstrationLearner::parameters() {
  std::vector<torch::Tensor> parts;
  for (auto& c : critics_) parts.push_back(flatParameters(*c));
  return torch::cat(parts);
}

void DemonstrationLearner::save(const std::string& path, MPI_Comm comm) const {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    try {
      torch::serialize::OutputArchive archive;
      archive.write("method", torch::tensor({static_cast<std::int64_t>(settings_.method)}));
      archive.write("iteration", torch::tensor({static_cast<std::int64_t>(iteration_)}));
      std::ostringstream state;
      state << rng_;
      const std::string text = state.str();
      archive.write("rng", torch::tensor(std::vector<std::int64_t>(text.begin(), text.end())));
      for (std::size_t k = 0; k < critics_.size(); ++k) {
        torch::serialize::OutputArchive net, opt;
        critics_[k]->save(net);
        optimisers_[k]->save(opt);
        archive.write(fmt::format("critic_{}", k), net);
        archive.write(fmt::format("optimiser_{}", k), opt);
      }
      for (std::size_t k = 0; k < targets_.size(); ++k) {
        torch::serialize::OutputArchive net;
        targets_[k]->save(net);
        archive.write(fmt::format("target_{}", k), net);
      }
      torch::serialize::OutputArchive buffer;
      buffer_.save(buffer);
      archive.write("buffer", buffer);
      const std::string tmp = path + ".tmp";
      archive.save_to(tmp);
      if (std::rename(tmp.c_str(), path.c_str()) != 0) error = "cannot rename " + tmp + " to " + path;
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  int failed = error.empty() ? 0 : 1;
  MPI_Bcast(&failed, 1, MPI_INT, 0, comm);
  if (failed) throw std::runtime_error("writing " + path + ": " + (rank == 0 ? error : std::string("see rank 0")));
}

IrlMethod DemonstrationLearner::methodIn(const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    torch::Tensor method;
    archive.read("method", method);
    const auto m = method.item<std::int64_t>();
    if (m < 0 || m > 3) throw std::runtime_error("unknown method code");
    return static_cast<IrlMethod>(m);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{} is not a network file of `mfg marl irl`: {}", path, e.what()));
  }
}

void DemonstrationLearner::load(const std::string& path, bool with_buffer) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    torch::Tensor method, iteration, rng;
    archive.read("method", method);
    if (method.item<std::int64_t>() != static_cast<std::int64_t>(settings_.method))
      throw InputError(fmt::format("{} holds another method's networks", path));
    archive.read("iteration", iteration);
    archive.read("rng", rng);
    for (std::size_t k = 0; k < critics_.size(); ++k) {
      torch::serialize::InputArchive net, opt;
      archive.read(fmt::format("critic_{}", k), net);
      archive.read(fmt::format("optimiser_{}", k), opt);
      critics_[k]->load(net);
      optimisers_[k]->load(opt);
    }
    for (std::size_t k = 0; k < targets_.size(); ++k) {
      torch::serialize::InputArchive net;
      archive.read(fmt::format("target_{}", k), net);
      targets_[k]->load(net);
      targets_[k]->eval();
    }
    if (with_buffer) {
      torch::serialize::InputArchive buffer;
      archive.read("buffer", buffer);
      buffer_.load(buffer);
    }
    std::string text;
    for (std::int64_t k = 0; k < rng.numel(); ++k) text.push_back(static_cast<char>(rng[k].item<std::int64_t>()));
    std::istringstream state(text);
    state >> rng_;
    iteration_ = iteration.item<std::int64_t>();
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("cannot resume from {}: {}", path, e.what()));
  }
}

}  // namespace mfg::marl
