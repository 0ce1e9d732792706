#pragma once
// A model whose reward is a table set from outside (a candidate reward r_ω evaluated by a network)
// and whose everything else (kernel, horizon, discount, μ_0, aggregates) is the base model's. The
// exact engine then gives the soft best response and the flows of a learned reward without knowing
// that the reward was learned.
#include <vector>

#include "solver/models/Model.hpp"

namespace mfg::irl {

class RewardTableModel final : public Model {
 public:
  explicit RewardTableModel(const Model& base);

  /// R_t(s, a) for t = 0..T-1 on the states [first, first + rows/|A|), state-major (s - first)·|A| + a.
  /// Only those states may be asked for (the engine asks for the states a rank owns).
  void setTable(std::vector<std::vector<double>> table, std::int64_t first);
  const std::vector<std::vector<double>>& table() const { return table_; }

  std::string name() const override { return base_.name(); }
  std::vector<std::int64_t> stateShape() const override { return base_.stateShape(); }
  std::vector<std::int64_t> actionShape() const override { return base_.actionShape(); }
  int numSteps() const override { return base_.numSteps(); }
  double discount() const override { return base_.discount(); }
  std::vector<double> initialDistribution() const override { return base_.initialDistribution(); }
  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    base_.support(s, a, cols);
  }
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    base_.transitions(v, s, a, out);
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override;
  void rewardBlock(const MeanFieldView& v, std::int64_t first, std::int64_t last, double* out) const override;
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override { base_.aggregate(v, stats); }
  std::vector<double> actionValues() const override { return base_.actionValues(); }
  bool kernelDependsOnTime() const override { return base_.kernelDependsOnTime(); }
  bool kernelDependsOnMeanField() const override { return base_.kernelDependsOnMeanField(); }
  bool usesStateAction() const override { return base_.usesStateAction(); }
  bool readsMeanFieldAtOwnStateOnly() const override { return base_.readsMeanFieldAtOwnStateOnly(); }
  bool dynamicSupport() const override { return base_.dynamicSupport(); }

 private:
  const Model& base_;
  std::vector<std::vector<double>> table_;
  std::int64_t first_ = 0;
};

}  // namespace mfg::irl
