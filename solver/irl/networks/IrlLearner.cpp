#include "solver/irl/networks/IrlLearner.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "parallel/Collectives.hpp"
#include "solver/irl/Clustering.hpp"
#include "solver/irl/SoftEquilibrium.hpp"
#include "solver/learn/PolicyNetwork.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::irl {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// Gradients are summed as integers in units of 2^-36 (about 1.5e-11): exact, so the sum does not
/// depend on the order in which ranks add their plays.
constexpr double kFixedPointScale = 68719476736.0;  // 2^36
constexpr double kFixedPointLimit = 1.0e7;

/// Streams of the run's seeded generators (Plays.hpp streamSeed).
enum Stream : std::uint64_t { kBatch = 1, kLatent = 2, kGenerated = 3, kInformation = 4, kExpertSubset = 5, kStart = 6 };

/// The information play's soft equilibrium: the fixed point to this tolerance or this many iterations
/// (it need not be exact: the play only has to show what the context's population does).
constexpr double kInformationTolerance = 1e-8;
constexpr int kInformationIterations = 200;

/// k-means runs from different k-means++ draws when the categorical context is started from them.
constexpr int kStartRestarts = 20;

constexpr int kSlots = 4;  // per play: discriminator loss, info loss, expert NLL, log q (baseline)

torch::Tensor toTensor(const std::vector<double>& v) {
  return torch::from_blob(const_cast<double*>(v.data()), {static_cast<std::int64_t>(v.size())}, torch::kFloat64).clone();
}

/// A standard normal from the top bits of the generator (Box–Muller), the same on every platform.
double normal(std::mt19937_64& rng) {
  const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace

struct IrlLearner::PlayWork {
  std::int64_t play = 0;
  torch::Tensor m;            ///< the context the reward reads (with gradient), or undefined
  torch::Tensor q;            ///< categorical: q_ψ(·|play) (with gradient)
  std::int64_t type = 0;      ///< categorical: the type m points at
  torch::Tensor grid;         ///< the reward's inputs on the (t, s, a) grid of the group rank's states
  torch::Tensor R;            ///< [T, n, A] on the group rank's states (with gradient)
  Policy pi;                  ///< the soft best response, owned rows
  GlobalTable pi_global;      ///< the same on all states
  std::vector<std::int64_t> gen_states, gen_actions;    ///< the play generated with m
  std::vector<std::int64_t> info_states, info_actions;  ///< the play generated with m_info
  GlobalTable info_flow;                                ///< its flow: the soft equilibrium of r(·, m_info)
  std::int64_t gen_agents = 0;
  torch::Tensor m_info;           ///< a context drawn from the prior (information terms)
  std::int64_t info_type = 0;     ///< categorical: its type
  torch::Tensor log_q_generated;  ///< log q(m_info | information play), with gradient in ψ
  torch::Tensor discriminator;    ///< L_D (group root)
  double slots[kSlots] = {0, 0, 0, 0};
};

IrlLearner::IrlLearner(const Model& model, const Demonstrations& demos, const IrlSettings& settings, MPI_Comm world)
    : model_(model), demos_(demos), settings_(settings), world_(world), features_(model) {
  if (model.noise() != nullptr) throw InputError("inverse RL needs a model without common noise");
  if (model.usesStateAction()) throw InputError("inverse RL: models whose kernel or reward read L_t are not supported");
  if (demos.steps != model.numSteps())
    throw InputError(fmt::format("the demonstrations have T = {} steps but model '{}' has T = {} (set T to match)",
                                 demos.steps, model.name(), model.numSteps()));
  if (!(demos.beta > 0.0)) throw InputError("the demonstrations' beta must be > 0");
  if (settings.method == IrlMethod::Pemmfirl && settings.types < 0) throw InputError("--types must be >= 0");
  if (settings.max_types < 0) throw InputError("--max-types must be >= 0");
  if (settings.context_warmup < 0) throw InputError("--context-warmup must be >= 0");
  const std::int64_t S = model.numStates();
  plays_.resize(static_cast<std::size_t>(demos.plays));
  for (std::int64_t p = 0; p < demos.plays; ++p) {
    auto& d = plays_[static_cast<std::size_t>(p)];
    d.flow = empiricalFlow(demos, p, S);
    for (std::int64_t i = 0; i < demos.agents; ++i) {
      d.initial.push_back(demos.state(p, i, 0));
      for (std::int64_t t = 0; t < demos.steps; ++t) {
        d.t.push_back(t);
        d.s.push_back(demos.state(p, i, t));
        d.a.push_back(demos.action(p, i, t));
        d.next.push_back(demos.state(p, i, t + 1));
      }
    }
  }
  batch_size_ = settings.batch_plays <= 0 ? static_cast<int>(demos.plays)
                                          : static_cast<int>(std::min<std::int64_t>(settings.batch_plays, demos.plays));
  groups_ = std::make_unique<parallel::RankGroups>(world, settings.groups, batch_size_);
  if (settings.method != IrlMethod::Bc) {
    table_model_ = std::make_unique<RewardTableModel>(model);
    engine_ = std::make_unique<ExactEngine>(*table_model_, groups_->group());
  }
  if (settings.method == IrlMethod::Pemmfirl && settings.max_types > 0) {
    // The number of types: the fewest k-means clusters that leave no more spread between the plays'
    // summaries than their agents' sampling noise explains.
    std::vector<std::vector<double>> rows;
    std::vector<double> noise;
    for (auto& summary : playSummaries()) {
      rows.push_back(std::move(summary.mean));
      noise.push_back(summary.noise);
    }
    auto count = chooseTypeCount(rows, noise, settings.max_types, streamSeed(settings.seed, kStart, 1), kStartRestarts,
                                 settings.type_dispersion_threshold);
    settings_.types = count.types;
    type_dispersion_ = std::move(count.dispersion);
    if (count.types > 1 && settings.context_init == ContextInit::KMeans && settings.context_warmup > 0)
      start_clusters_ = std::move(count.clusters);
  }
  NetworkShape shape;
  shape.method = settings.method;
  shape.reward_inputs = features_.rewardInputs();
  shape.potential_inputs = features_.potentialInputs();
  shape.policy_inputs = features_.policyInputs();
  shape.trajectory_inputs = features_.trajectoryInputs();
  shape.actions = model.numActions();
  shape.types = settings_.types;
  shape.latent = settings.latent;
  shape.hidden = settings.hidden;
  // The same initial parameters on every rank: the generator is seeded before the modules are built.
  torch::manual_seed(settings.seed);
  nets_ = IrlNetworks(shape);
  nets_->to(torch::kFloat64);  // double throughout: see IrlFeatures.hpp
  optimiser_ = std::make_unique<torch::optim::Adam>(nets_->parameters(), torch::optim::AdamOptions(settings.learning_rate));
  if (settings.method == IrlMethod::Pemmfirl && settings.max_types == 0 && settings.types > 1 &&
      settings.context_init == ContextInit::KMeans && settings.context_warmup > 0)
    start_clusters_ = clusterPlays();
}

std::vector<IrlFeatures::Summary> IrlLearner::playSummaries() const {
  // What a play's agents did: state and action shares at every step.
  std::vector<IrlFeatures::Summary> out;
  for (std::int64_t p = 0; p < demos_.plays; ++p) {
    const auto off_s = static_cast<std::size_t>(p * demos_.agents * (demos_.steps + 1));
    const auto off_a = static_cast<std::size_t>(p * demos_.agents * demos_.steps);
    out.push_back(features_.behaviourSummary(demos_.states.data() + off_s, demos_.actions.data() + off_a, demos_.agents));
  }
  return out;
}

std::vector<int> IrlLearner::clusterPlays() {
  std::vector<std::vector<double>> rows;
  for (auto& summary : playSummaries()) rows.push_back(std::move(summary.mean));
  return kMeans(rows, settings_.types, streamSeed(settings_.seed, kStart, 0), kStartRestarts);
}

IrlLearner::~IrlLearner() = default;

std::vector<std::int64_t> IrlLearner::batch() {
  std::vector<std::int64_t> order(static_cast<std::size_t>(demos_.plays));
  std::iota(order.begin(), order.end(), 0);
  if (batch_size_ < demos_.plays) {
    std::mt19937_64 rng(streamSeed(settings_.seed, kBatch, static_cast<std::uint64_t>(iteration_)));
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    order.resize(static_cast<std::size_t>(batch_size_));
  }
  return order;
}

MeanFieldFlow IrlLearner::localFlow(const GlobalTable& flow) const {
  const auto& layout = engine_->layout();
  MeanFieldFlow local;
  for (const auto& mu : flow) local.mu.emplace_back(mu.begin() + layout.begin(), mu.begin() + layout.end());
  return local;
}

torch::Tensor IrlLearner::trajectoriesOf(std::int64_t play) {
  const auto off_s = static_cast<std::size_t>(play * demos_.agents * (demos_.steps + 1));
  const auto off_a = static_cast<std::size_t>(play * demos_.agents * demos_.steps);
  return features_.trajectories(plays_[static_cast<std::size_t>(play)].flow, demos_.states.data() + off_s,
                                demos_.actions.data() + off_a, demos_.agents);
}

std::vector<std::vector<double>> IrlLearner::rewardTable(const torch::Tensor& m, const GlobalTable& flow,
                                                         std::int64_t first, std::int64_t last) {
  torch::NoGradGuard no_grad;
  const auto R = nets_->reward(features_.rewardGrid(flow, first, last), m).to(torch::kFloat64).contiguous();
  const auto rows = (last - first) * model_.numActions();
  std::vector<std::vector<double>> table(static_cast<std::size_t>(model_.numSteps()));
  const double* r = R.data_ptr<double>();
  for (int t = 0; t < model_.numSteps(); ++t) table[static_cast<std::size_t>(t)].assign(r + t * rows, r + (t + 1) * rows);
  return table;
}

std::vector<double> IrlLearner::clonedPolicy(const GlobalTable& flow, int t, std::int64_t first, std::int64_t last) {
  torch::NoGradGuard no_grad;
  const auto p = torch::exp(nets_->policyLogits(features_.policyGrid(flow, t, first, last))).to(torch::kFloat64).contiguous();
  return std::vector<double>(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
}

torch::Tensor IrlLearner::contextOf(std::int64_t play) {
  if (!nets_->shape().hasContext()) return {};
  torch::NoGradGuard no_grad;
  const auto q = nets_->encode(trajectoriesOf(play));
  if (settings_.types > 0)
    return torch::one_hot(q.logits.argmax(), settings_.types).to(torch::kFloat64);
  return q.mean.clone();
}

std::vector<double> IrlLearner::transitionRewards(std::int64_t play) {
  if (settings_.method == IrlMethod::Bc) return {};
  const auto m = contextOf(play);
  torch::NoGradGuard no_grad;
  const auto& d = plays_[static_cast<std::size_t>(play)];
  const auto r = nets_->reward(features_.rewardRows(d.flow, d.t, d.s, d.a), m).to(torch::kFloat64).contiguous();
  return std::vector<double>(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
}

std::vector<std::vector<double>> IrlLearner::contexts() {
  std::vector<std::vector<double>> out;
  if (!nets_->shape().hasContext()) return out;
  torch::NoGradGuard no_grad;
  for (std::int64_t p = 0; p < demos_.plays; ++p) {
    const auto q = nets_->encode(trajectoriesOf(p));
    const auto v = (settings_.types > 0 ? torch::softmax(q.logits, 0) : q.mean).to(torch::kFloat64).contiguous();
    out.emplace_back(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
  }
  return out;
}

torch::Tensor IrlLearner::flatParameters() { return mfg::flatParameters(*nets_); }

void IrlLearner::setFlatParameters(const torch::Tensor& flat) { mfg::setFlatParameters(*nets_, flat); }

GlobalTable IrlLearner::softPolicyFor(const torch::Tensor& R, const GlobalTable& flow, Policy& local, double& exact_seconds) {
  // The exact soft best response to a reward table (owned rows) against a flow, gathered.
  const auto& layout = engine_->layout();
  const std::int64_t A = model_.numActions(), T = model_.numSteps();
  const auto t0 = Clock::now();
  const auto table_tensor = R.detach().contiguous();
  const auto rows = layout.localRows();
  std::vector<std::vector<double>> table(static_cast<std::size_t>(T));
  const double* r = table_tensor.data_ptr<double>();
  for (std::int64_t t = 0; t < T; ++t) table[static_cast<std::size_t>(t)].assign(r + t * rows, r + (t + 1) * rows);
  table_model_->setTable(std::move(table), layout.begin());
  local = softBestResponse(*engine_, temperature(), localFlow(flow));
  GlobalTable global(static_cast<std::size_t>(T));
  for (std::int64_t t = 0; t < T; ++t)
    parallel::allGather(layout, local.pi[static_cast<std::size_t>(t)], static_cast<int>(A), global[static_cast<std::size_t>(t)]);
  exact_seconds += since(t0);
  return global;
}

void IrlLearner::forwardPlay(PlayWork& w, double& exact_seconds) {
  const auto& d = plays_[static_cast<std::size_t>(w.play)];
  const bool root = groups_->groupRank() == 0;
  const auto& layout = engine_->layout();
  const std::int64_t A = model_.numActions(), T = model_.numSteps();
  const auto item = static_cast<std::uint64_t>(iteration_) * static_cast<std::uint64_t>(demos_.plays) +
                    static_cast<std::uint64_t>(w.play);
  std::mt19937_64 rng(streamSeed(settings_.seed, kLatent, item));
  const bool context = nets_->shape().hasContext();
  // Context of the experts' play, drawn from q_ψ(m | play): a categorical by the Gumbel-max trick with
  // a straight-through gradient (the reward reads one type, the encoder still gets a gradient, and
  // while q is flat every type is tried); a Gaussian by reparametrisation.
  if (context) {
    const auto q = nets_->encode(trajectoriesOf(w.play));
    if (settings_.types > 0) {
      const auto probs = torch::softmax(q.logits, 0);
      w.q = probs;
      std::vector<double> gumbel(static_cast<std::size_t>(settings_.types));
      for (auto& g : gumbel) g = -std::log(-std::log((static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53));
      w.type = (q.logits.detach() + toTensor(gumbel)).argmax().item<std::int64_t>();
      w.m = torch::one_hot(torch::tensor(w.type), settings_.types).to(torch::kFloat64) + probs - probs.detach();
    } else {
      std::vector<double> eps(static_cast<std::size_t>(settings_.latent));
      for (auto& e : eps) e = normal(rng);
      w.m = q.mean + toTensor(eps) * torch::exp(q.log_std);
    }
  }
  // The grid's inputs depend on the play only: built once, read by every context's reward.
  w.grid = features_.rewardGrid(d.flow, layout.begin(), layout.end());
  w.R = nets_->reward(w.grid, w.m);
  w.pi_global = softPolicyFor(w.R, d.flow, w.pi, exact_seconds);
  // The information play: a context drawn from the prior (uniform over the types, or N(0, I)) and a
  // play of its own population: agents sampled in the soft equilibrium of the context's reward, the
  // flow included. The encoder must recover the context from it. Not a play inside the experts'
  // flow μ̂: a reward that reads μ̂ can tell the experts' type from the flow alone, so every context
  // would generate the same play there and the encoder would learn that plays carry no type.
  GlobalTable info_pi;
  if (context) {
    if (settings_.types > 0) {
      w.info_type = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(settings_.types));
      w.m_info = torch::one_hot(torch::tensor(w.info_type), settings_.types).to(torch::kFloat64);
    } else {
      std::vector<double> z(static_cast<std::size_t>(settings_.latent));
      for (auto& e : z) e = normal(rng);
      w.m_info = toTensor(z);
    }
    const auto t0 = Clock::now();
    const auto gathered = [&](const std::vector<std::vector<double>>& local, int block) {
      GlobalTable out(local.size());
      for (std::size_t t = 0; t < local.size(); ++t) parallel::allGather(layout, local[t], block, out[t]);
      return out;
    };
    SoftEquilibriumSettings es;
    es.temperature = temperature();
    es.tolerance = kInformationTolerance;
    es.max_iterations = kInformationIterations;
    const auto eq = solveSoftEquilibrium(*engine_, es, [&](const MeanFieldFlow& f) {
      table_model_->setTable(rewardTable(w.m_info, gathered(f.mu, 1), layout.begin(), layout.end()), layout.begin());
    });
    w.info_flow = gathered(eq.flow.mu, 1);
    info_pi = gathered(eq.policy.pi, static_cast<int>(A));
    exact_seconds += since(t0);
  }
  if (!root) return;
  double nll = 0.0;
  for (std::size_t k = 0; k < d.t.size(); ++k)
    nll -= std::log(std::max(w.pi_global[static_cast<std::size_t>(d.t[k])][static_cast<std::size_t>(d.s[k] * A + d.a[k])], 1e-300));
  w.slots[2] = nll / static_cast<double>(d.t.size());
  if (settings_.method == IrlMethod::Mfirl) return;

  // Generated plays: agents under a policy inside the play's flow, starting where the experts started.
  w.gen_agents = settings_.generated_agents > 0 ? settings_.generated_agents : std::min<std::int64_t>(demos_.agents, 64);
  const auto sample = [&](const GlobalTable& pi, const GlobalTable& flow, std::uint64_t stream,
                          std::vector<std::int64_t>& states, std::vector<std::int64_t>& actions) {
    states.resize(static_cast<std::size_t>(w.gen_agents * (T + 1)));
    actions.resize(static_cast<std::size_t>(w.gen_agents * T));
    samplePlay(model_, pi, flow, w.gen_agents, streamSeed(settings_.seed, stream, item), states.data(),
               actions.data(), d.initial);
  };
  sample(w.pi_global, d.flow, kGenerated, w.gen_states, w.gen_actions);
  if (context) {
    sample(info_pi, w.info_flow, kInformation, w.info_states, w.info_actions);
    const auto q = nets_->encode(features_.trajectories(w.info_flow, w.info_states.data(), w.info_actions.data(), w.gen_agents));
    const auto target = settings_.types > 0 ? torch::tensor(w.info_type) : w.m_info;
    w.log_q_generated = nets_->logContextProbability(q, target);
    w.slots[1] = -w.log_q_generated.item<double>();
    w.slots[3] = w.log_q_generated.item<double>();
  }
  // The shaped discriminator on the scale of the experts' temperature: log π_E = (Q − V)/β, so
  // f = (r(s,a,μ̂_t,m) + γ h(s',μ̂_{t+1},m) − h(s,μ̂_t,m)) / β keeps r on the true reward's scale, which
  // is what the soft best response at β expects. log D = −softplus(log π − f), log(1 − D) = −softplus(f − log π).
  const double gamma = model_.discount(), beta = temperature();
  const auto logits = [&](const std::vector<std::int64_t>& t, const std::vector<std::int64_t>& s,
                          const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& next) {
    std::vector<std::int64_t> t1(t);
    for (auto& v : t1) ++v;
    const auto r = nets_->reward(features_.rewardRows(d.flow, t, s, a), w.m);
    const auto h = nets_->potential(features_.potentialRows(d.flow, t, s), w.m);
    const auto h1 = nets_->potential(features_.potentialRows(d.flow, t1, next), w.m);
    std::vector<double> log_pi(t.size());
    for (std::size_t k = 0; k < t.size(); ++k)
      log_pi[k] = std::log(std::max(w.pi_global[static_cast<std::size_t>(t[k])][static_cast<std::size_t>(s[k] * A + a[k])], 1e-300));
    return std::make_pair((r + gamma * h1 - h) / beta, toTensor(log_pi));
  };
  // As many expert transitions as generated ones, drawn without replacement from the play.
  std::vector<std::int64_t> et, es, ea, en;
  {
    const auto n = d.t.size(), want = std::min<std::size_t>(n, static_cast<std::size_t>(w.gen_agents * T));
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 pick(streamSeed(settings_.seed, kExpertSubset, item));
    for (std::size_t i = 0; i < want; ++i) std::swap(order[i], order[i + pick() % (n - i)]);
    for (std::size_t i = 0; i < want; ++i) {
      et.push_back(d.t[order[i]]);
      es.push_back(d.s[order[i]]);
      ea.push_back(d.a[order[i]]);
      en.push_back(d.next[order[i]]);
    }
  }
  const auto [f_e, lp_e] = logits(et, es, ea, en);
  std::vector<std::int64_t> gt, gs, ga, gn;
  for (std::int64_t i = 0; i < w.gen_agents; ++i)
    for (std::int64_t t = 0; t < T; ++t) {
      gt.push_back(t);
      gs.push_back(w.gen_states[static_cast<std::size_t>(i * (T + 1) + t)]);
      ga.push_back(w.gen_actions[static_cast<std::size_t>(i * T + t)]);
      gn.push_back(w.gen_states[static_cast<std::size_t>(i * (T + 1) + t + 1)]);
    }
  const auto [f_g, lp_g] = logits(gt, gs, ga, gn);
  w.discriminator = torch::softplus(lp_e - f_e).mean() + torch::softplus(f_g - lp_g).mean();
  w.slots[0] = w.discriminator.item<double>();
}

torch::Tensor IrlLearner::behaviourCloning(PlayWork& w, const Policy& pi, const torch::Tensor& R, double* nll,
                                           double& exact_seconds) {
  // Σ_t Σ_{s,a} c_t(s,a) log π_t(a|s) has gradient (1/β) Σ ν·dR in the reward table, ν the occupancy of
  // w_t = c_t − c_t(s) π_t started from zero (ExactEngine::occupancy); its surrogate −(1/(βT)) Σ ν·R
  // carries that gradient to the networks. c is the play's empirical occupancy.
  const auto& d = plays_[static_cast<std::size_t>(w.play)];
  const auto& layout = engine_->layout();
  const std::int64_t A = model_.numActions(), T = model_.numSteps(), first = layout.begin();
  const auto nR = static_cast<std::size_t>(layout.localRows());
  std::vector<std::vector<double>> inject(static_cast<std::size_t>(T), std::vector<double>(nR, 0.0));
  const double weight = 1.0 / static_cast<double>(demos_.agents);
  for (std::size_t k = 0; k < d.t.size(); ++k) {
    const std::int64_t s = d.s[k];
    if (s < layout.begin() || s >= layout.end()) continue;
    auto& row = inject[static_cast<std::size_t>(d.t[k])];
    const double* p = pi.pi[static_cast<std::size_t>(d.t[k])].data() + (s - first) * A;
    for (std::int64_t a = 0; a < A; ++a) row[static_cast<std::size_t>((s - first) * A + a)] -= weight * p[a];
    row[static_cast<std::size_t>((s - first) * A + d.a[k])] += weight;
    if (nll) *nll -= weight * std::log(std::max(p[d.a[k]], 1e-300)) / static_cast<double>(T);
  }
  const auto t0 = Clock::now();
  const auto uniform = Policy::uniform(layout, static_cast<int>(T));
  const auto nu = engine_->occupancy(pi, localFlow(d.flow), uniform, {}, inject, model_.discount());
  exact_seconds += since(t0);
  std::vector<double> flat;
  flat.reserve(nR * static_cast<std::size_t>(T));
  for (const auto& row : nu) flat.insert(flat.end(), row.begin(), row.end());
  const auto nu_t = toTensor(flat).reshape(R.sizes());
  return -(nu_t * R).sum() / (temperature() * static_cast<double>(T));
}

torch::Tensor IrlLearner::playLoss(PlayWork& w, double baseline, double& exact_seconds) {
  const bool root = groups_->groupRank() == 0;
  const auto& d = plays_[static_cast<std::size_t>(w.play)];
  const std::int64_t T = model_.numSteps();
  torch::Tensor loss = torch::zeros({}, torch::kFloat64);
  switch (settings_.method) {
    case IrlMethod::Bc: {
      if (!root) break;
      const auto logp = nets_->policyLogits(features_.policyRows(d.flow, d.t, d.s));
      std::vector<std::int64_t> a(d.a);
      const auto idx = torch::from_blob(a.data(), {static_cast<std::int64_t>(a.size()), 1}, torch::kInt64).clone();
      loss = -logp.gather(1, idx).mean();
      w.slots[2] = loss.item<double>();
      break;
    }
    case IrlMethod::Mfirl:
      loss = behaviourCloning(w, w.pi, w.R, nullptr, exact_seconds);
      break;
    case IrlMethod::MfAirl:
      if (root) loss = w.discriminator;
      break;
    case IrlMethod::Pemmfirl: {
      if (root) {
        // Information terms: the encoder must recover the prior's context m_info from the play it
        // generated (for ψ), and the score-function surrogate pushes the reward toward contexts whose
        // plays reveal them (for ω).
        std::vector<std::int64_t> gt, gs, ga;
        for (std::int64_t i = 0; i < w.gen_agents; ++i)
          for (std::int64_t t = 0; t < T; ++t) {
            gt.push_back(t);
            gs.push_back(w.info_states[static_cast<std::size_t>(i * (T + 1) + t)]);
            ga.push_back(w.info_actions[static_cast<std::size_t>(i * T + t)]);
          }
        std::vector<double> discount(gt.size());
        for (std::size_t k = 0; k < gt.size(); ++k) discount[k] = std::pow(model_.discount(), static_cast<double>(gt[k]));
        const auto returns = (nets_->reward(features_.rewardRows(w.info_flow, gt, gs, ga), w.m_info) * toTensor(discount)).sum() /
                             static_cast<double>(w.gen_agents);
        const double advantage = w.log_q_generated.item<double>() - baseline;
        loss = w.discriminator + settings_.c_info * (-w.log_q_generated - advantage * returns);
        if (!start_clusters_.empty() && iteration_ < settings_.context_warmup) {
          // The start: the encoder is pulled toward the k-means cluster of the play, with a weight
          // fading linearly to zero. It breaks the symmetry of the contexts (identical rewards at
          // the start explain every play equally well, so nothing else separates them); from then on
          // the discriminator, the information terms and behaviour cloning decide the clusters.
          const double pull = 1.0 - static_cast<double>(iteration_) / static_cast<double>(settings_.context_warmup);
          const auto cluster = start_clusters_[static_cast<std::size_t>(w.play)];
          loss = loss - pull * torch::log(w.q[cluster].clamp_min(1e-300));
        }
      }
      if (settings_.c_imit > 0.0) {
        if (settings_.types > 0) {
          // −E_{k ~ q(·|play)} log π_k(a_E | s_E) with the expectation over the K types taken exactly
          // (K soft best responses) instead of sampled: the reward of type k learns with weight q_k, and
          // the encoder moves q toward the types that explain the play best.
          const auto& d = plays_[static_cast<std::size_t>(w.play)];
          torch::Tensor expected = torch::zeros({}, torch::kFloat64);
          for (int k = 0; k < settings_.types; ++k) {
            const auto m = torch::one_hot(torch::tensor(static_cast<std::int64_t>(k)), settings_.types).to(torch::kFloat64);
            const auto R = nets_->reward(w.grid, m);
            Policy pi;
            softPolicyFor(R, d.flow, pi, exact_seconds);
            double nll = 0.0;
            const auto surrogate = behaviourCloning(w, pi, R, &nll, exact_seconds);
            expected = expected + w.q.detach()[k] * surrogate + w.q[k] * nll;
          }
          loss = loss + settings_.c_imit * expected;
        } else {
          loss = loss + settings_.c_imit * behaviourCloning(w, w.pi, w.R, nullptr, exact_seconds);
        }
      }
      break;
    }
  }
  return loss;
}

IrlIterationRecord IrlLearner::step() {
  const auto t0 = Clock::now();
  IrlIterationRecord rec;
  const auto g = gradient(&rec);
  std::size_t at = 0;
  for (auto& p : nets_->parameters()) {
    const auto n = static_cast<std::size_t>(p.numel());
    std::vector<double> part(g.begin() + static_cast<std::ptrdiff_t>(at), g.begin() + static_cast<std::ptrdiff_t>(at + n));
    p.mutable_grad() = toTensor(part).reshape(p.sizes()).clone();  // an owned tensor: zero_grad detaches it in place
    at += n;
  }
  optimiser_->step();
  ++iteration_;
  rec.iteration = iteration_;
  rec.seconds = parallel::broadcast(world_, since(t0));
  history_.push_back(rec);
  return rec;
}

std::vector<double> IrlLearner::gradient(IrlIterationRecord* record) {
  double exact_seconds = 0.0;
  const auto plays = batch();
  const auto [first, last] = groups_->share();
  std::vector<PlayWork> work(static_cast<std::size_t>(last - first));
  nets_->train();
  for (int k = first; k < last; ++k) {
    auto& w = work[static_cast<std::size_t>(k - first)];
    w.play = plays[static_cast<std::size_t>(k)];
    if (settings_.method != IrlMethod::Bc) forwardPlay(w, exact_seconds);
  }
  // Per-play numbers (losses, and log q for the surrogate's baseline), each from one rank.
  std::vector<double> slots(static_cast<std::size_t>(batch_size_ * kSlots), 0.0);
  const bool root = groups_->groupRank() == 0;
  if (root)
    for (int k = first; k < last; ++k)
      for (int j = 0; j < kSlots; ++j)
        if (j != 2) slots[static_cast<std::size_t>(k * kSlots + j)] = work[static_cast<std::size_t>(k - first)].slots[j];
  MPI_Allreduce(MPI_IN_PLACE, slots.data(), static_cast<int>(slots.size()), MPI_DOUBLE, MPI_SUM, world_);
  double baseline = 0.0;
  for (int k = 0; k < batch_size_; ++k) baseline += slots[static_cast<std::size_t>(k * kSlots + 3)];
  baseline /= static_cast<double>(batch_size_);

  // Each play's gradient in fixed point, then the one integer allreduce of the step.
  std::vector<torch::Tensor> params = nets_->parameters();
  std::int64_t total = 0;
  for (const auto& p : params) total += p.numel();
  std::vector<long long> sum(static_cast<std::size_t>(total), 0);
  std::vector<double> nll(static_cast<std::size_t>(batch_size_), 0.0);
  for (int k = first; k < last; ++k) {
    auto& w = work[static_cast<std::size_t>(k - first)];
    optimiser_->zero_grad();
    const auto loss = playLoss(w, baseline, exact_seconds);
    if (root) nll[static_cast<std::size_t>(k)] = w.slots[2];
    if (!loss.requires_grad()) continue;
    (loss / static_cast<double>(batch_size_)).backward();
    std::size_t at = 0;
    for (const auto& p : params) {
      const auto n = static_cast<std::size_t>(p.numel());
      if (p.grad().defined()) {
        const auto g = p.grad().to(torch::kFloat64).contiguous();
        const double* gp = g.data_ptr<double>();
        for (std::size_t i = 0; i < n; ++i) {
          if (!(std::abs(gp[i]) < kFixedPointLimit))
            throw std::runtime_error(fmt::format("inverse RL diverged: a gradient entry of {} at iteration {}", gp[i], iteration_));
          sum[at + i] += std::llround(gp[i] * kFixedPointScale);
        }
      }
      at += n;
    }
  }
  work.clear();  // the graphs of the plays
  MPI_Allreduce(MPI_IN_PLACE, sum.data(), static_cast<int>(sum.size()), MPI_LONG_LONG, MPI_SUM, world_);
  MPI_Allreduce(MPI_IN_PLACE, nll.data(), static_cast<int>(nll.size()), MPI_DOUBLE, MPI_SUM, world_);
  std::vector<double> g(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) g[i] = static_cast<double>(sum[i]) / kFixedPointScale;
  if (record) {
    *record = {};
    for (int k = 0; k < batch_size_; ++k) {
      record->discriminator_loss += slots[static_cast<std::size_t>(k * kSlots + 0)] / batch_size_;
      record->info_loss += slots[static_cast<std::size_t>(k * kSlots + 1)] / batch_size_;
      record->expert_nll += nll[static_cast<std::size_t>(k)] / batch_size_;
    }
    record->exact_seconds = parallel::broadcast(world_, exact_seconds);
  }
  return g;
}

void IrlLearner::save(const std::string& path, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string error;
  if (rank == 0) {
    try {
      torch::serialize::OutputArchive archive, net, opt;
      const auto& s = nets_->shape();
      archive.write("shape", torch::tensor({static_cast<std::int64_t>(s.method), s.reward_inputs, s.potential_inputs,
                                            s.policy_inputs, s.trajectory_inputs, s.actions,
                                            static_cast<std::int64_t>(s.types), static_cast<std::int64_t>(s.latent),
                                            static_cast<std::int64_t>(s.hidden)}));
      archive.write("iteration", torch::tensor({static_cast<std::int64_t>(iteration_)}));
      std::vector<double> h;
      for (const auto& r : history_)
        h.insert(h.end(), {static_cast<double>(r.iteration), r.discriminator_loss, r.info_loss, r.expert_nll, r.seconds,
                           r.exact_seconds});
      archive.write("history", torch::tensor(h, torch::kFloat64));
      nets_->save(net);
      optimiser_->save(opt);
      archive.write("networks", net);
      archive.write("optimiser", opt);
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

void IrlLearner::load(const std::string& path) {
  torch::Tensor shape, iteration;
  torch::serialize::InputArchive archive, net, opt;
  try {
    archive.load_from(path);
    archive.read("shape", shape);
    archive.read("iteration", iteration);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{} is not a reward file of `mfg irl`: {}", path, e.what()));
  }
  const auto& s = nets_->shape();
  const std::vector<std::int64_t> want{static_cast<std::int64_t>(s.method), s.reward_inputs, s.potential_inputs,
                                       s.policy_inputs, s.trajectory_inputs, s.actions,
                                       static_cast<std::int64_t>(s.types), static_cast<std::int64_t>(s.latent),
                                       static_cast<std::int64_t>(s.hidden)};
  if (shape.numel() != static_cast<std::int64_t>(want.size()))
    throw InputError(fmt::format("{} is not a reward file of `mfg irl`", path));
  for (std::size_t k = 0; k < want.size(); ++k)
    if (shape[static_cast<std::int64_t>(k)].item<std::int64_t>() != want[k])
      throw InputError(fmt::format("{} holds networks of another method, model or shape (--method, --types, --latent)", path));
  try {
    torch::Tensor h;
    archive.read("history", h);
    if (h.numel() % 6 != 0) throw std::runtime_error("a history of the wrong length");
    history_.clear();
    const auto hc = h.contiguous();
    const double* v = hc.data_ptr<double>();
    for (std::int64_t k = 0; k < h.numel(); k += 6)
      history_.push_back({static_cast<int>(v[k]), v[k + 1], v[k + 2], v[k + 3], v[k + 4], v[k + 5]});
    archive.read("networks", net);
    archive.read("optimiser", opt);
    nets_->load(net);
    nets_->to(torch::kFloat64);
    optimiser_->load(opt);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("cannot resume from {}: {}", path, e.what()));
  }
  iteration_ = static_cast<int>(iteration.item<std::int64_t>());
}

}  // namespace mfg::irl
