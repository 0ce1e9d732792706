#include "solver/rl/MomdTrainer.hpp"
#include "solver/learn/FlushDenormals.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include "solver/learn/CheckpointRecords.hpp"
#include "solver/models/InputError.hpp"
#include "solver/rl/LearnerSupport.hpp"

namespace mfg::rl {

namespace {

constexpr std::uint64_t kExploreSalt = 0xE9A0ULL, kBatchSalt = 0xBA7CULL, kEvaluationSalt = 0xE7A1ULL;

template <class T>
MPI_Datatype mpiTypeOf() {
  return std::is_same_v<T, double> ? MPI_DOUBLE : MPI_INT64_T;
}

/// Rank 0 receives every rank's [rows × own] block and lays them out as [rows × E] by global
/// learner index; other ranks get an empty vector (collective).
template <class T>
std::vector<T> gatherColumns(const std::vector<T>& local, std::int64_t rows, std::int64_t own, std::int64_t first,
                             std::int64_t E, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::int64_t mine[2] = {first, own};
  std::vector<std::int64_t> blocks(2 * static_cast<std::size_t>(size));
  MPI_Gather(mine, 2, MPI_INT64_T, blocks.data(), 2, MPI_INT64_T, 0, comm);
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  for (int r = 0, at = 0; r < size; ++r) {
    counts[r] = static_cast<int>(rows * blocks[2 * r + 1]);
    offsets[r] = at;
    at += counts[r];
  }
  std::vector<T> received(rank == 0 ? static_cast<std::size_t>(rows * E) : 0);
  MPI_Gatherv(local.data(), static_cast<int>(local.size()), mpiTypeOf<T>(), received.data(), counts.data(),
              offsets.data(), mpiTypeOf<T>(), 0, comm);
  if (rank != 0) return {};
  std::vector<T> global(static_cast<std::size_t>(rows * E));
  for (int r = 0; r < size; ++r) {
    const auto f = blocks[2 * r], n = blocks[2 * r + 1];
    for (std::int64_t row = 0; row < rows; ++row)
      for (std::int64_t i = 0; i < n; ++i)
        global[static_cast<std::size_t>(row * E + f + i)] = received[static_cast<std::size_t>(offsets[r] + row * n + i)];
  }
  return global;
}

/// This rank's columns [first, first + own) of a [rows × E] table.
template <class T>
std::vector<T> ownColumns(const torch::Tensor& global, std::int64_t rows, std::int64_t own, std::int64_t first,
                          std::int64_t E) {
  if (global.numel() != rows * E) throw InputError("the replay memory in the checkpoint has another size");
  const auto g = global.contiguous();
  const T* data = g.data_ptr<T>();
  std::vector<T> local(static_cast<std::size_t>(rows * own));
  for (std::int64_t row = 0; row < rows; ++row)
    for (std::int64_t i = 0; i < own; ++i) local[static_cast<std::size_t>(row * own + i)] = data[row * E + first + i];
  return local;
}

void copyParameters(PolicyNetwork& to, PolicyNetwork& from) { setFlatParameters(*to, flatParameters(*from)); }

}  // namespace

/// The replay memory's share of this rank: transitions of its own learners at [row][i], and the
/// slots' shared observations before and after each row's step (the same on every rank).
struct MomdTrainer::Replay {
  std::int64_t rows = 0, own = 0;
  int slots = 0, d = 0;
  std::int64_t filled = 0, next = 0;  ///< rows holding transitions; the row written next
  std::vector<std::int64_t> state, action, next_state;
  std::vector<double> reward, done;
  std::vector<double> observation, next_observation;  ///< [row][slot][d]
};

MomdTrainer::MomdTrainer(const Model& model, MPI_Comm world, MomdSettings settings)
    : model_(model), world_(world), settings_(settings) {
  if (settings_.paths < 1) throw InputError("paths = " + std::to_string(settings_.paths) + " is invalid (valid: >= 1)");
  if (!(settings_.learning_rate > 0.0) || settings_.learning_rate > 10.0)
    throw InputError("learning_rate = " + std::to_string(settings_.learning_rate) + " is invalid (valid: (0, 10])");
  if (settings_.rollout < 1 || settings_.updates < 0 || settings_.batch < 1 || settings_.target_every < 1)
    throw InputError("rollout, batch and target_every must be >= 1 and updates >= 0");
  if (settings_.replay < 1) throw InputError("replay = " + std::to_string(settings_.replay) + " is invalid (valid: >= 1)");
  if (!(settings_.tau > 0.0)) throw InputError("tau must be > 0");
  if (settings_.iterations < 0) throw InputError("iterations must be >= 0");
  if (settings_.eval_paths == 0) settings_.eval_paths = settings_.paths;
  observation_size_ = sharedObservationSize(model);
}

MomdTrainer::~MomdTrainer() = default;

void MomdTrainer::setup() {
  torch::manual_seed(settings_.seed);
  NetworkConfig config;
  config.state_as_index = settings_.state_as_index;
  q_ = PolicyNetwork(model_, observation_size_, config);
  target_ = PolicyNetwork(model_, observation_size_, config);
  previous_ = PolicyNetwork(model_, observation_size_, config);
  for (auto* net : {&q_, &target_, &previous_}) (*net)->to(dtype());
  broadcastParameters(q_, world_);
  copyParameters(target_, q_);
  copyParameters(previous_, q_);
  adam_ = std::make_unique<torch::optim::Adam>(q_->parameters(),
                                               torch::optim::AdamOptions(settings_.learning_rate).eps(1e-8));
  EnvironmentSettings env;
  env.paths = settings_.paths;
  env.learners_per_path = settings_.learners_per_path;
  env.particles = settings_.particles;
  env.seed = settings_.seed;
  env_ = std::make_unique<SampledEnvironment>(model_, world_, env);
  env_->reset(population());

  replay_ = std::make_unique<Replay>();
  auto& m = *replay_;
  const auto E = env_->learners();
  m.rows = std::max<std::int64_t>(1, (settings_.replay + E - 1) / E);
  m.own = env_->last() - env_->first();
  m.slots = settings_.paths;
  m.d = observation_size_;
  const auto n = static_cast<std::size_t>(m.rows * m.own);
  m.state.assign(n, 0);
  m.action.assign(n, 0);
  m.next_state.assign(n, 0);
  m.reward.assign(n, 0.0);
  m.done.assign(n, 0.0);
  m.observation.assign(static_cast<std::size_t>(m.rows * m.slots * m.d), 0.0);
  m.next_observation = m.observation;
  iteration_ = 0;
  steps_taken_ = 0;
}

PopulationRuleFactory MomdTrainer::population() { return populationMode(model_, q_, observation_size_); }

double MomdTrainer::epsilon() const {
  const double K = static_cast<double>(std::max(1L, settings_.iterations - 1));
  const double progress = std::min(1.0, static_cast<double>(iteration_) / K);
  return settings_.epsilon_start + (settings_.epsilon_end - settings_.epsilon_start) * progress;
}

std::int64_t MomdTrainer::stored() const { return replay_->filled * env_->learners(); }

double MomdTrainer::collect() {
  torch::NoGradGuard no_grad;
  auto& m = *replay_;
  const auto n = static_cast<std::size_t>(m.own);
  const std::int64_t A = model_.numActions();
  const double eps = epsilon();
  const auto key = mixSeed(settings_.seed ^ kExploreSalt ^ mixSeed(static_cast<std::uint64_t>(iteration_)));
  std::vector<std::int64_t> slot_of(n);
  for (std::size_t i = 0; i < n; ++i) slot_of[i] = env_->slotOf(env_->first() + static_cast<std::int64_t>(i));
  const auto slot_index = torch::tensor(slot_of, torch::kLong);
  const auto slotObservations = [&](double* out) {
    for (int j = 0; j < m.slots; ++j) std::copy_n(env_->observation(j).data(), m.d, out + static_cast<std::ptrdiff_t>(j) * m.d);
  };
  auto hidden = q_->initialHidden();  // unused: the Q-network is feed-forward
  std::vector<std::int64_t> states(n), actions(n);
  std::vector<double> rewards;
  std::vector<char> done;
  double reward_sum = 0.0;
  for (int k = 0; k < settings_.rollout; ++k) {
    const auto row = m.next;
    double* obs = m.observation.data() + row * m.slots * m.d;
    slotObservations(obs);
    for (std::size_t i = 0; i < n; ++i) states[i] = env_->state(env_->first() + static_cast<std::int64_t>(i));
    if (n > 0) {
      const auto e = q_->observationStep(torch::from_blob(obs, {m.slots, m.d}, torch::kFloat64), hidden);
      const auto greedy = q_->pairedLogits(q_->statesAt(torch::tensor(states, torch::kLong)), e.index_select(0, slot_index))
                              .argmax(-1)
                              .to(torch::kLong)
                              .contiguous();
      for (std::size_t i = 0; i < n; ++i) {
        const auto g = static_cast<std::uint64_t>(env_->first()) + i;
        if (ParticleFlow::uniform(key, 2 * g, static_cast<std::uint64_t>(k)) < eps) {
          const double u = ParticleFlow::uniform(key, 2 * g + 1, static_cast<std::uint64_t>(k));
          actions[i] = std::min<std::int64_t>(A - 1, static_cast<std::int64_t>(u * static_cast<double>(A)));
        } else {
          actions[i] = greedy.data_ptr<std::int64_t>()[i];
        }
      }
    }
    env_->step(actions, rewards, done, population());
    slotObservations(m.next_observation.data() + row * m.slots * m.d);
    for (std::size_t i = 0; i < n; ++i) {
      const auto at = static_cast<std::size_t>(row * m.own) + i;
      m.state[at] = states[i];
      m.action[at] = actions[i];
      m.reward[at] = rewards[i];
      m.done[at] = done[i] ? 1.0 : 0.0;
      m.next_state[at] = env_->state(env_->first() + static_cast<std::int64_t>(i));
      reward_sum += rewards[i];
    }
    m.next = (m.next + 1) % m.rows;
    m.filled = std::min(m.filled + 1, m.rows);
  }
  MPI_Allreduce(MPI_IN_PLACE, &reward_sum, 1, MPI_DOUBLE, MPI_SUM, world_);
  return reward_sum / (static_cast<double>(settings_.rollout) * static_cast<double>(env_->learners()));
}

void MomdTrainer::learn() {
  auto& m = *replay_;
  const std::int64_t E = env_->learners(), total = m.filled * E;
  if (total == 0) return;
  const auto first = env_->first();
  const auto opts = torch::TensorOptions().dtype(dtype());
  const MunchausenSettings munchausen{settings_.tau, settings_.alpha, model_.discount()};
  auto hidden = q_->initialHidden();
  for (int u = 0; u < settings_.updates; ++u) {
    // The same global minibatch on every rank; each rank adds the loss of the transitions it holds.
    std::mt19937_64 rng(mixSeed(settings_.seed ^ kBatchSalt ^ mixSeed(static_cast<std::uint64_t>(steps_taken_))));
    std::vector<std::int64_t> s, a, s2, obs_rows;
    std::vector<double> r, done;
    for (int b = 0; b < settings_.batch; ++b) {
      const auto q = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(total));
      const auto row = q / E, g = q % E;
      if (g < first || g >= first + m.own) continue;
      const auto at = static_cast<std::size_t>(row * m.own + (g - first));
      s.push_back(m.state[at]);
      a.push_back(m.action[at]);
      s2.push_back(m.next_state[at]);
      r.push_back(m.reward[at]);
      done.push_back(m.done[at]);
      obs_rows.push_back(row * m.slots + env_->slotOf(g));
    }
    adam_->zero_grad();
    if (!s.empty()) {
      const auto rows = torch::tensor(obs_rows, torch::kLong);
      const auto all_obs = torch::from_blob(m.observation.data(), {m.rows * m.slots, m.d}, torch::kFloat64);
      const auto all_next = torch::from_blob(m.next_observation.data(), {m.rows * m.slots, m.d}, torch::kFloat64);
      const auto o = all_obs.index_select(0, rows), o2 = all_next.index_select(0, rows);
      const auto st = torch::tensor(s, torch::kLong), st2 = torch::tensor(s2, torch::kLong);
      const auto at = torch::tensor(a, torch::kLong);
      const double tau = settings_.tau;
      const auto Q = [&](PolicyNetwork& net, const torch::Tensor& states, const torch::Tensor& observations) {
        return net->pairedLogits(net->statesAt(states), net->observationStep(observations, hidden)) * tau;
      };
      torch::Tensor y;
      {
        torch::NoGradGuard no_grad;
        y = munchausenTarget(Q(previous_, st, o), Q(previous_, st2, o2), Q(target_, st2, o2), at,
                             torch::tensor(r).to(opts), torch::tensor(done).to(opts), munchausen);
      }
      const auto q_sa = Q(q_, st, o).gather(1, at.unsqueeze(1)).squeeze(1);
      (torch::smooth_l1_loss(q_sa, y, torch::Reduction::Sum) / static_cast<double>(settings_.batch)).backward();
    }
    auto flat = flatGradients(*q_).contiguous();
    MPI_Allreduce(MPI_IN_PLACE, flat.data_ptr(), static_cast<int>(flat.numel()), mpiType(flat), MPI_SUM, world_);
    if (!torch::isfinite(flat).all().item<bool>())
      throw DivergenceError("the M-OMD gradient is not finite at iteration " + std::to_string(iteration_));
    setFlatGradients(*q_, clippedToNorm(flat, settings_.clip_norm));
    adam_->step();
    if (++steps_taken_ % settings_.target_every == 0) copyParameters(target_, q_);
  }
  if (!torch::isfinite(flatParameters(*q_)).all().item<bool>())
    throw DivergenceError("the Q-network's parameters are not finite after iteration " + std::to_string(iteration_));
}

double MomdTrainer::iterate() {
  const FlushDenormals flush;  // see FlushDenormals.hpp
  setLearningRate(*adam_, decayedRate(settings_.learning_rate, settings_.final_lr_fraction, iteration_, settings_.iterations));
  copyParameters(previous_, q_);  // π_prev: the policy of the iteration now starting
  env_->refresh(population());
  const double reward = collect();
  learn();
  ++iteration_;
  return reward;
}

TrainEvaluation MomdTrainer::evaluate(std::size_t max_nodes) {
  return NetworkOnModel(model_, world_, q_, observation_size_)
      .evaluate(noiseHistories(model_, settings_.eval_paths, mixSeed(settings_.seed + kEvaluationSalt)), settings_.groups,
                max_nodes);
}

PathSnapshot MomdTrainer::snapshot(int paths, std::vector<int> times) {
  return NetworkOnModel(model_, world_, q_, observation_size_)
      .snapshot(noiseHistories(model_, paths, mixSeed(settings_.seed + kEvaluationSalt)), std::move(times));
}

std::string MomdTrainer::identity() const {
  const auto& s = settings_;
  std::string id = "model=" + model_.name() + ";algorithm=momd;states=" + std::to_string(model_.numStates()) +
                   ";actions=" + std::to_string(model_.numActions()) + ";steps=" + std::to_string(model_.numSteps()) +
                   ";state_encoding=" + (s.state_as_index ? "index" : "value") +
                   ";dtype=" + (s.float64 ? "float64" : "float32") + ";paths=" + std::to_string(s.paths) +
                   ";learners_per_path=" + std::to_string(s.learners_per_path) +
                   ";particles=" + std::to_string(s.particles) + ";rollout=" + std::to_string(s.rollout) +
                   ";replay=" + std::to_string(s.replay) + ";batch=" + std::to_string(s.batch) +
                   ";tau=" + std::to_string(s.tau) + ";alpha=" + std::to_string(s.alpha);
  for (const auto& [key, value] : model_.parameters().values()) {
    id += ";" + key + "=";
    for (double v : value) id += std::to_string(v) + ",";
  }
  return id;
}

void MomdTrainer::save(const std::string& path, const std::map<std::string, torch::Tensor>& extra) const {
  const auto environment = env_->serialize();  // collective
  const auto& m = *replay_;
  const auto E = env_->learners(), first = env_->first();
  const auto state = gatherColumns(m.state, m.rows, m.own, first, E, world_);
  const auto action = gatherColumns(m.action, m.rows, m.own, first, E, world_);
  const auto next_state = gatherColumns(m.next_state, m.rows, m.own, first, E, world_);
  const auto reward = gatherColumns(m.reward, m.rows, m.own, first, E, world_);
  const auto done = gatherColumns(m.done, m.rows, m.own, first, E, world_);
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  if (rank == 0) {
    torch::serialize::OutputArchive archive, target, previous, optimiser;
    q_->save(archive);  // the Q-network at the top level, where SPG/RSPG store their network
    target_->save(target);
    archive.write("target", target);
    previous_->save(previous);
    archive.write("previous", previous);
    adam_->save(optimiser);
    archive.write("optimiser", optimiser);
    archive.write("iteration", torch::tensor(static_cast<std::int64_t>(iteration_)));
    archive.write("steps_taken", torch::tensor(steps_taken_));
    archive.write("identity", c10::IValue(identity()));
    archive.write("environment", torch::tensor(environment, torch::kLong));
    archive.write("replay/position", torch::tensor(std::vector<std::int64_t>{m.filled, m.next}, torch::kLong));
    archive.write("replay/state", torch::tensor(state, torch::kLong));
    archive.write("replay/action", torch::tensor(action, torch::kLong));
    archive.write("replay/next_state", torch::tensor(next_state, torch::kLong));
    archive.write("replay/reward", torch::tensor(reward, torch::kFloat64));
    archive.write("replay/done", torch::tensor(done, torch::kFloat64));
    archive.write("replay/observation", torch::tensor(m.observation, torch::kFloat64));
    archive.write("replay/next_observation", torch::tensor(m.next_observation, torch::kFloat64));
    for (const auto& [name, value] : extra) archive.write("extra/" + name, value);
    saveAtomically(archive, path);
  }
  MPI_Barrier(world_);
}

void MomdTrainer::load(const std::string& path, std::map<std::string, torch::Tensor>* extra) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    requireIdentity(checkpointIdentity(archive, path), identity(), path);
    const auto restore = [&](PolicyNetwork& net, torch::serialize::InputArchive& from, const char* what) {
      restoreNetwork(net, from, model_, observation_size_, dtype(), path, what);
    };
    restore(q_, archive, "Q-network");
    torch::serialize::InputArchive target, previous, optimiser;
    archive.read("target", target);
    restore(target_, target, "target network");
    archive.read("previous", previous);
    restore(previous_, previous, "previous network");
    archive.read("optimiser", optimiser);
    adam_->load(optimiser);
    torch::Tensor it, taken, environment, position;
    archive.read("iteration", it);
    iteration_ = it.item<std::int64_t>();
    archive.read("steps_taken", taken);
    steps_taken_ = taken.item<std::int64_t>();

    auto& m = *replay_;
    const auto E = env_->learners(), first = env_->first();
    archive.read("replay/position", position);
    const auto p = position.to(torch::kLong).contiguous();
    if (p.numel() != 2 || p[0].item<std::int64_t>() < 0 || p[0].item<std::int64_t>() > m.rows ||
        p[1].item<std::int64_t>() < 0 || p[1].item<std::int64_t>() >= m.rows)
      throw InputError("checkpoint '" + path + "': the replay memory's position is out of range");
    m.filled = p[0].item<std::int64_t>();
    m.next = p[1].item<std::int64_t>();
    const auto read = [&](const char* name) {
      torch::Tensor t;
      archive.read(std::string("replay/") + name, t);
      return t;
    };
    m.state = ownColumns<std::int64_t>(read("state").to(torch::kLong), m.rows, m.own, first, E);
    m.action = ownColumns<std::int64_t>(read("action").to(torch::kLong), m.rows, m.own, first, E);
    m.next_state = ownColumns<std::int64_t>(read("next_state").to(torch::kLong), m.rows, m.own, first, E);
    m.reward = ownColumns<double>(read("reward").to(torch::kFloat64), m.rows, m.own, first, E);
    m.done = ownColumns<double>(read("done").to(torch::kFloat64), m.rows, m.own, first, E);
    for (auto [name, into] : {std::pair{"observation", &m.observation}, std::pair{"next_observation", &m.next_observation}}) {
      const auto t = read(name).to(torch::kFloat64).contiguous();
      if (t.numel() != static_cast<std::int64_t>(into->size()))
        throw InputError("checkpoint '" + path + "': the replay memory's " + name + " has another size");
      std::copy_n(t.data_ptr<double>(), t.numel(), into->begin());
    }
    for (std::size_t i = 0; i < m.state.size(); ++i)
      if (m.state[i] < 0 || m.state[i] >= model_.numStates() || m.next_state[i] < 0 ||
          m.next_state[i] >= model_.numStates() || m.action[i] < 0 || m.action[i] >= model_.numActions())
        throw InputError("checkpoint '" + path + "': the replay memory holds a state or action out of range");

    archive.read("environment", environment);
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
