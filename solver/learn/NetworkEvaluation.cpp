#include "solver/learn/NetworkEvaluation.hpp"

#include <random>

#include "parallel/Collectives.hpp"
#include "solver/learn/FlushDenormals.hpp"
#include "parallel/RankGroups.hpp"
#include "solver/certify/MeanInterval.hpp"
#include "solver/models/InputError.hpp"

namespace mfg {

std::uint64_t mixSeed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::vector<std::vector<std::vector<double>>> noiseHistories(const Model& model, int paths, std::uint64_t seed) {
  if (!model.noise()) return {std::vector<std::vector<double>>(static_cast<std::size_t>(model.numSteps()) + 1)};
  return ScenarioTree::sampleHistories(*model.noise(), model.numSteps(), paths, seed);
}

std::vector<double> sharedObservation(const Model& model, const MeanFieldView& view, int t) {
  auto o = model.observation(view);
  if (o.empty()) o.push_back(static_cast<double>(t) / static_cast<double>(model.numSteps()));
  return o;
}

int sharedObservationSize(const Model& model) {
  std::vector<double> z0;
  if (model.noise()) {
    std::mt19937_64 rng(0);
    z0 = model.noise()->sampleInitial(rng);
  }
  const auto mu0 = model.initialDistribution(z0);
  MeanFieldView view;
  view.mu = mu0;
  view.z = z0;
  std::vector<double> stats;
  model.aggregate(view, stats);
  view.stats = stats;
  return static_cast<int>(sharedObservation(model, view, 0).size());
}

ExactEngine::LevelRule NetworkOnModel::rule(const ExactEngine& engine,
                                            std::shared_ptr<std::vector<std::vector<double>>> observations,
                                            std::shared_ptr<TrunkActivations> activations) const {
  const auto& layout = engine.layout();
  const auto& tree = engine.tree();
  PolicyNetwork net = net_;
  torch::Tensor state_emb;
  {
    torch::NoGradGuard no_grad;
    state_emb = net->states(layout.begin(), layout.end());
  }
  if (!observations) observations = std::make_shared<std::vector<std::vector<double>>>();
  observations->assign(tree.size(), {});
  auto hidden = std::make_shared<std::vector<torch::Tensor>>(tree.size());
  ExactEngine::LevelRule rule;
  const Model& model = model_;
  rule.observe = [&model, &tree, observations](int node, const MeanFieldView& view) {
    (*observations)[static_cast<std::size_t>(node)] = sharedObservation(model, view, tree.node(node).level);
  };
  const int d = observation_size_;
  const int levels = engine.steps();
  rule.decide = [net, d, &tree, state_emb, hidden, observations, activations, levels](
                    int level, const std::vector<int>& nodes, Policy& decided) mutable {
    torch::NoGradGuard no_grad;
    const auto B = static_cast<std::int64_t>(nodes.size());
    std::vector<double> flat;
    std::vector<torch::Tensor> parents;
    for (int node : nodes) {
      const auto& o = (*observations)[static_cast<std::size_t>(node)];
      flat.insert(flat.end(), o.begin(), o.end());
      const int parent = tree.node(node).parent;
      parents.push_back(parent < 0 || !net->config().recurrent ? net->initialHidden()
                                                                 : (*hidden)[static_cast<std::size_t>(parent)]);
    }
    auto h = torch::cat(parents, 1);  // [1, B, H]
    const auto e = net->observationStep(torch::tensor(flat, torch::kFloat64).view({B, d}), h);
    const auto probs = (activations ? net->probabilities(state_emb, e, *activations, level, levels)
                                    : net->probabilities(state_emb, e))
                           .to(torch::kFloat64)
                           .contiguous();  // [B, n, A]
    const auto rows = probs.numel() / B;
    for (std::int64_t b = 0; b < B; ++b) {
      const double* p = probs.data_ptr<double>() + b * rows;
      decided.pi[static_cast<std::size_t>(nodes[b])].assign(p, p + rows);
      if (net->config().recurrent) (*hidden)[static_cast<std::size_t>(nodes[b])] = h.slice(1, b, b + 1);
    }
  };
  return rule;
}

TrainEvaluation NetworkOnModel::evaluate(const std::vector<std::vector<std::vector<double>>>& histories, int groups_wanted,
                                         std::size_t max_nodes) const {
  torch::NoGradGuard no_grad;
  const FlushDenormals flush;  // see FlushDenormals.hpp
  TrainEvaluation ev;
  const int N = static_cast<int>(histories.size());
  parallel::RankGroups groups(world_, groups_wanted, N);
  const auto [first, last] = groups.share();
  std::vector<double> mine_gap;
  if (last > first) {
    const std::vector<std::vector<std::vector<double>>> share(histories.begin() + first, histories.begin() + last);
    ExactEngine engine(model_, groups.group(), ScenarioTree::fromHistories(share, 1.0 / N));
    Policy pi;
    const MeanFieldFlow flow = engine.forward(rule(engine), pi);
    Values mine, best;
    std::vector<BackupRequest> requests{{Backup::Evaluate, &pi, 1.0, &mine, false},
                                        {Backup::BestResponse, nullptr, 1.0, &best, false}};
    engine.backward(flow, pi, requests);
    for (int j = 0; j < last - first; ++j) {
      std::vector<double> gap(mine.V[j].size());
      for (std::size_t s = 0; s < gap.size(); ++s) gap[s] = best.V[j][s] - mine.V[j][s];
      mine_gap.push_back(engine.weightByInitial(j, gap));
    }
  }
  const auto gaps = groups.allUnits(mine_gap);
  const double n = static_cast<double>(gaps.size());
  for (double g : gaps) ev.clairvoyant += g / n;
  const double half = halfWidth95(gaps);  // NaN below kMinIntervalUnits paths
  ev.ci_low = ev.clairvoyant - half;
  ev.ci_high = ev.clairvoyant + half;

  // Exact non-anticipative exploitability on the enumerated tree, when it is small enough.
  const NoiseProcess* noise = model_.noise();
  if (noise && noise->finite()) {
    ScenarioTree tree;
    try {
      tree = ScenarioTree::enumerate(*noise, model_.numSteps(), max_nodes);
    } catch (const InputError&) {
      return ev;
    }
    ExactEngine engine(model_, world_, std::move(tree));
    Policy pi;
    auto flow = engine.forward(rule(engine), pi);
    ev.non_anticipative = engine.exploitabilityAtRoots(pi, &flow).exploitability;
    ev.has_exact = true;
  }
  return ev;
}

PathSnapshot NetworkOnModel::snapshot(const std::vector<std::vector<std::vector<double>>>& h,
                                      std::vector<int> times) const {
  const FlushDenormals flush;
  PathSnapshot snap;
  const int P = static_cast<int>(h.size()), T = model_.numSteps();
  ExactEngine engine(model_, world_, ScenarioTree::fromHistories(h, 1.0 / P));
  Policy pi;
  const auto flow = engine.forward(rule(engine), pi);
  snap.times = std::move(times);
  snap.z = h;
  snap.mu.assign(static_cast<std::size_t>(P), {});
  snap.pi.assign(static_cast<std::size_t>(P), {});
  std::vector<double> full;
  for (int j = 0; j < P; ++j) {
    for (int t = 0; t <= T; ++t) {
      parallel::allGather(engine.layout(), flow.mu[static_cast<std::size_t>(t * P + j)], 1, full);
      snap.mu[j].push_back(full);
    }
    for (int t : snap.times) {
      parallel::allGather(engine.layout(), pi.pi[static_cast<std::size_t>(t * P + j)],
                          static_cast<int>(engine.layout().actions()), full);
      snap.pi[j].push_back(full);
    }
  }
  return snap;
}

}  // namespace mfg
