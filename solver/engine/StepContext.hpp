#pragma once
// Builds the MeanFieldView a model reads at one node of step t: gathers μ_t (and μ_{t+1}, L_t when
// the model reads them) onto every rank and computes the model's aggregates once.
#include "parallel/StateLayout.hpp"
#include "solver/engine/Tabular.hpp"
#include "solver/models/Model.hpp"

namespace mfg {

class StepContext {
 public:
  StepContext(const Model& model, const parallel::StateLayout& layout);

  /// `mu_next` (local μ_{t+1}) may be null while it is unknown (forward passes); `pi` is the
  /// population's policy at this node, weighting L_t = μ_t π_t.
  const MeanFieldView& at(int t, const std::vector<double>& mu, const std::vector<double>* mu_next,
                          const std::vector<double>& pi, const std::vector<double>& z,
                          const std::vector<double>* z_next);

 private:
  const Model& model_;
  const parallel::StateLayout& layout_;
  std::vector<double> mu_, mu_next_, L_local_, L_, stats_, z_, z_next_;
  MeanFieldView view_;
};

}  // namespace mfg
