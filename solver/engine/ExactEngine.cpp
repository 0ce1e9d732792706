#include "solver/engine/ExactEngine.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "parallel/Collectives.hpp"
#include "solver/engine/ResourceCheck.hpp"

namespace mfg {

namespace {

/// The state layout, once the model is known to fit (indices and memory): nothing of the size of
/// the state space is allocated before this check.
parallel::StateLayout checkedLayout(const Model& model, const ScenarioTree& tree, MPI_Comm comm) {
  checkResources(model, tree, comm);
  return parallel::StateLayout(comm, model.numStates(), model.numActions());
}

}  // namespace

ExactEngine::ExactEngine(const Model& model, MPI_Comm comm)
    : ExactEngine(model, comm, ScenarioTree::forModel(model)) {}

ExactEngine::ExactEngine(const Model& model, MPI_Comm comm, ScenarioTree tree)
    : model_(model),
      tree_(std::move(tree)),
      layout_(checkedLayout(model, tree_, comm)),
      kernel_(model_, layout_),
      context_(model_, layout_) {
  if (tree_.steps() != model.numSteps()) throw std::logic_error("scenario tree and model disagree on the horizon");
  for (int root : tree_.roots()) {
    const auto mu0 = model.initialDistribution(tree_.node(root).z);
    if (static_cast<std::int64_t>(mu0.size()) != layout_.globalStates())
      throw std::logic_error("model '" + model.name() + "': μ_0 has the wrong size");
    mu0_local_.emplace_back(mu0.begin() + layout_.begin(), mu0.begin() + layout_.end());
  }
  // Fill P_0 once at the first root with μ_0 and the uniform policy: a model whose kernel is not a
  // distribution is rejected as soon as it is built, naming the state and action.
  const std::vector<double> uniform(static_cast<std::size_t>(layout_.localRows()),
                                    1.0 / static_cast<double>(layout_.actions()));
  kernel_.assemble(context_.at(0, mu0_local_[0], nullptr, uniform, tree_.node(tree_.roots()[0]).z, nullptr));
  // The work vectors fit every later matrix: a re-created pattern keeps the row and column layouts.
  MFG_PETSC_CALL(MatCreateVecs(kernel_.mat(), states_.out(), rows_.out()));
}

void ExactEngine::checkPolicy(const Policy& pi) const {
  if (pi.steps() != policySlices())
    throw std::invalid_argument("policy has " + std::to_string(pi.steps()) + " slices; model '" + model_.name() +
                                "' needs " + std::to_string(policySlices()));
  for (const auto& slice : pi.pi)
    if (static_cast<std::int64_t>(slice.size()) != layout_.localRows())
      throw std::invalid_argument("policy slice does not match the rows owned by this rank");
}

const std::vector<double>& ExactEngine::initialLocal(int root) const {
  const auto& roots = tree_.roots();
  const auto it = std::find(roots.begin(), roots.end(), root);
  if (it == roots.end()) throw std::logic_error("not a root of the scenario tree");
  return mu0_local_[static_cast<std::size_t>(it - roots.begin())];
}

MeanFieldFlow ExactEngine::forward(const Policy& pi) { return propagate(pi, nullptr, nullptr); }

MeanFieldFlow ExactEngine::forward(const Policy& pi, const MeanFieldFlow& env, const Policy& env_policy) {
  return propagate(pi, &env, &env_policy);
}

MeanFieldFlow ExactEngine::forward(const LevelRule& rule, Policy& decided) {
  decided.pi.assign(static_cast<std::size_t>(policySlices()), {});
  return propagate(decided, nullptr, nullptr, &rule, &decided);
}

MeanFieldFlow ExactEngine::propagate(const Policy& pi, const MeanFieldFlow* env, const Policy* env_policy,
                                     const LevelRule* rule, Policy* decided) {
  if (!rule) checkPolicy(pi);
  // What the view of a decision passes as π_t (L_t is not known before π_t is); only rules need it.
  std::vector<double> uniform;
  if (rule) uniform.assign(static_cast<std::size_t>(layout_.localRows()), 1.0 / static_cast<double>(layout_.actions()));
  const auto A = layout_.actions();
  MeanFieldFlow flow;
  flow.mu.resize(tree_.size());
  for (std::size_t r = 0; r < tree_.roots().size(); ++r) flow.mu[tree_.roots()[r]] = mu0_local_[r];
  const std::int64_t nS = layout_.localStates();
  for (int n = 0; n < tree_.decisionNodes(); ++n) {
    const auto& node = tree_.node(n);
    if (rule && n == tree_.levelBegin(node.level)) {
      // First node of a level: every node of the level is known (μ_t), so decide them together.
      std::vector<int> nodes;
      for (int m = n; m < tree_.levelBegin(node.level + 1); ++m) {
        nodes.push_back(m);
        rule->observe(m, context_.at(node.level, flow.mu[m], nullptr, uniform, tree_.node(m).z, nullptr));
      }
      rule->decide(node.level, nodes, *decided);
      for (int m : nodes)
        if (decided->pi[m].size() != uniform.size()) throw std::logic_error("a level rule filled the wrong number of rows");
    }
    if ((!kernel_.isStatic() || !kernel_.isFilled()) && !kernel_.reuseCached(node.level, node.z)) {
      kernel_.assemble(env ? context_.at(node.level, env->mu[n], nullptr, env_policy->pi[n], node.z, nullptr)
                           : context_.at(node.level, flow.mu[n], nullptr, pi.pi[n], node.z, nullptr));
      if (!env) kernel_.keep(n);  // for a backward sweep against this flow (exploitability, training)
    }
    // x = μ_t π_t written straight into the product's input, μ_{t+1} read straight out of its output.
    const double* mu = flow.mu[n].data();
    const double* p = pi.pi[n].data();
    PetscScalar* x = nullptr;
    MFG_PETSC_CALL(VecGetArrayWrite(rows_, &x));
    for (std::int64_t s = 0; s < nS; ++s)
      for (std::int64_t a = 0; a < A; ++a) x[s * A + a] = mu[s] * p[s * A + a];
    MFG_PETSC_CALL(VecRestoreArrayWrite(rows_, &x));
    MFG_PETSC_CALL(MatMultTranspose(kernel_.mat(), rows_, states_));
    const PetscScalar* y = nullptr;
    MFG_PETSC_CALL(VecGetArrayRead(states_, &y));
    // The kernel of step t reads z_t only, so every child starts from the same μ_{t+1}.
    for (int c : node.children) flow.mu[c].assign(y, y + nS);
    MFG_PETSC_CALL(VecRestoreArrayRead(states_, &y));
  }
  return flow;
}

std::vector<std::vector<double>> ExactEngine::occupancy(const Policy& pi, const MeanFieldFlow& env,
                                                        const Policy& env_policy, const std::vector<double>& start,
                                                        const std::vector<std::vector<double>>& inject,
                                                        double discount) {
  checkPolicy(pi);
  checkPolicy(env_policy);
  if (tree_.decisionNodes() != steps()) throw std::invalid_argument("occupancy: the model has common noise");
  const auto A = layout_.actions();
  const std::int64_t nS = layout_.localStates();
  const auto nR = static_cast<std::size_t>(layout_.localRows());
  if (!start.empty() && static_cast<std::int64_t>(start.size()) != nS)
    throw std::invalid_argument("occupancy: the start measure does not match the owned states");
  if (!inject.empty() && static_cast<int>(inject.size()) != steps())
    throw std::invalid_argument("occupancy: one injection per decision step is needed");
  std::vector<double> m = start.empty() ? std::vector<double>(static_cast<std::size_t>(nS), 0.0) : start;
  std::vector<std::vector<double>> nu(static_cast<std::size_t>(steps()));
  for (int t = 0; t < steps(); ++t) {
    auto& row = nu[static_cast<std::size_t>(t)];
    row.assign(nR, 0.0);
    const double* p = pi.pi[t].data();
    for (std::int64_t s = 0; s < nS; ++s)
      for (std::int64_t a = 0; a < A; ++a) row[s * A + a] = m[s] * p[s * A + a];
    if (!inject.empty()) {
      if (inject[t].size() != nR) throw std::invalid_argument("occupancy: an injection does not match the owned rows");
      for (std::size_t i = 0; i < nR; ++i) row[i] += inject[t][i];
    }
    if (t + 1 == steps()) break;
    if ((!kernel_.isStatic() || !kernel_.isFilled()) && !kernel_.reuseCached(t, tree_.node(t).z))
      kernel_.assemble(context_.at(t, env.mu[t], nullptr, env_policy.pi[t], tree_.node(t).z, nullptr));
    PetscScalar* x = nullptr;
    MFG_PETSC_CALL(VecGetArrayWrite(rows_, &x));
    std::copy(row.begin(), row.end(), x);
    MFG_PETSC_CALL(VecRestoreArrayWrite(rows_, &x));
    MFG_PETSC_CALL(MatMultTranspose(kernel_.mat(), rows_, states_));
    const PetscScalar* y = nullptr;
    MFG_PETSC_CALL(VecGetArrayRead(states_, &y));
    for (std::int64_t s = 0; s < nS; ++s) m[s] = discount * y[s];
    MFG_PETSC_CALL(VecRestoreArrayRead(states_, &y));
  }
  return nu;
}

namespace {

/// V(s) from the Q row `q` of one state (`p`: the evaluated policy's row, for Evaluate).
inline double backupValue(const BackupRequest& req, const double* q, const double* p, std::int64_t A) {
  switch (req.kind) {
    case Backup::Evaluate: {
      double v = 0.0;
      for (std::int64_t a = 0; a < A; ++a) v += p[a] * q[a];
      return v;
    }
    case Backup::BestResponse:
      return *std::max_element(q, q + A);
    case Backup::Soft: {
      const double beta = req.temperature;
      const double top = *std::max_element(q, q + A);
      double total = 0.0;
      for (std::int64_t a = 0; a < A; ++a) total += std::exp((q[a] - top) / beta);
      return top + beta * std::log(total);
    }
  }
  return 0.0;
}

/// A vector computing into caller-owned storage for one scope (VecPlaceArray / VecResetArray).
class PlacedArray {
 public:
  PlacedArray(Vec v, PetscScalar* storage) : v_(v) { MFG_PETSC_CALL(VecPlaceArray(v_, storage)); }
  ~PlacedArray() { VecResetArray(v_); }
  PlacedArray(const PlacedArray&) = delete;
  PlacedArray& operator=(const PlacedArray&) = delete;

 private:
  Vec v_;
};

/// States per block of the fused output loop: a block's rewards and Q rows stay in L1/L2.
constexpr std::int64_t kBlockStates = 512;

}  // namespace

void ExactEngine::backward(const MeanFieldFlow& env, const Policy& env_policy, std::span<BackupRequest> requests,
                           const std::vector<int>* path) {
  checkPolicy(env_policy);
  const auto A = layout_.actions();
  const std::int64_t nS = layout_.localStates();
  const auto nR = static_cast<std::size_t>(layout_.localRows());
  const double gamma = model_.discount();
  // The storage of the tables a request already holds (e.g. the previous iteration's) is reused:
  // a fresh table would be zero-filled first, one more pass over |S||A| doubles per node.
  std::vector<std::vector<double>> spare_rows, spare_states;
  const auto take = [](std::vector<std::vector<double>>& spare, std::size_t n) {
    if (spare.empty()) return std::vector<double>(n);
    std::vector<double> v = std::move(spare.back());
    spare.pop_back();
    return v;
  };
  for (auto& req : requests) {
    if (req.kind == Backup::Evaluate) checkPolicy(*req.policy);
    if (req.kind == Backup::Soft && !(req.temperature > 0.0))
      throw std::invalid_argument("soft backup needs a temperature > 0");
    for (auto& q : req.out->Q)
      if (q.size() == nR) spare_rows.push_back(std::move(q));
    for (auto& v : req.out->V)
      if (v.size() == static_cast<std::size_t>(nS)) spare_states.push_back(std::move(v));
    req.out->Q.assign(tree_.decisionNodes(), {});
    req.out->V.assign(tree_.size(), {});
  }
  for (auto& req : requests)
    for (int leaf : path ? std::vector<int>{path->back()} : tree_.leaves()) {
      req.out->V[leaf] = take(spare_states, static_cast<std::size_t>(nS));
      std::fill(req.out->V[leaf].begin(), req.out->V[leaf].end(), 0.0);
    }
  // One pair of work vectors per request: all products of a node are taken before its output loop.
  while (backup_work_.size() < requests.size()) {
    WorkVectors w;
    MFG_PETSC_CALL(MatCreateVecs(kernel_.mat(), w.states.out(), w.rows.out()));
    backup_work_.push_back(std::move(w));
  }
  std::vector<int> order;
  if (path) order.assign(path->begin(), path->end() - 1);
  else for (int n = 0; n < tree_.decisionNodes(); ++n) order.push_back(n);

  const auto block_rows = static_cast<std::size_t>(kBlockStates * A);
  std::vector<double> R, R_bar, R_block(block_rows), Q_block(block_rows);
  std::vector<const PetscScalar*> PV(requests.size());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int n = *it;
    const auto& node = tree_.node(n);
    const int t = node.level;
    std::vector<std::pair<int, double>> children;
    if (path) children.push_back({(*path)[static_cast<std::size_t>(t) + 1], 1.0});
    else for (int c : node.children) children.push_back({c, tree_.node(c).cond_prob});

    if ((!kernel_.isStatic() || !kernel_.isFilled()) && !kernel_.recall(n) && !kernel_.reuseCached(t, node.z))
      kernel_.assemble(context_.at(t, env.mu[n], nullptr, env_policy.pi[n], node.z, nullptr));
    // R̄ = Σ_c p_c R_t(·|z_c). With one child its view stays valid through the output loop, which
    // reads the rewards a block at a time; several children need a view each, so R̄ is built first.
    const auto child_view = [&](int c) -> const MeanFieldView& {
      return context_.at(t, env.mu[n], &env.mu[c], env_policy.pi[n], node.z, &tree_.node(c).z);
    };
    const MeanFieldView* single = children.size() == 1 ? &child_view(children[0].first) : nullptr;
    if (!single) {
      R_bar.assign(nR, 0.0);
      R.resize(nR);
      for (const auto& [c, p] : children) {
        model_.rewardBlock(child_view(c), layout_.begin(), layout_.end(), R.data());
        for (std::size_t row = 0; row < nR; ++row) R_bar[row] += p * R[row];
      }
    }
    // P_t V̄ per request, V̄ = Σ_c p_c V_c written straight into the product's input.
    for (std::size_t k = 0; k < requests.size(); ++k) {
      auto& req = requests[k];
      // On a chain V̄ = 1·V_c: the product reads V_c where it is (MatMult does not write its
      // input). 0 + 1·v = v for every v but −0, so only the sign of a zero can differ.
      std::optional<PlacedArray> child_values;
      if (children.size() == 1 && children[0].second == 1.0)
        child_values.emplace(backup_work_[k].states, const_cast<PetscScalar*>(req.out->V[children[0].first].data()));
      PetscScalar* x = nullptr;
      if (!child_values) MFG_PETSC_CALL(VecGetArrayWrite(backup_work_[k].states, &x));
      if (!child_values) {
        if (children.empty()) std::fill(x, x + nS, 0.0);
        for (std::size_t j = 0; j < children.size(); ++j) {  // (0 + p_0 V_0) + p_1 V_1 + ..., one pass per child
          const double p = children[j].second;
          const double* v = req.out->V[children[j].first].data();
          if (j == 0) for (std::int64_t s = 0; s < nS; ++s) x[s] = 0.0 + p * v[s];
          else for (std::int64_t s = 0; s < nS; ++s) x[s] += p * v[s];
        }
        MFG_PETSC_CALL(VecRestoreArrayWrite(backup_work_[k].states, &x));
      }
      // A kept Q table receives P V̄ itself and is completed in place (one pass less over it).
      if (req.keep_tables) {
        req.out->Q[n] = take(spare_rows, nR);
        const PlacedArray placed(backup_work_[k].rows, req.out->Q[n].data());
        MFG_PETSC_CALL(MatMult(kernel_.mat(), backup_work_[k].states, backup_work_[k].rows));
        PV[k] = req.out->Q[n].data();
      } else {
        MFG_PETSC_CALL(MatMult(kernel_.mat(), backup_work_[k].states, backup_work_[k].rows));
        MFG_PETSC_CALL(VecGetArrayRead(backup_work_[k].rows, &PV[k]));
      }
      req.out->V[n] = take(spare_states, static_cast<std::size_t>(nS));
    }
    // Q = R̄ + γ P V̄ and V = max / π-weighted sum / soft max over actions, in one pass per block.
    for (std::int64_t s0 = 0; s0 < nS; s0 += kBlockStates) {
      const std::int64_t s1 = std::min(s0 + kBlockStates, nS);
      const auto rows = static_cast<std::size_t>((s1 - s0) * A);
      const double* r = nullptr;
      if (single) {
        model_.rewardBlock(*single, layout_.begin() + s0, layout_.begin() + s1, R_block.data());
        const double p = children[0].second;
        for (std::size_t i = 0; i < rows; ++i) R_block[i] = 0.0 + p * R_block[i];
        r = R_block.data();
      } else {
        r = R_bar.data() + s0 * A;
      }
      for (std::size_t k = 0; k < requests.size(); ++k) {
        auto& req = requests[k];
        double* q = req.keep_tables ? req.out->Q[n].data() + s0 * A : Q_block.data();
        const double* pv = PV[k] + s0 * A;
        for (std::size_t i = 0; i < rows; ++i) q[i] = r[i] + gamma * pv[i];
        const double* pi = req.kind == Backup::Evaluate ? req.policy->pi[n].data() + s0 * A : nullptr;
        double* V = req.out->V[n].data();
        for (std::int64_t s = s0; s < s1; ++s)
          V[s] = backupValue(req, q + (s - s0) * A, pi ? pi + (s - s0) * A : nullptr, A);
      }
    }
    for (std::size_t k = 0; k < requests.size(); ++k) {
      if (!requests[k].keep_tables) MFG_PETSC_CALL(VecRestoreArrayRead(backup_work_[k].rows, &PV[k]));
      if (!requests[k].keep_tables)  // a child's V is not needed once its parent has one
        for (const auto& child : children) spare_states.push_back(std::move(requests[k].out->V[child.first]));
    }
  }
}

Values ExactEngine::evaluate(const Policy& pi, const MeanFieldFlow& env, const Policy& env_policy) {
  Values out;
  evaluate(pi, env, env_policy, out);
  return out;
}

void ExactEngine::evaluate(const Policy& pi, const MeanFieldFlow& env, const Policy& env_policy, Values& out) {
  BackupRequest req{Backup::Evaluate, &pi, 1.0, &out};
  backward(env, env_policy, std::span(&req, 1));
}

Values ExactEngine::bestResponse(const MeanFieldFlow& env, const Policy& env_policy) {
  Values out;
  bestResponse(env, env_policy, out);
  return out;
}

void ExactEngine::bestResponse(const MeanFieldFlow& env, const Policy& env_policy, Values& out) {
  BackupRequest req{Backup::BestResponse, nullptr, 1.0, &out};
  backward(env, env_policy, std::span(&req, 1));
}

Values ExactEngine::soft(double temperature, const MeanFieldFlow& env, const Policy& env_policy) {
  Values out;
  BackupRequest req{Backup::Soft, nullptr, temperature, &out};
  backward(env, env_policy, std::span(&req, 1));
  return out;
}

double ExactEngine::weightByInitial(int root, const std::vector<double>& f) const {
  const auto& mu0 = initialLocal(root);
  double local = 0.0;
  for (std::size_t s = 0; s < mu0.size(); ++s) local += mu0[s] * f[s];
  return parallel::sum(layout_.comm(), local);
}

ExploitabilityResult ExactEngine::exploitability(const Policy& pi) {
  ExploitabilityResult r;
  exploitability(pi, true, nullptr, r);
  return r;
}

void ExactEngine::exploitability(const Policy& pi, ExploitabilityResult& result) {
  exploitability(pi, true, nullptr, result);
}

ExploitabilityResult ExactEngine::exploitabilityAtRoots(const Policy& pi, MeanFieldFlow* flow) {
  ExploitabilityResult r;
  exploitability(pi, false, flow, r);
  return r;
}

void ExactEngine::exploitability(const Policy& pi, bool keep_tables, MeanFieldFlow* flow, ExploitabilityResult& r) {
  // Everything but the value tables, whose storage backward() reuses, starts afresh.
  r.exploitability = r.best_value = r.policy_value = 0.0;
  r.root_gaps.clear();
  // The backward sweep runs against the flow the forward pass has just built, so kernels that
  // depend on the mean field are the same matrices: kept from the one for the other.
  std::optional<KernelMatrix::KeepScope> keep;
  if (!flow) keep.emplace(kernel_);
  r.flow = flow ? std::move(*flow) : forward(pi);
  BackupRequest reqs[2] = {{Backup::BestResponse, nullptr, 1.0, &r.best_values, keep_tables},
                           {Backup::Evaluate, &pi, 1.0, &r.policy_values, keep_tables}};
  backward(r.flow, pi, reqs);
  // One reduction for all roots: [gap, best, policy] per root, summed in root order.
  const auto& roots = tree_.roots();
  std::vector<double> local(3 * roots.size(), 0.0), global(local.size());
  for (std::size_t k = 0; k < roots.size(); ++k) {
    const auto& mu0 = mu0_local_[k];
    const auto& best = r.best_values.V[roots[k]];
    const auto& mine = r.policy_values.V[roots[k]];
    for (std::size_t s = 0; s < mu0.size(); ++s) {
      local[3 * k] += mu0[s] * (best[s] - mine[s]);
      local[3 * k + 1] += mu0[s] * best[s];
      local[3 * k + 2] += mu0[s] * mine[s];
    }
  }
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_SUM, layout_.comm());
  for (std::size_t k = 0; k < roots.size(); ++k) {
    const double p = tree_.node(roots[k]).prob;
    r.root_gaps.push_back(global[3 * k]);
    r.exploitability += p * global[3 * k];
    r.best_value += p * global[3 * k + 1];
    r.policy_value += p * global[3 * k + 2];
  }
}

double ExactEngine::pathExploitability(const Policy& pi, const MeanFieldFlow& flow, const std::vector<int>& path,
                                       std::vector<double>* per_state) {
  Values best, mine;
  BackupRequest reqs[2] = {{Backup::BestResponse, nullptr, 1.0, &best}, {Backup::Evaluate, &pi, 1.0, &mine}};
  backward(flow, pi, reqs, &path);
  const int root = path.front();
  std::vector<double> gap(best.V[root].size());
  for (std::size_t s = 0; s < gap.size(); ++s) gap[s] = best.V[root][s] - mine.V[root][s];
  if (per_state) *per_state = gap;
  return weightByInitial(root, gap);
}

}  // namespace mfg
