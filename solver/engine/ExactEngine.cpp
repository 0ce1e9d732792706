#include "solver/engine/ExactEngine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "parallel/Collectives.hpp"

namespace mfg {

namespace {

void copyIn(Vec v, const std::vector<double>& src) {
  PetscScalar* a = nullptr;
  MFG_PETSC_CALL(VecGetArrayWrite(v, &a));
  std::copy(src.begin(), src.end(), a);
  MFG_PETSC_CALL(VecRestoreArrayWrite(v, &a));
}

void copyOut(Vec v, std::vector<double>& dst) {
  const PetscScalar* a = nullptr;
  PetscInt n = 0;
  MFG_PETSC_CALL(VecGetLocalSize(v, &n));
  MFG_PETSC_CALL(VecGetArrayRead(v, &a));
  dst.assign(a, a + n);
  MFG_PETSC_CALL(VecRestoreArrayRead(v, &a));
}

}  // namespace

ExactEngine::ExactEngine(const Model& model, MPI_Comm comm)
    : model_(model),
      layout_(comm, model.numStates(), model.numActions()),
      kernel_(model_, layout_),
      context_(model_, layout_) {
  const auto mu0 = model.initialDistribution();
  if (static_cast<std::int64_t>(mu0.size()) != layout_.globalStates())
    throw std::logic_error("model '" + model.name() + "': μ_0 has the wrong size");
  mu0_local_.assign(mu0.begin() + layout_.begin(), mu0.begin() + layout_.end());
  MFG_PETSC_CALL(MatCreateVecs(kernel_.mat(), states_.out(), rows_.out()));
  // Fill P_0 once with μ_0 and the uniform policy: a model whose kernel is not a distribution is
  // rejected as soon as it is built, naming the state and action.
  MeanFieldFlow flow;
  flow.mu.assign(1, mu0_local_);
  const Policy uniform = Policy::uniform(layout_, 1);
  kernel_.assemble(context_.at(0, flow, uniform, false));
}

void ExactEngine::checkPolicy(const Policy& pi) const {
  if (pi.steps() != steps())
    throw std::invalid_argument("policy has " + std::to_string(pi.steps()) + " steps; model '" +
                                model_.name() + "' has " + std::to_string(steps()));
  for (const auto& slice : pi.pi)
    if (static_cast<std::int64_t>(slice.size()) != layout_.localRows())
      throw std::invalid_argument("policy slice does not match the rows owned by this rank");
}

MeanFieldFlow ExactEngine::forward(const Policy& pi) { return propagate(pi, nullptr, nullptr); }

MeanFieldFlow ExactEngine::forward(const Policy& pi, const MeanFieldFlow& env, const Policy& env_policy) {
  return propagate(pi, &env, &env_policy);
}

MeanFieldFlow ExactEngine::propagate(const Policy& pi, const MeanFieldFlow* env, const Policy* env_policy) {
  checkPolicy(pi);
  const auto A = layout_.actions();
  MeanFieldFlow flow;
  flow.mu.resize(steps() + 1);
  flow.mu[0] = mu0_local_;
  std::vector<double> x(static_cast<std::size_t>(layout_.localRows()));
  for (int t = 0; t < steps(); ++t) {
    if (!kernel_.isStatic() || !kernel_.isFilled())
      kernel_.assemble(env ? context_.at(t, *env, *env_policy, false) : context_.at(t, flow, pi, false));
    const auto& mu = flow.mu[t];
    const auto& p = pi.pi[t];
    for (std::size_t row = 0; row < x.size(); ++row) x[row] = mu[row / A] * p[row];
    copyIn(rows_, x);
    MFG_PETSC_CALL(MatMultTranspose(kernel_.mat(), rows_, states_));
    copyOut(states_, flow.mu[t + 1]);
  }
  return flow;
}

void ExactEngine::reward(const MeanFieldView& view, std::vector<double>& R) const {
  const auto A = layout_.actions();
  R.resize(static_cast<std::size_t>(layout_.localRows()));
  for (std::size_t row = 0; row < R.size(); ++row)
    R[row] = model_.reward(view, layout_.begin() + static_cast<std::int64_t>(row) / A,
                           static_cast<std::int64_t>(row) % A);
}

void ExactEngine::backward(const MeanFieldFlow& env, const Policy& env_policy,
                           std::span<BackupRequest> requests) {
  checkPolicy(env_policy);
  const auto A = layout_.actions();
  const auto nS = static_cast<std::size_t>(layout_.localStates());
  const double gamma = model_.discount();
  for (auto& req : requests) {
    if (req.kind == Backup::Evaluate) checkPolicy(*req.policy);
    if (req.kind == Backup::Soft && !(req.temperature > 0.0))
      throw std::invalid_argument("soft backup needs a temperature > 0");
    req.out->Q.assign(steps(), {});
    req.out->V.assign(steps() + 1, {});
    req.out->V[steps()].assign(nS, 0.0);
  }
  std::vector<double> R, PV;
  for (int t = steps() - 1; t >= 0; --t) {
    const MeanFieldView& view = context_.at(t, env, env_policy, true);
    if (!kernel_.isStatic() || !kernel_.isFilled()) kernel_.assemble(view);
    reward(view, R);
    for (auto& req : requests) {
      copyIn(states_, req.out->V[t + 1]);
      MFG_PETSC_CALL(MatMult(kernel_.mat(), states_, rows_));
      copyOut(rows_, PV);
      auto& Q = req.out->Q[t];
      auto& V = req.out->V[t];
      Q.resize(R.size());
      V.assign(nS, 0.0);
      for (std::size_t row = 0; row < R.size(); ++row) Q[row] = R[row] + gamma * PV[row];
      for (std::size_t s = 0; s < nS; ++s) {
        const double* q = Q.data() + s * A;
        switch (req.kind) {
          case Backup::Evaluate: {
            const double* p = req.policy->pi[t].data() + s * A;
            double v = 0.0;
            for (std::int64_t a = 0; a < A; ++a) v += p[a] * q[a];
            V[s] = v;
            break;
          }
          case Backup::BestResponse:
            V[s] = *std::max_element(q, q + A);
            break;
          case Backup::Soft: {
            const double beta = req.temperature;
            const double top = *std::max_element(q, q + A);
            double total = 0.0;
            for (std::int64_t a = 0; a < A; ++a) total += std::exp((q[a] - top) / beta);
            V[s] = top + beta * std::log(total);
            break;
          }
        }
      }
    }
  }
}

Values ExactEngine::evaluate(const Policy& pi, const MeanFieldFlow& env, const Policy& env_policy) {
  Values out;
  BackupRequest req{Backup::Evaluate, &pi, 1.0, &out};
  backward(env, env_policy, std::span(&req, 1));
  return out;
}

Values ExactEngine::bestResponse(const MeanFieldFlow& env, const Policy& env_policy) {
  Values out;
  BackupRequest req{Backup::BestResponse, nullptr, 1.0, &out};
  backward(env, env_policy, std::span(&req, 1));
  return out;
}

Values ExactEngine::soft(double temperature, const MeanFieldFlow& env, const Policy& env_policy) {
  Values out;
  BackupRequest req{Backup::Soft, nullptr, temperature, &out};
  backward(env, env_policy, std::span(&req, 1));
  return out;
}

double ExactEngine::weightByInitial(const std::vector<double>& f) const {
  double local = 0.0;
  for (std::size_t s = 0; s < mu0_local_.size(); ++s) local += mu0_local_[s] * f[s];
  return parallel::sum(layout_.comm(), local);
}

ExploitabilityResult ExactEngine::exploitability(const Policy& pi) {
  ExploitabilityResult r;
  r.flow = forward(pi);
  BackupRequest reqs[2] = {{Backup::BestResponse, nullptr, 1.0, &r.best_values},
                           {Backup::Evaluate, &pi, 1.0, &r.policy_values}};
  backward(r.flow, pi, reqs);
  std::vector<double> gap(mu0_local_.size());
  for (std::size_t s = 0; s < gap.size(); ++s) gap[s] = r.best_values.V[0][s] - r.policy_values.V[0][s];
  r.exploitability = weightByInitial(gap);
  r.best_value = weightByInitial(r.best_values.V[0]);
  r.policy_value = weightByInitial(r.policy_values.V[0]);
  return r;
}

}  // namespace mfg
