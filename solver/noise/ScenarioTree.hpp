#pragma once
// The scenario tree of the common noise: one node per noise history (z_0, ..., z_t), levels
// t = 0..steps. Nodes are numbered level by level, so the decision nodes (levels < steps) come
// first and a policy or Q table indexed by node id has one slice per decision node. A model
// without noise has the trivial chain tree (one node per level, node id = t), which makes the
// engine's tables for such models exactly the per-step tables of docs/models.md §2.
#include <cstdint>
#include <random>
#include <vector>

#include "solver/models/Model.hpp"

namespace mfg {

class ScenarioTree {
 public:
  struct Node {
    int level = 0;
    int parent = -1;
    std::vector<double> z;
    double cond_prob = 1.0;  ///< P(z_t | history), or the initial probability for a root
    double prob = 1.0;       ///< probability of the whole history
    std::vector<int> children;
    int source = -1;  ///< the node's id in the tree it was cut from (subtree), else -1
  };

  /// One node per level and no noise (models without common noise).
  static ScenarioTree chain(int steps);
  /// Every history of a finite noise process; InputError when it would exceed max_nodes.
  static ScenarioTree enumerate(const NoiseProcess& noise, int steps, std::size_t max_nodes);
  /// `paths` histories sampled from the process, each its own root of probability 1/paths
  /// (a forest of chains: the clairvoyant view of sampled noise paths).
  static ScenarioTree sampledPaths(const NoiseProcess& noise, int steps, int paths, std::uint64_t seed);
  /// The histories z_0..z_steps that sampledPaths draws (path j is the j-th draw).
  static std::vector<std::vector<std::vector<double>>> sampleHistories(const NoiseProcess& noise, int steps,
                                                                        int paths, std::uint64_t seed);
  /// A forest of chains, one per history, each root of probability `root_prob`; node of path j at
  /// level t is t·paths + j.
  static ScenarioTree fromHistories(const std::vector<std::vector<std::vector<double>>>& histories, double root_prob);
  /// `roots` independent sampled subtrees: every node above level `depth` gets `branching`
  /// sampled children (each of conditional probability 1/branching), deeper nodes one. Roots have
  /// probability 1/roots. With depth 0 this is sampledPaths.
  static ScenarioTree sampledTree(const NoiseProcess& noise, int steps, int roots, int branching, int depth,
                                  std::uint64_t seed);
  /// The default tree of a model: the chain without noise, else the enumerated tree.
  static ScenarioTree forModel(const Model& model, std::size_t max_nodes = 2000000);

  int steps() const { return steps_; }
  std::size_t size() const { return nodes_.size(); }
  const Node& node(int id) const { return nodes_[static_cast<std::size_t>(id)]; }
  const std::vector<int>& roots() const { return roots_; }
  /// Node ids of level t are [levelBegin(t), levelBegin(t + 1)).
  int levelBegin(int t) const { return level_begin_[static_cast<std::size_t>(t)]; }
  int decisionNodes() const { return levelBegin(steps_); }
  std::vector<int> leaves() const;
  /// Nodes from the root to `leaf`, one per level.
  std::vector<int> pathTo(int leaf) const;
  /// A leaf drawn with the tree's probabilities.
  int sampleLeaf(std::mt19937_64& rng) const;
  /// The histories z_0..z_t of a node.
  std::vector<std::vector<double>> history(int id) const;
  /// The node whose history is `h` (z compared exactly), or -1.
  int find(const std::vector<std::vector<double>>& h) const;
  /// Number of nodes below `root` (itself included).
  std::size_t subtreeSize(int root) const;
  /// The subtree below `root`, renumbered level-major, with `root` as its only root of probability
  /// 1 (conditional probabilities kept); every node records its id here in `source`.
  ScenarioTree subtree(int root) const;
  /// The chain from the root down to `leaf`, seen as certain (every probability 1: the clairvoyant
  /// view of that history); every node records its id here in `source`.
  ScenarioTree path(int leaf) const;

 private:
  void finish();
  int steps_ = 0;
  std::vector<Node> nodes_;
  std::vector<int> roots_;
  std::vector<int> level_begin_;
};

}  // namespace mfg
