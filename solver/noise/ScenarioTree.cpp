#include "solver/noise/ScenarioTree.hpp"

#include <algorithm>
#include <stdexcept>

#include "solver/models/InputError.hpp"

namespace mfg {

ScenarioTree ScenarioTree::chain(int steps) {
  ScenarioTree tree;
  tree.steps_ = steps;
  for (int t = 0; t <= steps; ++t) {
    Node n;
    n.level = t;
    n.parent = t - 1;
    if (t < steps) n.children = {t + 1};
    tree.nodes_.push_back(n);
  }
  tree.roots_ = {0};
  tree.finish();
  return tree;
}

ScenarioTree ScenarioTree::enumerate(const NoiseProcess& noise, int steps, std::size_t max_nodes) {
  ScenarioTree tree;
  tree.steps_ = steps;
  for (const auto& o : noise.initial()) {
    Node n;
    n.z = o.z;
    n.cond_prob = n.prob = o.prob;
    tree.roots_.push_back(static_cast<int>(tree.nodes_.size()));
    tree.nodes_.push_back(n);
  }
  std::size_t begin = 0;
  for (int t = 0; t < steps; ++t) {
    const std::size_t end = tree.nodes_.size();
    for (std::size_t id = begin; id < end; ++id) {
      for (const auto& o : noise.next(tree.history(static_cast<int>(id)))) {
        if (tree.nodes_.size() >= max_nodes)
          throw InputError("the scenario tree has more than " + std::to_string(max_nodes) +
                           " nodes and cannot be enumerated; use a sampled tree");
        Node c;
        c.level = t + 1;
        c.parent = static_cast<int>(id);
        c.z = o.z;
        c.cond_prob = o.prob;
        c.prob = tree.nodes_[id].prob * o.prob;
        tree.nodes_[id].children.push_back(static_cast<int>(tree.nodes_.size()));
        tree.nodes_.push_back(std::move(c));
      }
    }
    begin = end;
  }
  tree.finish();
  return tree;
}

namespace {

std::vector<double> draw(const std::vector<NoiseOutcome>& outcomes, std::mt19937_64& rng) {
  // The uniform draw is built from the raw 64-bit output so that it is the same on every platform.
  const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  double acc = 0.0;
  for (const auto& o : outcomes) {
    acc += o.prob;
    if (u < acc) return o.z;
  }
  return outcomes.back().z;
}

}  // namespace

ScenarioTree ScenarioTree::sampledPaths(const NoiseProcess& noise, int steps, int paths, std::uint64_t seed) {
  ScenarioTree tree;
  tree.steps_ = steps;
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::vector<double>>> histories(paths);
  for (int j = 0; j < paths; ++j) {
    histories[j].push_back(draw(noise.initial(), rng));
    for (int t = 0; t < steps; ++t) histories[j].push_back(draw(noise.next(histories[j]), rng));
  }
  // Level-major numbering: node of path j at level t is t * paths + j.
  for (int t = 0; t <= steps; ++t)
    for (int j = 0; j < paths; ++j) {
      Node n;
      n.level = t;
      n.parent = t == 0 ? -1 : (t - 1) * paths + j;
      n.z = histories[j][t];
      n.cond_prob = t == 0 ? 1.0 / paths : 1.0;
      n.prob = 1.0 / paths;
      if (t < steps) n.children = {(t + 1) * paths + j};
      tree.nodes_.push_back(std::move(n));
      if (t == 0) tree.roots_.push_back(j);
    }
  tree.finish();
  return tree;
}

ScenarioTree ScenarioTree::forModel(const Model& model, std::size_t max_nodes) {
  if (!model.noise()) return chain(model.numSteps());
  return enumerate(*model.noise(), model.numSteps(), max_nodes);
}

void ScenarioTree::finish() {
  level_begin_.assign(static_cast<std::size_t>(steps_) + 2, static_cast<int>(nodes_.size()));
  for (int id = static_cast<int>(nodes_.size()) - 1; id >= 0; --id) level_begin_[nodes_[id].level] = id;
  for (std::size_t id = 1; id < nodes_.size(); ++id)
    if (nodes_[id].level < nodes_[id - 1].level) throw std::logic_error("scenario tree nodes are not level-major");
}

std::vector<int> ScenarioTree::leaves() const {
  std::vector<int> out;
  for (int id = levelBegin(steps_); id < static_cast<int>(nodes_.size()); ++id) out.push_back(id);
  return out;
}

std::vector<int> ScenarioTree::pathTo(int leaf) const {
  std::vector<int> path;
  for (int id = leaf; id >= 0; id = nodes_[id].parent) path.push_back(id);
  std::reverse(path.begin(), path.end());
  return path;
}

int ScenarioTree::sampleLeaf(std::mt19937_64& rng) const {
  const auto pick = [&rng, this](const std::vector<int>& ids, bool roots) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    double acc = 0.0;
    for (int id : ids) {
      acc += roots ? nodes_[id].prob : nodes_[id].cond_prob;
      if (u < acc) return id;
    }
    return ids.back();
  };
  int id = pick(roots_, true);
  while (!nodes_[id].children.empty()) id = pick(nodes_[id].children, false);
  return id;
}

std::vector<std::vector<double>> ScenarioTree::history(int id) const {
  std::vector<std::vector<double>> h;
  for (int n : pathTo(id)) h.push_back(nodes_[n].z);
  return h;
}

}  // namespace mfg
