#pragma once
// OMD (docs/methods.md §3): y_{k+1} = y_k + η Q^{π_k, μ^{π_k}}, π_{k+1} = softmax(y_{k+1}) per (t, s).
#include "solver/algorithms/TabularSolver.hpp"

namespace mfg {

class OnlineMirrorDescent final : public TabularSolver {
 public:
  OnlineMirrorDescent(ExactEngine& engine, double learning_rate)
      : TabularSolver(engine), eta_(learning_rate) {}
  std::string name() const override { return "omd"; }
  std::map<std::string, double> settings() const override { return {{"learning_rate", eta_}}; }
  std::vector<StateTable> stateTables() override {
    auto tables = TabularSolver::stateTables();
    tables.push_back({"y", &y_, static_cast<int>(engine_.layout().actions())});
    return tables;
  }

 protected:
  void initialise() override;
  void update() override;

 private:
  double eta_;
  std::vector<std::vector<double>> y_;
};

}  // namespace mfg
