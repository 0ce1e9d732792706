#pragma once
// Builds the MeanFieldView a model reads at step t: gathers μ_t (and μ_{t+1}, L_t when the model
// reads them) onto every rank and computes the model's aggregates once for the step.
#include "parallel/StateLayout.hpp"
#include "solver/engine/Tabular.hpp"
#include "solver/models/Model.hpp"

namespace mfg {

class StepContext {
 public:
  StepContext(const Model& model, const parallel::StateLayout& layout);

  /// The population at step t: its flow and the policy that weights L_t = μ_t π_t.
  /// `with_next` asks for μ_{t+1} too (only known once the flow is complete).
  const MeanFieldView& at(int t, const MeanFieldFlow& flow, const Policy& population, bool with_next);

 private:
  const Model& model_;
  const parallel::StateLayout& layout_;
  std::vector<double> mu_, mu_next_, L_local_, L_, stats_;
  MeanFieldView view_;
};

}  // namespace mfg
