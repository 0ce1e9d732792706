#pragma once
// An independent, serial, dense implementation of the operators of docs/methods.md §1–2 with Eigen.
// It shares only the model's callbacks with the engine (no PETSc, no MPI, no engine code), so
// agreement between the two checks the engine's sparse assembly, partitioning and sweeps.
#include <Eigen/Dense>
#include <vector>

#include "solver/models/Model.hpp"

namespace mfg::testing {

/// The dense kernel P[(s, a), s'] of `m` given the view of the mean field, row s·A + a.
inline Eigen::MatrixXd denseKernel(const Model& m, const MeanFieldView& v, Eigen::Index S, Eigen::Index A) {
  Eigen::MatrixXd P = Eigen::MatrixXd::Zero(S * A, S);
  std::vector<Transition> row;
  for (Eigen::Index r = 0; r < S * A; ++r) {
    m.transitions(v, r / A, r % A, row);
    for (const auto& [next, p] : row) P(r, next) += p;
  }
  return P;
}

class DenseReference {
 public:
  using Table = std::vector<Eigen::VectorXd>;  // per step

  explicit DenseReference(const Model& m) : m_(m), S_(m.numStates()), A_(m.numActions()), n_(m.numSteps()) {}

  static Table uniformPolicy(const Model& m) {
    return Table(m.numSteps(), Eigen::VectorXd::Constant(m.numStates() * m.numActions(), 1.0 / m.numActions()));
  }

  /// μ^π for t = 0..n.
  Table forward(const Table& pi) const {
    Table mu(n_ + 1);
    const auto mu0 = m_.initialDistribution();
    mu[0] = Eigen::Map<const Eigen::VectorXd>(mu0.data(), S_);
    for (int t = 0; t < n_; ++t) {
      const Eigen::MatrixXd P = kernel(t, mu, pi);
      Eigen::VectorXd x(S_ * A_);
      for (Eigen::Index r = 0; r < S_ * A_; ++r) x[r] = mu[t][r / A_] * pi[t][r];
      mu[t + 1] = P.transpose() * x;
    }
    return mu;
  }

  /// V_0 of the best response (pi_eval = nullptr) or of pi_eval, against (mu, pi_pop).
  Eigen::VectorXd value0(const Table& mu, const Table& pi_pop, const Table* pi_eval) const {
    Eigen::VectorXd V = Eigen::VectorXd::Zero(S_);
    for (int t = n_ - 1; t >= 0; --t) {
      const Eigen::MatrixXd P = kernel(t, mu, pi_pop);
      const MeanFieldView v = view(t, mu, pi_pop, true);
      Eigen::VectorXd Q = P * V;
      for (Eigen::Index r = 0; r < S_ * A_; ++r) Q[r] = m_.reward(v, r / A_, r % A_) + m_.discount() * Q[r];
      for (Eigen::Index s = 0; s < S_; ++s) {
        const auto q = Q.segment(s * A_, A_);
        V[s] = pi_eval ? q.dot((*pi_eval)[t].segment(s * A_, A_)) : q.maxCoeff();
      }
    }
    return V;
  }

  /// Q^{pi_eval}_t against (mu, pi_pop) for t = 0..n-1 (state-major rows): the Q that OMD adds up.
  Table q(const Table& mu, const Table& pi_pop, const Table& pi_eval) const {
    Table Q(n_);
    Eigen::VectorXd V = Eigen::VectorXd::Zero(S_);
    for (int t = n_ - 1; t >= 0; --t) {
      const Eigen::MatrixXd P = kernel(t, mu, pi_pop);
      const MeanFieldView v = view(t, mu, pi_pop, true);
      Q[t] = P * V;
      for (Eigen::Index r = 0; r < S_ * A_; ++r) Q[t][r] = m_.reward(v, r / A_, r % A_) + m_.discount() * Q[t][r];
      for (Eigen::Index s = 0; s < S_; ++s) V[s] = Q[t].segment(s * A_, A_).dot(pi_eval[t].segment(s * A_, A_));
    }
    return Q;
  }

  double exploitability(const Table& pi) const {
    const Table mu = forward(pi);
    const Eigen::VectorXd gap = value0(mu, pi, nullptr) - value0(mu, pi, &pi);
    return mu[0].dot(gap);
  }

 private:
  MeanFieldView view(int t, const Table& mu, const Table& pi, bool with_next) const {
    mu_t_.assign(mu[t].data(), mu[t].data() + S_);
    MeanFieldView v;
    v.t = t;
    v.mu = mu_t_;
    if (with_next && t + 1 < static_cast<int>(mu.size())) {
      mu_next_.assign(mu[t + 1].data(), mu[t + 1].data() + S_);
      v.mu_next = mu_next_;
    }
    L_.resize(S_ * A_);
    for (Eigen::Index r = 0; r < S_ * A_; ++r) L_[r] = mu[t][r / A_] * pi[t][r];
    v.L = L_;
    m_.aggregate(v, stats_);
    v.stats = stats_;
    return v;
  }

  Eigen::MatrixXd kernel(int t, const Table& mu, const Table& pi) const {
    return denseKernel(m_, view(t, mu, pi, false), S_, A_);
  }

  const Model& m_;
  Eigen::Index S_, A_;
  int n_;
  mutable std::vector<double> mu_t_, mu_next_, L_, stats_;
};

}  // namespace mfg::testing
