#pragma once
// An independent, serial, dense implementation of the certificates of docs/methods.md §5 for a model
// with finite common noise and a policy given per step. It enumerates the noise histories itself
// from the model's NoiseProcess (not through ScenarioTree) and shares only the model's callbacks
// with the engine, so agreement checks the engine's tree, its sweeps and the Certifier's weights.
//   - non-anticipative: per root, V* and V^π by backward induction over the whole subtree (the
//     best response sees only the history), gap Σ_s μ_0(s) (V* − V^π)(s); bound Σ_root P(root) gap;
//   - clairvoyant: per leaf, both values along the leaf's path only (the best response sees the
//     path's future); bound Σ_leaf P(leaf) gap(path).
#include <Eigen/Dense>
#include <vector>

#include "DenseReference.hpp"
#include "solver/models/Model.hpp"

namespace mfg::testing {

class DenseTreeReference {
 public:
  using Table = DenseReference::Table;  // per step, state-major rows

  struct Node {
    int level = 0;
    std::vector<double> z;
    double cond_prob = 1.0, prob = 1.0;
    std::vector<int> children;
    Eigen::VectorXd mu;  // μ^π at this history
  };

  DenseTreeReference(const Model& m, const Table& pi) : m_(m), pi_(pi), S_(m.numStates()), A_(m.numActions()) {
    for (const auto& o : m.noise()->initial()) {
      Node root;
      root.z = o.z;
      root.cond_prob = root.prob = o.prob;
      const auto mu0 = m.initialDistribution(o.z);
      root.mu = Eigen::Map<const Eigen::VectorXd>(mu0.data(), S_);
      nodes_.push_back(root);
      roots_.push_back(static_cast<int>(nodes_.size()) - 1);
      grow(roots_.back(), {o.z});
    }
  }

  const std::vector<int>& roots() const { return roots_; }
  const Node& node(int id) const { return nodes_[static_cast<std::size_t>(id)]; }

  /// (V* − V^π)(s) at a root, both against μ^π on the whole subtree.
  Eigen::VectorXd rootGap(int root) const {
    const auto [best, own] = values(root, {});
    return best - own;
  }
  double rootExploitability(int root) const { return node(root).mu.dot(rootGap(root)); }

  double nonAnticipative() const {
    double total = 0.0;
    for (int r : roots_) total += node(r).prob * rootExploitability(r);
    return total;
  }

  /// Σ_root P(root) (V* − V^π)(s).
  Eigen::VectorXd perState() const {
    Eigen::VectorXd total = Eigen::VectorXd::Zero(S_);
    for (int r : roots_) total += node(r).prob * rootGap(r);
    return total;
  }

  /// Σ_leaf P(leaf) Σ_s μ_0(s) (V*_path − V^π_path)(s).
  double clairvoyant() const {
    double total = 0.0;
    for (const auto& path : paths_) {
      const auto [best, own] = values(path.front(), path);
      total += node(path.back()).prob * node(path.front()).mu.dot(best - own);
    }
    return total;
  }

  std::size_t leaves() const { return paths_.size(); }

 private:
  void grow(int id, std::vector<std::vector<double>> history) {
    path_.push_back(id);
    const Node here = nodes_[static_cast<std::size_t>(id)];
    if (here.level == m_.numSteps()) {
      paths_.push_back(path_);
      path_.pop_back();
      return;
    }
    const Eigen::MatrixXd P = kernel(here);
    Eigen::VectorXd x(S_ * A_);
    for (Eigen::Index r = 0; r < S_ * A_; ++r) x[r] = here.mu[r / A_] * pi_[here.level][r];
    const Eigen::VectorXd next_mu = P.transpose() * x;
    for (const auto& o : m_.noise()->next(history)) {
      Node child;
      child.level = here.level + 1;
      child.z = o.z;
      child.cond_prob = o.prob;
      child.prob = here.prob * o.prob;
      child.mu = next_mu;
      nodes_.push_back(child);
      const int c = static_cast<int>(nodes_.size()) - 1;
      nodes_[static_cast<std::size_t>(id)].children.push_back(c);
      auto h = history;
      h.push_back(o.z);
      grow(c, h);
    }
    path_.pop_back();
  }

  /// The view at `n`, with μ_{t+1} and z_{t+1} of `child` when given.
  MeanFieldView view(const Node& n, const Node* child) const {
    mu_.assign(n.mu.data(), n.mu.data() + S_);
    z_ = n.z;
    MeanFieldView v;
    v.t = n.level;
    v.mu = mu_;
    v.z = z_;
    L_.resize(static_cast<std::size_t>(S_ * A_));
    for (Eigen::Index r = 0; r < S_ * A_; ++r) L_[r] = n.mu[r / A_] * pi_[n.level][r];
    v.L = L_;
    if (child) {
      mu_next_.assign(child->mu.data(), child->mu.data() + S_);
      z_next_ = child->z;
      v.mu_next = mu_next_;
      v.z_next = z_next_;
    }
    m_.aggregate(v, stats_);
    v.stats = stats_;
    return v;
  }

  Eigen::MatrixXd kernel(const Node& n) const { return denseKernel(m_, view(n, nullptr), S_, A_); }

  /// (V*, V^π) at `id`: over every child (empty `path`), or along `path` only (conditional
  /// probability 1: the clairvoyant view).
  std::pair<Eigen::VectorXd, Eigen::VectorXd> values(int id, const std::vector<int>& path) const {
    const Node& n = node(id);
    if (n.level == m_.numSteps()) return {Eigen::VectorXd::Zero(S_), Eigen::VectorXd::Zero(S_)};
    const Eigen::MatrixXd P = kernel(n);
    Eigen::VectorXd Qbest = Eigen::VectorXd::Zero(S_ * A_), Qown = Qbest;
    std::vector<std::pair<int, double>> next;
    if (path.empty()) {
      for (int c : n.children) next.push_back({c, node(c).cond_prob});
    } else {
      next.push_back({path[static_cast<std::size_t>(n.level) + 1], 1.0});
    }
    for (const auto& [c, w] : next) {
      const auto [best, own] = values(c, path);
      const MeanFieldView v = view(n, &node(c));
      const Eigen::VectorXd Pb = P * best, Po = P * own;
      for (Eigen::Index r = 0; r < S_ * A_; ++r) {
        const double reward = m_.reward(v, r / A_, r % A_);
        Qbest[r] += w * (reward + m_.discount() * Pb[r]);
        Qown[r] += w * (reward + m_.discount() * Po[r]);
      }
    }
    Eigen::VectorXd Vbest(S_), Vown(S_);
    for (Eigen::Index s = 0; s < S_; ++s) {
      Vbest[s] = Qbest.segment(s * A_, A_).maxCoeff();
      Vown[s] = Qown.segment(s * A_, A_).dot(pi_[n.level].segment(s * A_, A_));
    }
    return {Vbest, Vown};
  }

  const Model& m_;
  Table pi_;
  Eigen::Index S_, A_;
  std::vector<Node> nodes_;
  std::vector<int> roots_, path_;
  std::vector<std::vector<int>> paths_;
  mutable std::vector<double> mu_, mu_next_, z_, z_next_, L_, stats_;
};

}  // namespace mfg::testing
