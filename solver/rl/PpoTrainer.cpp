#include "solver/rl/PpoTrainer.hpp"
#include "solver/learn/FlushDenormals.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <random>

#include "solver/learn/CheckpointRecords.hpp"
#include "solver/models/InputError.hpp"
#include "solver/rl/Advantages.hpp"
#include "solver/rl/LearnerSupport.hpp"
#include "solver/rl/PpoLosses.hpp"

namespace mfg::rl {

namespace {

constexpr std::uint64_t kActionSalt = 0xAC71ULL, kShuffleSalt = 0x5B0FULL, kEvaluationSalt = 0xE7A1ULL;

}  // namespace

/// One rollout chunk: per (step k, slot j) the shared observation and whether an episode started
/// there; per (step k, own learner i) the transition, at index k·n + i.
struct PpoTrainer::Batch {
  int steps = 0, slots = 0;
  std::int64_t own = 0;
  std::vector<double> observations;  ///< [k][j][d]
  std::vector<float> keep;           ///< [k][j]: 0 where the episode starts at step k (GRU reset)
  std::vector<std::int64_t> state, action, slot;
  std::vector<double> log_prob, value, reward, advantage, returns;
  std::vector<char> done;
  torch::Tensor actor_h0, critic_h0;
  double reward_sum = 0.0;
};

PpoTrainer::PpoTrainer(const Model& model, MPI_Comm world, PpoSettings settings)
    : model_(model), world_(world), settings_(settings) {
  if (settings_.paths < 1) throw InputError("paths = " + std::to_string(settings_.paths) + " is invalid (valid: >= 1)");
  if (!(settings_.learning_rate > 0.0) || settings_.learning_rate > 10.0)
    throw InputError("learning_rate = " + std::to_string(settings_.learning_rate) + " is invalid (valid: (0, 10])");
  if (settings_.rollout < 1 || settings_.minibatches < 1 || settings_.epochs < 1)
    throw InputError("rollout, minibatches and epochs must be >= 1");
  if (settings_.iterations < 0) throw InputError("iterations must be >= 0");
  if (settings_.eval_paths == 0) settings_.eval_paths = settings_.paths;
  if (settings_.beta_head < 0) settings_.beta_head = model.name() == "macro" || model.name() == "krusell_smith" ? 1 : 0;
  observation_size_ = sharedObservationSize(model);
}

PpoTrainer::~PpoTrainer() = default;

void PpoTrainer::setup() {
  torch::manual_seed(settings_.seed);
  NetworkConfig config;
  config.recurrent = settings_.recurrent;
  config.state_as_index = settings_.state_as_index;
  config.beta_head = settings_.beta_head == 1;
  actor_ = PolicyNetwork(model_, observation_size_, config);
  config.beta_head = false;
  config.value_head = true;
  critic_ = PolicyNetwork(model_, observation_size_, config);
  for (auto* net : {&actor_, &critic_}) {
    (*net)->to(dtype());
    broadcastParameters(*net, world_);
  }
  actor_adam_ = std::make_unique<torch::optim::Adam>(actor_->parameters(),
                                                     torch::optim::AdamOptions(settings_.learning_rate).eps(1e-8));
  critic_adam_ = std::make_unique<torch::optim::Adam>(critic_->parameters(),
                                                      torch::optim::AdamOptions(settings_.learning_rate).eps(1e-8));
  EnvironmentSettings env;
  env.paths = settings_.paths;
  env.learners_per_path = settings_.learners_per_path;
  env.particles = settings_.particles;
  env.seed = settings_.seed;
  env_ = std::make_unique<SampledEnvironment>(model_, world_, env);
  env_->reset(population());
  actor_hidden_ = torch::zeros({1, settings_.paths, actor_->config().gru_hidden}, dtype());
  critic_hidden_ = torch::zeros({1, settings_.paths, critic_->config().gru_hidden}, dtype());
  iteration_ = 0;
}

PopulationRuleFactory PpoTrainer::population() { return populationMode(model_, actor_, observation_size_); }

PpoTrainer::Batch PpoTrainer::rollout() {
  torch::NoGradGuard no_grad;
  Batch b;
  b.steps = settings_.rollout;
  b.slots = settings_.paths;
  b.own = env_->last() - env_->first();
  b.actor_h0 = actor_hidden_.clone();
  b.critic_h0 = critic_hidden_.clone();
  const auto n = static_cast<std::size_t>(b.own);
  const int d = observation_size_;
  const auto key = mixSeed(settings_.seed ^ kActionSalt ^ mixSeed(static_cast<std::uint64_t>(iteration_)));
  std::vector<std::int64_t> slot_of(n);
  for (std::size_t i = 0; i < n; ++i) slot_of[i] = env_->slotOf(env_->first() + static_cast<std::int64_t>(i));
  const auto slot_index = torch::tensor(slot_of, torch::kLong);

  // Embeddings of the slots' current observations; the GRU restarts where an episode starts.
  const auto embed = [&](PolicyNetwork& net, torch::Tensor& hidden, std::vector<float>* keep_out,
                         std::vector<double>* obs_out) {
    std::vector<double> o;
    std::vector<float> keep;
    for (int j = 0; j < b.slots; ++j) {
      const auto& oj = env_->observation(j);
      o.insert(o.end(), oj.begin(), oj.end());
      keep.push_back(env_->time(j) == 0 ? 0.0f : 1.0f);
    }
    if (keep_out) keep_out->insert(keep_out->end(), keep.begin(), keep.end());
    if (obs_out) obs_out->insert(obs_out->end(), o.begin(), o.end());
    hidden = hidden * torch::tensor(keep).to(hidden.dtype()).view({1, b.slots, 1});
    return net->observationStep(torch::tensor(o, torch::kFloat64).view({b.slots, d}), hidden);
  };

  std::vector<std::int64_t> states(n), actions(n);
  std::vector<double> rewards;
  std::vector<char> done;
  for (int k = 0; k < b.steps; ++k) {
    for (std::size_t i = 0; i < n; ++i) states[i] = env_->state(env_->first() + static_cast<std::int64_t>(i));
    const auto ea = embed(actor_, actor_hidden_, &b.keep, &b.observations);
    const auto ec = embed(critic_, critic_hidden_, nullptr, nullptr);
    const auto s = torch::tensor(states, torch::kLong);
    const auto log_probs =
        actor_->paired(actor_->statesAt(s), ea.index_select(0, slot_index)).to(torch::kFloat64).contiguous();
    const auto values = critic_->paired(critic_->statesAt(s), ec.index_select(0, slot_index)).to(torch::kFloat64).contiguous();
    const auto A = log_probs.size(1);
    std::vector<double> p(static_cast<std::size_t>(A));
    for (std::size_t i = 0; i < n; ++i) {
      const double* lp = log_probs.data_ptr<double>() + static_cast<std::int64_t>(i) * A;
      for (std::int64_t a = 0; a < A; ++a) p[static_cast<std::size_t>(a)] = std::exp(lp[a]);
      const auto g = static_cast<std::uint64_t>(env_->first()) + i;
      const double u = ParticleFlow::uniform(key, g, static_cast<std::uint64_t>(k));
      actions[i] = ParticleFlow::pick(p.data(), A, u);
      b.state.push_back(states[i]);
      b.action.push_back(actions[i]);
      b.slot.push_back(slot_of[i]);
      b.log_prob.push_back(lp[actions[i]]);
      b.value.push_back(values.data_ptr<double>()[i]);
    }
    env_->step(actions, rewards, done, population());
    b.reward.insert(b.reward.end(), rewards.begin(), rewards.end());
    b.done.insert(b.done.end(), done.begin(), done.end());
  }
  // V of where each learner stands after the chunk (used only where its episode goes on); the
  // carried GRU state is not advanced by this look-ahead.
  std::vector<double> bootstrap(n, 0.0);
  if (n > 0) {
    for (std::size_t i = 0; i < n; ++i) states[i] = env_->state(env_->first() + static_cast<std::int64_t>(i));
    auto h = critic_hidden_.clone();
    const auto ec = embed(critic_, h, nullptr, nullptr);
    const auto values = critic_->paired(critic_->statesAt(torch::tensor(states, torch::kLong)), ec.index_select(0, slot_index))
                            .to(torch::kFloat64)
                            .contiguous();
    std::copy(values.data_ptr<double>(), values.data_ptr<double>() + n, bootstrap.begin());
  }

  // Advantages per learner, then normalised over the whole batch (all ranks).
  b.advantage.assign(b.reward.size(), 0.0);
  b.returns.assign(b.reward.size(), 0.0);
  const double gamma = model_.discount();
  for (std::size_t i = 0; i < n; ++i) {
    RolloutChunk chunk;
    for (int k = 0; k < b.steps; ++k) {
      const auto q = static_cast<std::size_t>(k) * n + i;
      chunk.rewards.push_back(b.reward[q]);
      chunk.values.push_back(b.value[q]);
      chunk.terminated.push_back(b.done[q] != 0);
    }
    chunk.bootstrap_value = bootstrap[i];
    const auto adv = generalisedAdvantages(chunk, gamma, settings_.lambda);
    for (int k = 0; k < b.steps; ++k) {
      const auto q = static_cast<std::size_t>(k) * n + i;
      b.advantage[q] = adv.advantages[static_cast<std::size_t>(k)];
      b.returns[q] = adv.returns[static_cast<std::size_t>(k)];
    }
  }
  double sums[4] = {0.0, 0.0, static_cast<double>(b.advantage.size()), 0.0};
  for (std::size_t q = 0; q < b.advantage.size(); ++q) {
    sums[0] += b.advantage[q];
    sums[1] += b.advantage[q] * b.advantage[q];
    sums[3] += b.reward[q];
  }
  MPI_Allreduce(MPI_IN_PLACE, sums, 4, MPI_DOUBLE, MPI_SUM, world_);
  const double mean = sums[0] / sums[2];
  const double sd = std::sqrt(std::max(0.0, sums[1] / sums[2] - mean * mean));
  for (auto& a : b.advantage) a = (a - mean) / (sd + 1e-8);
  b.reward_sum = sums[3] / sums[2];
  return b;
}

torch::Tensor PpoTrainer::chunkEmbeddings(PolicyNetwork& net, const Batch& b, const torch::Tensor& start_hidden) {
  const auto obs = torch::tensor(b.observations, torch::kFloat64).view({b.steps, b.slots, observation_size_});
  auto h = start_hidden;
  if (!net->config().recurrent)
    return net->observationStep(obs.view({b.steps * b.slots, observation_size_}), h).view({b.steps, b.slots, -1});
  // Backpropagation through time over the chunk, from the detached state at its start.
  const auto keep = torch::tensor(b.keep).view({b.steps, 1, b.slots, 1});
  std::vector<torch::Tensor> out;
  for (int k = 0; k < b.steps; ++k) {
    h = h * keep[k].to(h.dtype());
    out.push_back(net->observationStep(obs[k], h));
  }
  return torch::stack(out);
}

void PpoTrainer::update(Batch& b) {
  const std::int64_t E = env_->learners();
  const std::int64_t total = static_cast<std::int64_t>(b.steps) * E;
  const auto n = b.own;
  const auto first = env_->first();
  const auto opts = torch::TensorOptions().dtype(dtype());
  const auto actor_params = flatParameters(*actor_).numel();
  for (int epoch = 0; epoch < settings_.epochs; ++epoch) {
    // The same permutation of the global samples on every rank.
    std::vector<std::int64_t> perm(static_cast<std::size_t>(total));
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937_64 rng(mixSeed(settings_.seed ^ kShuffleSalt ^ mixSeed(static_cast<std::uint64_t>(iteration_) * 64 + epoch)));
    for (std::int64_t i = total - 1; i > 0; --i) {
      const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(i + 1));
      std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(j)]);
    }
    for (int m = 0; m < settings_.minibatches; ++m) {
      const auto lo = total * m / settings_.minibatches, hi = total * (m + 1) / settings_.minibatches;
      std::vector<std::int64_t> mine;  // local sample indices k·n + i
      for (auto q = lo; q < hi; ++q) {
        const auto global = perm[static_cast<std::size_t>(q)];
        const auto k = global / E, g = global % E;
        if (g >= first && g < first + n) mine.push_back(k * n + (g - first));
      }
      actor_adam_->zero_grad();
      critic_adam_->zero_grad();
      if (!mine.empty()) {
        const double share = static_cast<double>(mine.size()) / static_cast<double>(hi - lo);
        std::vector<std::int64_t> states, actions, rows;
        std::vector<double> old_lp, old_v, adv, ret;
        for (auto q : mine) {
          const auto k = q / n;
          states.push_back(b.state[static_cast<std::size_t>(q)]);
          actions.push_back(b.action[static_cast<std::size_t>(q)]);
          rows.push_back(k * b.slots + b.slot[static_cast<std::size_t>(q)]);
          old_lp.push_back(b.log_prob[static_cast<std::size_t>(q)]);
          old_v.push_back(b.value[static_cast<std::size_t>(q)]);
          adv.push_back(b.advantage[static_cast<std::size_t>(q)]);
          ret.push_back(b.returns[static_cast<std::size_t>(q)]);
        }
        const auto s = torch::tensor(states, torch::kLong), r = torch::tensor(rows, torch::kLong);
        const auto a = torch::tensor(actions, torch::kLong).unsqueeze(1);
        const auto ea = chunkEmbeddings(actor_, b, b.actor_h0).reshape({b.steps * b.slots, -1}).index_select(0, r);
        const auto log_probs = actor_->paired(actor_->statesAt(s), ea);
        const auto policy = clippedPolicyLoss(log_probs.gather(1, a).squeeze(1), torch::tensor(old_lp).to(opts),
                                              torch::tensor(adv).to(opts), settings_.clip);
        ((policy - settings_.entropy * meanEntropy(log_probs)) * share).backward();
        const auto ec = chunkEmbeddings(critic_, b, b.critic_h0).reshape({b.steps * b.slots, -1}).index_select(0, r);
        const auto values = critic_->paired(critic_->statesAt(s), ec);
        (clippedValueLoss(values, torch::tensor(old_v).to(opts), torch::tensor(ret).to(opts), settings_.value_clip) *
         share)
            .backward();
      }
      // The one allreduce of the step: actor and critic gradients side by side.
      auto flat = torch::cat({flatGradients(*actor_), flatGradients(*critic_)}).contiguous();
      MPI_Allreduce(MPI_IN_PLACE, flat.data_ptr(), static_cast<int>(flat.numel()), mpiType(flat), MPI_SUM, world_);
      if (!torch::isfinite(flat).all().item<bool>())
        throw DivergenceError("the PPO gradient is not finite at iteration " + std::to_string(iteration_));
      setFlatGradients(*actor_, clippedToNorm(flat.slice(0, 0, actor_params).clone(), settings_.clip_norm));
      setFlatGradients(*critic_, clippedToNorm(flat.slice(0, actor_params).clone(), settings_.clip_norm));
      actor_adam_->step();
      critic_adam_->step();
    }
  }
  if (!torch::isfinite(flatParameters(*actor_)).all().item<bool>() ||
      !torch::isfinite(flatParameters(*critic_)).all().item<bool>())
    throw DivergenceError("the network parameters are not finite after iteration " + std::to_string(iteration_));
}

double PpoTrainer::iterate() {
  const FlushDenormals flush;  // see FlushDenormals.hpp
  const double lr = decayedRate(settings_.learning_rate, settings_.final_lr_fraction, iteration_, settings_.iterations);
  for (auto* adam : {actor_adam_.get(), critic_adam_.get()}) setLearningRate(*adam, lr);
  env_->refresh(population());
  auto batch = rollout();
  update(batch);
  ++iteration_;
  return batch.reward_sum;
}

TrainEvaluation PpoTrainer::evaluate(std::size_t max_nodes) {
  return NetworkOnModel(model_, world_, actor_, observation_size_)
      .evaluate(noiseHistories(model_, settings_.eval_paths, mixSeed(settings_.seed + kEvaluationSalt)), settings_.groups,
                max_nodes);
}

PathSnapshot PpoTrainer::snapshot(int paths, std::vector<int> times) {
  return NetworkOnModel(model_, world_, actor_, observation_size_)
      .snapshot(noiseHistories(model_, paths, mixSeed(settings_.seed + kEvaluationSalt)), std::move(times));
}

std::string PpoTrainer::identity() const {
  std::string id = "model=" + model_.name() + ";algorithm=" + (settings_.recurrent ? "rippo" : "ippo") +
                   ";states=" + std::to_string(model_.numStates()) + ";actions=" + std::to_string(model_.numActions()) +
                   ";steps=" + std::to_string(model_.numSteps()) + ";state_encoding=" +
                   (settings_.state_as_index ? "index" : "value") + ";beta_head=" + std::to_string(settings_.beta_head) +
                   ";dtype=" + (settings_.float64 ? "float64" : "float32") + ";paths=" + std::to_string(settings_.paths) +
                   ";learners_per_path=" + std::to_string(settings_.learners_per_path) +
                   ";particles=" + std::to_string(settings_.particles);
  for (const auto& [key, value] : model_.parameters().values()) {
    id += ";" + key + "=";
    for (double v : value) id += std::to_string(v) + ",";
  }
  return id;
}

void PpoTrainer::save(const std::string& path, const std::map<std::string, torch::Tensor>& extra) const {
  const auto environment = env_->serialize();  // collective
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  if (rank == 0) {
    torch::serialize::OutputArchive archive, critic, actor_opt, critic_opt;
    actor_->save(archive);  // the actor at the top level, as SPG/RSPG store their network
    critic_->save(critic);
    archive.write("critic", critic);
    actor_adam_->save(actor_opt);
    archive.write("optimiser", actor_opt);
    critic_adam_->save(critic_opt);
    archive.write("critic_optimiser", critic_opt);
    archive.write("iteration", torch::tensor(static_cast<std::int64_t>(iteration_)));
    archive.write("identity", c10::IValue(identity()));
    archive.write("environment", torch::tensor(environment, torch::kLong));
    archive.write("actor_hidden", actor_hidden_);
    archive.write("critic_hidden", critic_hidden_);
    for (const auto& [name, value] : extra) archive.write("extra/" + name, value);
    saveAtomically(archive, path);
  }
  MPI_Barrier(world_);
}

void PpoTrainer::load(const std::string& path, std::map<std::string, torch::Tensor>* extra) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    requireIdentity(checkpointIdentity(archive, path), identity(), path);
    // Into scratch networks first: loading replaces tensors wholesale, shapes included.
    const auto restore = [&](PolicyNetwork& net, torch::serialize::InputArchive& from, const char* what) {
      restoreNetwork(net, from, model_, observation_size_, dtype(), path, what);
    };
    restore(actor_, archive, "actor");
    torch::serialize::InputArchive critic, actor_opt, critic_opt;
    archive.read("critic", critic);
    restore(critic_, critic, "critic");
    archive.read("optimiser", actor_opt);
    actor_adam_->load(actor_opt);
    archive.read("critic_optimiser", critic_opt);
    critic_adam_->load(critic_opt);
    torch::Tensor it, environment;
    archive.read("iteration", it);
    iteration_ = it.item<std::int64_t>();
    archive.read("environment", environment);
    archive.read("actor_hidden", actor_hidden_);
    archive.read("critic_hidden", critic_hidden_);
    const auto e = environment.to(torch::kLong).contiguous();
    env_->restore(std::vector<std::int64_t>(e.data_ptr<std::int64_t>(), e.data_ptr<std::int64_t>() + e.numel()),
                  population());
    if (extra)
      for (auto& [name, value] : *extra) archive.read("extra/" + name, value);
  } catch (const c10::Error& e) {
    throw InputError("checkpoint '" + path + "' cannot be used for this run (" + e.what_without_backtrace() + ")");
  }
}

}  // namespace mfg::rl
