#pragma once
// A tabular policy as a user hands it to `mfg certify`: uniform, indexed by step (the same action
// probabilities at every noise history of a step), or indexed by the nodes of the model's
// enumerated scenario tree (what `mfg solve` writes for a model with common noise). It is laid
// onto whatever tree a bound is computed on: a subtree, one sampled path, or a sampled tree.
#include <memory>

#include <functional>

#include "parallel/StateLayout.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/engine/Tabular.hpp"
#include "solver/noise/ScenarioTree.hpp"

namespace mfg {

class PolicyTable {
 public:
  enum class Indexing { Uniform, ByStep, ByNode, Rule };

  /// A policy decided during the forward pass (a network reading the shared observations): given
  /// the engine that will run it, the rule that fills π at each node.
  using RuleFactory = std::function<ExactEngine::LevelRule(const ExactEngine&)>;
  static PolicyTable rule(RuleFactory factory);
  const RuleFactory& ruleFactory() const { return factory_; }

  static PolicyTable uniform();
  /// One slice per decision step, on the owned rows of the layout it will be used with.
  static PolicyTable byStep(Policy steps);
  /// One slice per decision node of `tree` (the model's enumerated tree).
  static PolicyTable byNode(Policy nodes, std::shared_ptr<const ScenarioTree> tree);

  Indexing indexing() const { return indexing_; }

  /// The policy on every decision node of `tree`. When `tree` was cut from the model's enumerated
  /// tree its nodes' `source` ids index the slices; otherwise (sampled trees) a node is found
  /// through its noise history, and InputError is raised when that history is not enumerated.
  Policy on(const ScenarioTree& tree, const parallel::StateLayout& layout, bool cut_from_model_tree) const;

 private:
  Indexing indexing_ = Indexing::Uniform;
  Policy slices_;
  std::shared_ptr<const ScenarioTree> tree_;
  RuleFactory factory_;
};

}  // namespace mfg
