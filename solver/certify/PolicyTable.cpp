#include "solver/certify/PolicyTable.hpp"

#include <stdexcept>

#include "solver/models/InputError.hpp"

namespace mfg {

PolicyTable PolicyTable::uniform() { return PolicyTable{}; }

PolicyTable PolicyTable::byStep(Policy steps) {
  PolicyTable t;
  t.indexing_ = Indexing::ByStep;
  t.slices_ = std::move(steps);
  return t;
}

PolicyTable PolicyTable::byNode(Policy nodes, std::shared_ptr<const ScenarioTree> tree) {
  PolicyTable t;
  t.indexing_ = Indexing::ByNode;
  t.slices_ = std::move(nodes);
  t.tree_ = std::move(tree);
  return t;
}

PolicyTable PolicyTable::rule(RuleFactory factory) {
  PolicyTable t;
  t.indexing_ = Indexing::Rule;
  t.factory_ = std::move(factory);
  return t;
}

Policy PolicyTable::on(const ScenarioTree& tree, const parallel::StateLayout& layout,
                       bool cut_from_model_tree) const {
  if (indexing_ == Indexing::Uniform) return Policy::uniform(layout, tree.decisionNodes());
  if (indexing_ == Indexing::Rule) throw std::logic_error("a rule policy is decided by the engine's forward pass");
  Policy p;
  p.pi.resize(static_cast<std::size_t>(tree.decisionNodes()));
  for (int n = 0; n < tree.decisionNodes(); ++n) {
    const auto& node = tree.node(n);
    int slice = node.level;
    if (indexing_ == Indexing::ByNode) {
      slice = cut_from_model_tree ? node.source : tree_->find(tree.history(n));
      if (slice < 0)
        throw InputError("the policy is indexed by the nodes of the model's scenario tree, and a sampled noise "
                         "history at step " + std::to_string(node.level) + " is not in that tree");
    }
    p.pi[static_cast<std::size_t>(n)] = slices_.pi.at(static_cast<std::size_t>(slice));
  }
  return p;
}

}  // namespace mfg
