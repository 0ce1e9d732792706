#include "solver/certify/Certifier.hpp"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "parallel/Collectives.hpp"
#include "solver/certify/MeanInterval.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/models/InputError.hpp"

namespace mfg {

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// Mean ± t_{0.975, n−1} s/√n over equally weighted units; NaN below kMinIntervalUnits units.
void confidence(Bound& b) {
  const double half = halfWidth95(b.unit_values);
  b.ci_low = b.value - half;
  b.ci_high = b.value + half;
}

/// An exact bound: its interval is the value itself.
void exactInterval(Bound& b) {
  b.exact = true;
  b.ci_low = b.ci_high = b.value;
}

}  // namespace

Certifier::Certifier(const Model& model, MPI_Comm world, CertifyOptions options)
    : model_(model), world_(world), options_(std::move(options)) {
  if (options_.paths < 1) throw InputError("--paths = " + std::to_string(options_.paths) + " is invalid (valid: >= 1)");
  if (options_.branching < 1)
    throw InputError("--branching = " + std::to_string(options_.branching) + " is invalid (valid: >= 1)");
  if (options_.branch_depth < 0 || options_.branch_depth > model.numSteps())
    throw InputError("--branch-depth = " + std::to_string(options_.branch_depth) + " is invalid (valid: 0.." +
                     std::to_string(model.numSteps()) + ")");
  int size = 1;
  MPI_Comm_size(world, &size);
  if (options_.groups < 0 || options_.groups > size)
    throw InputError("--groups = " + std::to_string(options_.groups) + " is invalid (valid: 0 for automatic, or 1.." +
                     std::to_string(size) + ", the number of ranks)");
  const NoiseProcess* noise = model.noise();
  std::string why_not;
  if (!noise) {
    model_tree_ = std::make_shared<ScenarioTree>(ScenarioTree::chain(model.numSteps()));
  } else if (!noise->finite()) {
    why_not = "model '" + model.name() + "' has continuous common noise";
  } else {
    try {
      model_tree_ = std::make_shared<ScenarioTree>(ScenarioTree::enumerate(*noise, model.numSteps(), options_.max_nodes));
    } catch (const InputError& e) {
      why_not = e.what();
    }
  }
  exact_ = model_tree_ && options_.tree != TreeMode::Sampled;
  if (options_.tree == TreeMode::Exact && !exact_)
    throw InputError("--tree exact: the scenario tree cannot be enumerated (" + why_not + "); use --tree sampled");
  if (!exact_) {
    const int N = options_.paths;
    // Nodes of one sampled subtree: B^min(t, D) at level t.
    double per_root = 0.0;
    for (int t = 0; t <= model_.numSteps(); ++t) per_root += std::pow(options_.branching, std::min(t, options_.branch_depth));
    if (per_root * N > static_cast<double>(options_.max_nodes))
    {
      std::ostringstream msg;
      msg.precision(3);
      msg << "the sampled tree would have " << per_root * N << " nodes (more than " << options_.max_nodes
          << "); lower --branching, --branch-depth or --paths";
      throw InputError(msg.str());
    }
  }
}

Bound Certifier::run(const std::vector<ScenarioTree>& units, const std::vector<double>& weights,
                     bool cut_from_model_tree, const PolicyLoader& policy, const std::string& method) {
  const auto start = std::chrono::steady_clock::now();
  parallel::RankGroups groups(world_, options_.groups, static_cast<int>(units.size()));
  groups_used_ = groups.count();
  const auto [first, last] = groups.share();
  const parallel::StateLayout layout(groups.group(), model_.numStates(), model_.numActions());
  std::vector<double> mine, weighted(static_cast<std::size_t>(layout.localStates()), 0.0);
  std::optional<std::string> error;
  PolicyTable table;
  try {
    table = policy(groups.group());
  } catch (const InputError& e) {
    error = e.what();
  }
  for (int u = first; u < last && !error; ++u) {
    try {
      ExactEngine engine(model_, groups.group(), units[static_cast<std::size_t>(u)]);
      Policy pi;
      MeanFieldFlow flow;  // a rule's forward pass already gives μ^π
      const bool rule = table.indexing() == PolicyTable::Indexing::Rule;
      if (rule) flow = engine.forward(table.ruleFactory()(engine), pi);
      else pi = table.on(engine.tree(), engine.layout(), cut_from_model_tree);
      const auto r = engine.exploitabilityAtRoots(pi, rule ? &flow : nullptr);
      const int root = engine.tree().roots()[0];
      mine.push_back(r.exploitability);
      const auto& best = r.best_values.V[root];
      const auto& own = r.policy_values.V[root];
      for (std::size_t s = 0; s < weighted.size(); ++s) weighted[s] += weights[static_cast<std::size_t>(u)] * (best[s] - own[s]);
      if (options_.progress)
        options_.progress(method + ": unit " + std::to_string(u + 1) + " of " + std::to_string(units.size()) +
                          " (group " + std::to_string(groups.index()) + "), exploitability " +
                          std::to_string(r.exploitability));
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  // An input error in one group (e.g. a kernel made invalid by a parameter) stops every group.
  if (auto agreed = parallel::firstError(world_, error)) throw InputError(*agreed);

  Bound b;
  b.method = method;
  b.units = static_cast<int>(units.size());
  b.unit_values = groups.allUnits(mine);
  for (std::size_t u = 0; u < units.size(); ++u) {
    b.value += weights[u] * b.unit_values[u];
    b.nodes += units[u].size();
  }
  std::vector<double> full;
  parallel::allGather(layout, weighted, 1, full);
  b.per_state = groups.sumOverGroups(full);
  b.wall_seconds = parallel::broadcast(world_, seconds(start));
  return b;
}

Bound Certifier::clairvoyant(const PolicyLoader& policy) {
  const int N = options_.paths;
  if (!model_.noise()) {
    // Without noise every path is the chain and the bound is the engine's exact exploitability.
    Bound b = run({*model_tree_}, {1.0}, true, policy, "clairvoyant paths");
    exactInterval(b);
    b.units = N;
    b.unit_values.assign(static_cast<std::size_t>(N), b.value);
    return b;
  }
  if (exact_) {
    // The tree is enumerated: every leaf's path once, weighted by its probability, so the bound is
    // the expectation itself rather than an estimate of it. Paths are chains cut from the model's
    // tree (each node keeps its id there), so node-indexed policies need no history look-up.
    std::vector<ScenarioTree> units;
    std::vector<double> weights;
    for (int leaf : model_tree_->leaves()) {
      units.push_back(model_tree_->path(leaf));
      weights.push_back(model_tree_->node(leaf).prob);
    }
    Bound b = run(units, weights, true, policy, "clairvoyant, every leaf");
    exactInterval(b);
    return b;
  }
  const auto forest = ScenarioTree::sampledPaths(*model_.noise(), model_.numSteps(), N, options_.seed);
  std::vector<ScenarioTree> units;
  for (int root : forest.roots()) units.push_back(forest.subtree(root));
  Bound b = run(units, std::vector<double>(static_cast<std::size_t>(N), 1.0 / N), false, policy, "clairvoyant paths");
  confidence(b);
  return b;
}

Bound Certifier::nonAnticipative(const PolicyLoader& policy) {
  if (exact_) {
    std::vector<ScenarioTree> units;
    std::vector<double> weights;
    for (int root : model_tree_->roots()) {
      units.push_back(model_tree_->subtree(root));
      weights.push_back(model_tree_->node(root).prob);
    }
    Bound b = run(units, weights, true, policy, "exact tree");
    exactInterval(b);
    return b;
  }
  const int N = options_.paths;
  const auto sampled = ScenarioTree::sampledTree(*model_.noise(), model_.numSteps(), N, options_.branching,
                                                 options_.branch_depth, options_.seed + 1);
  std::vector<ScenarioTree> units;
  for (int root : sampled.roots()) units.push_back(sampled.subtree(root));
  Bound b = run(units, std::vector<double>(static_cast<std::size_t>(N), 1.0 / N), false, policy, "sampled tree");
  confidence(b);
  return b;
}

}  // namespace mfg
