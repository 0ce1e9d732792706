#pragma once
// Fictitious Play and the damped fixed-point iteration (docs/methods.md §3) are the same scheme with a
// different weight: the population's state-action flow L̄ moves towards the best response's,
// L̄ ← (1 − w) L̄ + w L^{BR}, μ̄ likewise, and the played policy is π̄ = L̄ / μ̄ (uniform where μ̄ = 0).
// FP uses w = 1/(k+1), which averages all best-response flows; the fixed point uses w = damping.
#include "solver/algorithms/TabularSolver.hpp"

namespace mfg {

class BestResponseAveraging : public TabularSolver {
 public:
  using TabularSolver::TabularSolver;
  std::vector<StateTable> stateTables() override {
    auto tables = TabularSolver::stateTables();
    tables.push_back({"L_bar", &L_bar_, static_cast<int>(engine_.layout().actions())});
    tables.push_back({"mu_bar", &mu_bar_, 1});
    return tables;
  }

 protected:
  void initialise() override;
  void update() override;
  virtual double weight(int k) const = 0;  ///< weight of the k-th best response, k = 1, 2, ...

 private:
  std::vector<std::vector<double>> L_bar_, mu_bar_;
};

class FictitiousPlay final : public BestResponseAveraging {
 public:
  using BestResponseAveraging::BestResponseAveraging;
  std::string name() const override { return "fp"; }
  std::map<std::string, double> settings() const override { return {}; }

 protected:
  double weight(int k) const override { return 1.0 / (k + 1.0); }
};

class DampedFixedPoint final : public BestResponseAveraging {
 public:
  DampedFixedPoint(ExactEngine& engine, double damping) : BestResponseAveraging(engine), damping_(damping) {}
  std::string name() const override { return "fixed-point"; }
  std::map<std::string, double> settings() const override { return {{"damping", damping_}}; }

 protected:
  double weight(int) const override { return damping_; }

 private:
  double damping_;
};

}  // namespace mfg
