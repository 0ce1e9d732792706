#include "solver/learn/PolicyGradient.hpp"

#include "solver/learn/CheckpointRecords.hpp"
#include "solver/learn/FlushDenormals.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"

namespace mfg {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

MPI_Datatype mpiType(const torch::Tensor& t) { return t.scalar_type() == torch::kFloat64 ? MPI_DOUBLE : MPI_FLOAT; }

torch::Tensor rowsTensor(const std::vector<std::vector<double>>& slices, const std::vector<int>& ids,
                         std::vector<std::int64_t> shape) {
  auto out = torch::empty(shape, torch::kFloat64);
  double* dst = out.data_ptr<double>();
  for (int id : ids) dst = std::copy(slices[id].begin(), slices[id].end(), dst);
  return out;
}

}  // namespace

PolicyGradientTrainer::PolicyGradientTrainer(const Model& model, MPI_Comm world, TrainSettings settings)
    : model_(model), world_(world), settings_(settings) {
  if (settings_.paths < 1) throw InputError("paths = " + std::to_string(settings_.paths) + " is invalid (valid: >= 1)");
  if (!(settings_.learning_rate > 0.0) || settings_.learning_rate > 10.0)
    throw InputError("learning_rate = " + std::to_string(settings_.learning_rate) + " is invalid (valid: (0, 10])");
  if (settings_.iterations < 0) throw InputError("iterations must be >= 0");
  if (settings_.eval_paths == 0) settings_.eval_paths = settings_.paths;
  if (settings_.beta_head < 0) settings_.beta_head = model.name() == "macro" || model.name() == "krusell_smith" ? 1 : 0;
  observation_size_ = sharedObservationSize(model);
}

PolicyGradientTrainer::~PolicyGradientTrainer() = default;

void PolicyGradientTrainer::setup() {
  torch::manual_seed(settings_.seed);
  NetworkConfig config;
  config.recurrent = settings_.recurrent;
  config.state_as_index = settings_.state_as_index;
  config.beta_head = settings_.beta_head == 1;
  net_ = PolicyNetwork(model_, observation_size_, config);
  net_->to(dtype());
  // θ from rank 0, so that every rank starts from the same network whatever its RNG did.
  auto flat = flatParameters(*net_).contiguous();
  MPI_Bcast(flat.data_ptr(), static_cast<int>(flat.numel()), mpiType(flat), 0, world_);
  setFlatParameters(*net_, flat);
  adam_ = std::make_unique<torch::optim::Adam>(
      net_->parameters(), torch::optim::AdamOptions(settings_.learning_rate).eps(1e-8));
  iteration_ = 0;
}

double PolicyGradientTrainer::run(const std::vector<std::vector<std::vector<double>>>& histories, bool differentiate,
                                  const torch::Tensor* agent) {
  const int N = static_cast<int>(histories.size());
  parallel::RankGroups groups(world_, settings_.groups, N);
  const auto [first, last] = groups.share();
  const int P = last - first;
  std::vector<double> mine_J;
  if (P > 0) {
    const std::vector<std::vector<std::vector<double>>> share(histories.begin() + first, histories.begin() + last);
    ExactEngine engine(model_, groups.group(), ScenarioTree::fromHistories(share, 1.0 / N));
    // Kernels that read the mean field are assembled once, in the rollout, and read back by the
    // evaluation sweep against the same flow (within -mfg_kernel_memory_mb).
    const auto keep_kernels = engine.keepKernels();
    const auto& layout = engine.layout();
    const auto n = layout.localStates(), A = layout.actions();
    const int T = model_.numSteps();

    // The rollout decides each level's P nodes in one batch; o_t of every node is kept for the
    // surrogate, and so are the trunk's activations when they fit, so that the surrogate's
    // gradient needs no second evaluation of the network. Node t·P + j is path j at step t.
    auto observed = std::make_shared<std::vector<std::vector<double>>>();
    const bool keep = differentiate && !agent && keepsActivations(P, layout);
    // The buffers stay from one iteration to the next (same shapes), so that the rollout does not
    // page in fresh memory every time.
    if (keep && !activations_) activations_ = std::make_shared<TrunkActivations>();
    const auto activations = keep ? activations_ : nullptr;
    Policy pi;
    auto clock = Clock::now();
    const MeanFieldFlow flow = engine.forward(onModel().rule(engine, observed, activations), pi);
    phases_.rollout += secondsSince(clock);
    const auto obs = [&observed, P](int j, int t) -> const std::vector<double>& {
      return (*observed)[static_cast<std::size_t>(t * P + j)];
    };

    // A deviating agent: its own policy on the population's observations, with the population fixed.
    Policy agent_pi;
    if (agent) {
      torch::NoGradGuard no_grad;
      const auto theta = flatParameters(*net_);
      setFlatParameters(*net_, *agent);
      agent_pi.pi.resize(pi.pi.size());
      const auto states = net_->states(layout.begin(), layout.end());
      for (int j = 0; j < P; ++j) {
        std::vector<double> flat_obs;
        for (int t = 0; t < T; ++t) flat_obs.insert(flat_obs.end(), obs(j, t).begin(), obs(j, t).end());
        const auto sequence = torch::tensor(flat_obs, torch::kFloat64).view({T, observation_size_});
        const auto probs = net_->probabilities(states, net_->observations(sequence)).to(torch::kFloat64).contiguous();
        for (int t = 0; t < T; ++t) {
          const double* p = probs.data_ptr<double>() + static_cast<std::int64_t>(t) * n * A;
          agent_pi.pi[static_cast<std::size_t>(t * P + j)].assign(p, p + n * A);
        }
      }
      setFlatParameters(*net_, theta);
    }
    clock = Clock::now();
    Values mine;
    std::vector<BackupRequest> requests{{Backup::Evaluate, agent ? &agent_pi : &pi, 1.0, &mine, differentiate}};
    engine.backward(flow, pi, requests);
    for (int j = 0; j < P; ++j) mine_J.push_back(engine.weightByInitial(j, mine.V[j]));
    phases_.evaluation += secondsSince(clock);

    clock = Clock::now();
    if (differentiate) {
      // ∂L/∂π_t(a|s) = −γ^t μ_t(s) Q_t(s, a) / N for the nodes `ids` (μ and Q detached).
      const auto weights = [&](const std::vector<int>& ids, torch::Dtype dtype) {
        const auto count = static_cast<std::int64_t>(ids.size());
        std::vector<double> gamma_t;
        for (int id : ids) gamma_t.push_back(std::pow(model_.discount(), id / P));
        const auto discount = torch::tensor(gamma_t, torch::kFloat64).view({count, 1, 1});
        const auto mu = rowsTensor(flow.mu, ids, {count, n, 1});
        const auto Q = rowsTensor(mine.Q, ids, {count, n, A});
        return (discount * mu * Q).mul_(-1.0 / static_cast<double>(N)).to(dtype);
      };
      if (keep) {
        backwardFromActivations(*activations, weights, obs, P, layout.begin(), layout.end());
      } else {
        // Paths are batched: one network evaluation on [T · B] observation embeddings × n states,
        // with B chosen so that an activation table stays near 2^18 rows.
        const int B = static_cast<int>(std::clamp<std::int64_t>((std::int64_t{1} << 18) / std::max<std::int64_t>(1, T * n), 1, P));
        for (int j0 = 0; j0 < P; j0 += B) {
          const int b = std::min(B, P - j0);
          std::vector<int> ids;  // node t·P + j, t-major: consecutive nodes of the forest
          std::vector<double> flat_obs;
          for (int t = 0; t < T; ++t)
            for (int j = j0; j < j0 + b; ++j) {
              ids.push_back(t * P + j);
              flat_obs.insert(flat_obs.end(), obs(j, t).begin(), obs(j, t).end());
            }
          const auto sequence = torch::tensor(flat_obs, torch::kFloat64).view({T, b, observation_size_});
          const auto embeddings = net_->observations(sequence).reshape({T * b, -1});
          const auto probs = net_->probabilities(net_->states(layout.begin(), layout.end()), embeddings);
          const auto loss = (weights(ids, probs.scalar_type()) * probs).sum();
          loss.backward();
        }
      }
    }
    phases_.gradient += secondsSince(clock);
  }
  const auto all_J = groups.allUnits(mine_J);
  double total = 0.0;
  for (double v : all_J) total += v;
  return total / N;
}

bool PolicyGradientTrainer::keepsActivations(int paths, const parallel::StateLayout& layout) const {
  const auto& config = net_->config();
  const std::int64_t heads = config.beta_head ? 2 : model_.numActions();
  const std::int64_t per_row = 2 * config.hidden + heads + model_.numActions();
  const auto element = static_cast<std::int64_t>(torch::elementSize(dtype()));
  // Decided on the group's largest share of states, so that every rank of the group takes the
  // same path.
  const double states = parallel::max(layout.comm(), static_cast<double>(layout.localStates()));
  const double bytes = static_cast<double>(model_.numSteps()) * paths * states * static_cast<double>(per_row * element);
  return bytes <= settings_.activation_memory_mb * 1024.0 * 1024.0;
}

void PolicyGradientTrainer::backwardFromActivations(
    const TrunkActivations& kept, const std::function<torch::Tensor(const std::vector<int>&, torch::Dtype)>& weights,
    const std::function<const std::vector<double>&(int, int)>& observation, int P, std::int64_t first_state,
    std::int64_t last_state) {
  const int T = model_.numSteps();
  const auto H = net_->config().hidden;
  const auto options = torch::TensorOptions().dtype(dtype());
  // The trunk above the first layer on the kept activations, a few levels at a time: the
  // gradients with respect to the first layer's state part (summed over nodes) and observation
  // part (per node). Batches of about 2 048 rows: large enough that the per-call cost of the
  // tensor operations is small, small enough that a batch's operands stay in cache.
  auto grad_state = torch::zeros({last_state - first_state, H}, options);
  auto grad_observation = torch::empty({T, P, H}, options);
  const auto rows_per_level = std::max<std::int64_t>(1, static_cast<std::int64_t>(P) * (last_state - first_state));
  const int batch = static_cast<int>(std::clamp<std::int64_t>(2048 / rows_per_level, 1, T));
  std::vector<int> ids;
  for (int t0 = 0; t0 < T; t0 += batch) {
    const int t1 = std::min(T, t0 + batch);
    ids.clear();
    for (int t = t0; t < t1; ++t)
      for (int j = 0; j < P; ++j) ids.push_back(t * P + j);
    const auto grad_probs = weights(ids, dtype()).view({t1 - t0, P, last_state - first_state, model_.numActions()});
    torch::Tensor levels;
    net_->backwardTrunk(kept, t0, t1, grad_probs, grad_state, levels);
    grad_observation.slice(0, t0, t1).copy_(levels);
  }
  // The first layer and the embeddings below it with autograd: n state rows and T · P observation
  // rows (the GRU over each path), small next to the trunk's T · P · n rows.
  std::vector<double> flat;
  for (int t = 0; t < T; ++t)
    for (int j = 0; j < P; ++j) flat.insert(flat.end(), observation(j, t).begin(), observation(j, t).end());
  const auto sequence = torch::tensor(flat, torch::kFloat64).view({T, P, observation_size_});
  const auto state_part = net_->firstStatePart(net_->states(first_state, last_state));
  const auto observation_part = net_->firstObservationPart(net_->observations(sequence));
  torch::autograd::backward({state_part, observation_part}, {grad_state, grad_observation});
}

torch::Tensor PolicyGradientTrainer::gradient(std::uint64_t path_seed, double* objective) {
  for (auto& p : net_->parameters())
    if (p.grad().defined()) p.mutable_grad().zero_();
  const double J = run(noiseHistories(model_, settings_.paths, path_seed), true);
  if (objective) *objective = J;
  auto flat = flatGradients(*net_).contiguous();
  // The one allreduce per step: every rank adds the share of its states and paths.
  MPI_Allreduce(MPI_IN_PLACE, flat.data_ptr(), static_cast<int>(flat.numel()), mpiType(flat), MPI_SUM, world_);
  return flat.neg_();  // the surrogate is −J; report ∇J
}

double PolicyGradientTrainer::objective(std::uint64_t path_seed) {
  return run(noiseHistories(model_, settings_.paths, path_seed), false);
}

PathSnapshot PolicyGradientTrainer::snapshot(int paths, std::vector<int> times) {
  // The first evaluation paths.
  return onModel().snapshot(noiseHistories(model_, paths, mixSeed(settings_.seed + 0xE7A1ULL)), std::move(times));
}

ExactEngine::LevelRule PolicyGradientTrainer::ruleFor(const ExactEngine& engine,
                                                      std::shared_ptr<std::vector<std::vector<double>>> observations) {
  return onModel().rule(engine, std::move(observations));
}

std::function<void(const MeanFieldView&, std::vector<double>&)> PolicyGradientTrainer::sequentialRule(
    const parallel::StateLayout& layout) {
  torch::Tensor state_emb;
  {
    torch::NoGradGuard no_grad;
    state_emb = net_->states(layout.begin(), layout.end());
  }
  auto hidden = std::make_shared<torch::Tensor>(net_->initialHidden());
  return [this, state_emb, hidden](const MeanFieldView& view, std::vector<double>& pi) {
    torch::NoGradGuard no_grad;
    const auto o = sharedObservation(model_, view, view.t);
    const auto e = net_->observationStep(torch::tensor(o, torch::kFloat64).view({1, observation_size_}), *hidden);
    const auto probs = net_->probabilities(state_emb, e).to(torch::kFloat64).contiguous();  // [1, n, A]
    pi.assign(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
  };
}

TrainSettings PolicyGradientTrainer::settingsOf(const std::string& checkpoint) {
  TrainSettings settings;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(checkpoint);
    c10::IValue stored;
    if (!archive.try_read("identity", stored) || !stored.isString())
      throw InputError("'" + checkpoint + "' has no identity record; it is not a checkpoint of mfg train");
    const std::string id = stored.toStringRef();
    const auto field = [&id](const std::string& key) { return identityField(id, key); };
    // Every learner of `mfg train` stores its policy network at the top level; the recurrent ones
    // (RSPG, RIPPO) have the GRU.
    settings.recurrent = field("algorithm") == "rspg" || field("algorithm") == "rippo";
    settings.state_as_index = field("state_encoding") != "value";
    settings.beta_head = field("beta_head") == "1" ? 1 : 0;
    settings.float64 = field("dtype") == "float64";
  } catch (const c10::Error& e) {
    throw InputError("'" + checkpoint + "' is not a checkpoint of mfg train (" + e.what_without_backtrace() + ")");
  }
  return settings;
}

std::string PolicyGradientTrainer::identity() const {
  std::string id = "model=" + model_.name() + ";algorithm=" + (settings_.recurrent ? "rspg" : "spg") +
                   ";states=" + std::to_string(model_.numStates()) + ";actions=" + std::to_string(model_.numActions()) +
                   ";steps=" + std::to_string(model_.numSteps()) + ";state_encoding=" +
                   (settings_.state_as_index ? "index" : "value") + ";beta_head=" + std::to_string(settings_.beta_head) +
                   ";dtype=" + (settings_.float64 ? "float64" : "float32");
  for (const auto& [key, value] : model_.parameters().values()) {
    id += ";" + key + "=";
    for (double v : value) id += std::to_string(v) + ",";
  }
  return id;
}

double PolicyGradientTrainer::agentObjective(std::uint64_t path_seed, const torch::Tensor& agent) {
  return run(noiseHistories(model_, settings_.paths, path_seed), false, &agent);
}

double PolicyGradientTrainer::iterate() {
  const FlushDenormals flush;  // see FlushDenormals.hpp
  const double K = static_cast<double>(std::max(1L, settings_.iterations - 1));
  const double progress = std::min(1.0, static_cast<double>(iteration_) / K);
  const double lr = settings_.learning_rate * (1.0 - (1.0 - settings_.final_lr_fraction) * progress);
  for (auto& group : adam_->param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);

  double J = 0.0;
  auto grad = gradient(mixSeed(settings_.seed ^ mixSeed(static_cast<std::uint64_t>(iteration_))), &J);
  if (iteration_ == settings_.inject_nan_at) grad.fill_(std::numeric_limits<double>::quiet_NaN());
  // The gradient is the allreduced one, so every rank takes the same branch here.
  if (!std::isfinite(J) || !torch::isfinite(grad).all().item<bool>())
    throw DivergenceError("the policy gradient or objective is not finite at iteration " + std::to_string(iteration_) +
                          " (J = " + std::to_string(J) + ")");
  const double norm = grad.norm().item<double>();
  if (norm > settings_.clip_norm) grad.mul_(settings_.clip_norm / norm);
  setFlatGradients(*net_, grad.neg());  // Adam minimises −J
  adam_->step();
  if (!torch::isfinite(flatParameters(*net_)).all().item<bool>())
    throw DivergenceError("the network parameters are not finite after the step of iteration " +
                          std::to_string(iteration_));
  ++iteration_;
  return J;
}

TrainEvaluation PolicyGradientTrainer::evaluate(std::size_t max_nodes) {
  return onModel().evaluate(noiseHistories(model_, settings_.eval_paths, mixSeed(settings_.seed + 0xE7A1ULL)),
                            settings_.groups, max_nodes);
}

void PolicyGradientTrainer::save(const std::string& path, const std::map<std::string, torch::Tensor>& extra) const {
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  if (rank == 0) {
    torch::serialize::OutputArchive archive;
    net_->save(archive);
    torch::serialize::OutputArchive optimiser;
    adam_->save(optimiser);
    archive.write("optimiser", optimiser);
    archive.write("iteration", torch::tensor(static_cast<std::int64_t>(iteration_)));
    archive.write("identity", c10::IValue(identity()));
    for (const auto& [name, value] : extra) archive.write("extra/" + name, value);
    saveAtomically(archive, path);
  }
  MPI_Barrier(world_);
}

void PolicyGradientTrainer::load(const std::string& path, std::map<std::string, torch::Tensor>* extra) {
  // Any mismatch (another model, algorithm or network shape) is a bad input, not a crash.
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    requireIdentity(checkpointIdentity(archive, path), identity(), path);
    restoreNetwork(net_, archive, model_, observation_size_, dtype(), path, "network");
    torch::serialize::InputArchive optimiser;
    archive.read("optimiser", optimiser);
    adam_->load(optimiser);
    torch::Tensor it;
    archive.read("iteration", it);
    iteration_ = it.item<std::int64_t>();
    if (extra)
      for (auto& [name, value] : *extra) archive.read("extra/" + name, value);
  } catch (const c10::Error& e) {
    throw InputError("checkpoint '" + path + "' cannot be used for this run (" + e.what_without_backtrace() +
                     "); it may belong to another model, algorithm or network");
  }
}

void PolicyGradientTrainer::loadPolicy(const std::string& path) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    const std::string theirs = checkpointIdentity(archive, path), mine = identity();
    // The same model with the same parameters and the same network; the learner may be any.
    std::vector<std::string> keys{"model", "states", "actions", "steps", "state_encoding", "dtype"};
    for (const auto& [key, value] : model_.parameters().values()) keys.push_back(key);
    for (const auto& key : keys)
      if (identityField(theirs, key) != identityField(mine, key))
        throw InputError("checkpoint '" + path + "' belongs to another run (" + key + " = '" +
                         identityField(theirs, key) + "' there, '" + identityField(mine, key) + "' here; " + theirs +
                         ")");
    restoreNetwork(net_, archive, model_, observation_size_, dtype(), path, "network");
    torch::Tensor it;
    archive.read("iteration", it);
    iteration_ = it.item<std::int64_t>();
  } catch (const c10::Error& e) {
    throw InputError("checkpoint '" + path + "' cannot be used as a policy here (" + e.what_without_backtrace() + ")");
  }
}

}  // namespace mfg
