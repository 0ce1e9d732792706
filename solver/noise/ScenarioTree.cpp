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
  if (!noise.finite())
    throw InputError("the common noise is continuous and its scenario tree cannot be enumerated; "
                     "discretise it (e.g. macro's noise_points) or use a sampled tree");
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


std::vector<std::vector<std::vector<double>>> ScenarioTree::sampleHistories(const NoiseProcess& noise, int steps,
                                                                             int paths, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::vector<double>>> histories(static_cast<std::size_t>(paths));
  for (auto& h : histories) {
    h.push_back(noise.sampleInitial(rng));
    for (int t = 0; t < steps; ++t) h.push_back(noise.sampleNext(h, rng));
  }
  return histories;
}

ScenarioTree ScenarioTree::sampledPaths(const NoiseProcess& noise, int steps, int paths, std::uint64_t seed) {
  return fromHistories(sampleHistories(noise, steps, paths, seed), 1.0 / paths);
}

ScenarioTree ScenarioTree::fromHistories(const std::vector<std::vector<std::vector<double>>>& histories,
                                         double root_prob) {
  ScenarioTree tree;
  const int paths = static_cast<int>(histories.size());
  tree.steps_ = paths ? static_cast<int>(histories[0].size()) - 1 : 0;
  // Level-major numbering: node of path j at level t is t * paths + j.
  for (int t = 0; t <= tree.steps_; ++t)
    for (int j = 0; j < paths; ++j) {
      Node n;
      n.level = t;
      n.parent = t == 0 ? -1 : (t - 1) * paths + j;
      n.z = histories[j][t];
      n.cond_prob = t == 0 ? root_prob : 1.0;
      n.prob = root_prob;
      if (t < tree.steps_) n.children = {(t + 1) * paths + j};
      tree.nodes_.push_back(std::move(n));
      if (t == 0) tree.roots_.push_back(j);
    }
  tree.finish();
  return tree;
}

ScenarioTree ScenarioTree::sampledTree(const NoiseProcess& noise, int steps, int roots, int branching, int depth,
                                       std::uint64_t seed) {
  if (roots < 1 || branching < 1) throw InputError("a sampled tree needs at least one root and one child per node");
  ScenarioTree tree;
  tree.steps_ = steps;
  std::mt19937_64 rng(seed);
  // Draw subtree by subtree (so that a subtree does not depend on how many others are drawn),
  // then number the nodes level by level.
  struct Draft {
    int level, parent;
    std::vector<double> z;
    double cond;
  };
  std::vector<std::vector<Draft>> subtrees(static_cast<std::size_t>(roots));
  for (auto& sub : subtrees) {
    sub.push_back({0, -1, noise.sampleInitial(rng), 1.0 / roots});
    std::vector<std::vector<double>> h;
    for (std::size_t k = 0; k < sub.size(); ++k) {
      if (sub[k].level == steps) continue;
      h.clear();
      for (int id = static_cast<int>(k); id >= 0; id = sub[id].parent) h.push_back(sub[id].z);
      std::reverse(h.begin(), h.end());
      const int children = sub[k].level < depth ? branching : 1;
      for (int c = 0; c < children; ++c)
        sub.push_back({sub[k].level + 1, static_cast<int>(k), noise.sampleNext(h, rng), 1.0 / children});
    }
  }
  std::vector<std::vector<int>> id_of(subtrees.size());
  for (std::size_t r = 0; r < subtrees.size(); ++r) id_of[r].assign(subtrees[r].size(), -1);
  for (int t = 0; t <= steps; ++t)
    for (std::size_t r = 0; r < subtrees.size(); ++r)
      for (std::size_t k = 0; k < subtrees[r].size(); ++k) {
        const auto& d = subtrees[r][k];
        if (d.level != t) continue;
        Node n;
        n.level = t;
        n.z = d.z;
        n.cond_prob = d.cond;
        n.parent = d.parent < 0 ? -1 : id_of[r][static_cast<std::size_t>(d.parent)];
        n.prob = n.parent < 0 ? d.cond : tree.nodes_[n.parent].prob * d.cond;
        id_of[r][k] = static_cast<int>(tree.nodes_.size());
        if (n.parent >= 0) tree.nodes_[n.parent].children.push_back(id_of[r][k]);
        else tree.roots_.push_back(id_of[r][k]);
        tree.nodes_.push_back(std::move(n));
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
    const double u = NoiseProcess::uniform01(rng);
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

namespace mfg {

int ScenarioTree::find(const std::vector<std::vector<double>>& h) const {
  if (h.empty()) return -1;
  int found = -1;
  for (int r : roots_)
    if (nodes_[r].z == h[0]) found = r;
  for (std::size_t t = 1; t < h.size() && found >= 0; ++t) {
    int next = -1;
    for (int c : nodes_[found].children)
      if (nodes_[c].z == h[t]) next = c;
    found = next;
  }
  return found;
}

std::size_t ScenarioTree::subtreeSize(int root) const {
  std::size_t count = 0;
  std::vector<int> frontier{root};
  while (!frontier.empty()) {
    count += frontier.size();
    std::vector<int> next;
    for (int id : frontier) next.insert(next.end(), nodes_[id].children.begin(), nodes_[id].children.end());
    frontier = std::move(next);
  }
  return count;
}

ScenarioTree ScenarioTree::subtree(int root) const {
  ScenarioTree sub;
  sub.steps_ = steps_;
  // Breadth-first from the root visits the nodes level by level, which is the numbering we need.
  std::vector<int> frontier{root};
  std::vector<int> parents{-1};
  while (!frontier.empty()) {
    std::vector<int> next, next_parents;
    for (std::size_t k = 0; k < frontier.size(); ++k) {
      const Node& src = nodes_[frontier[k]];
      Node n;
      n.level = src.level;
      n.z = src.z;
      n.parent = parents[k];
      n.cond_prob = n.parent < 0 ? 1.0 : src.cond_prob;
      n.prob = n.parent < 0 ? 1.0 : sub.nodes_[n.parent].prob * src.cond_prob;
      n.source = frontier[k];
      const int id = static_cast<int>(sub.nodes_.size());
      if (n.parent >= 0) sub.nodes_[n.parent].children.push_back(id);
      else sub.roots_.push_back(id);
      sub.nodes_.push_back(std::move(n));
      for (int c : src.children) {
        next.push_back(c);
        next_parents.push_back(id);
      }
    }
    frontier = std::move(next);
    parents = std::move(next_parents);
  }
  sub.finish();
  return sub;
}

ScenarioTree ScenarioTree::path(int leaf) const {
  ScenarioTree chain;
  chain.steps_ = steps_;
  for (int id : pathTo(leaf)) {
    Node n;
    n.level = nodes_[id].level;
    n.z = nodes_[id].z;
    n.parent = static_cast<int>(chain.nodes_.size()) - 1;
    n.source = id;
    if (n.parent >= 0) chain.nodes_[n.parent].children.push_back(n.parent + 1);
    else chain.roots_.push_back(0);
    chain.nodes_.push_back(std::move(n));
  }
  chain.finish();
  return chain;
}

}  // namespace mfg
