#pragma once
// Builds the MeanFieldView a model reads at one node of step t: makes μ_t (and μ_{t+1}, L_t when
// the model reads them) readable by global state index and computes the model's aggregates once.
// On one rank the owned arrays are the global ones and are read in place; on several, they are
// gathered onto every rank, except for a model that reads the mean field only at the state being
// asked (Model::readsMeanFieldAtOwnStateOnly), whose owned part is copied into an array of NaN.
#include <span>

#include "parallel/StateLayout.hpp"
#include "solver/engine/Tabular.hpp"
#include "solver/models/Model.hpp"

namespace mfg {

class StepContext {
 public:
  StepContext(const Model& model, const parallel::StateLayout& layout);

  /// `mu_next` (local μ_{t+1}) may be null while it is unknown (forward passes); `pi` is the
  /// population's policy at this node, weighting L_t = μ_t π_t. The view may point into `mu` and
  /// `mu_next`: it is valid while they are alive and unchanged, and until the next call.
  const MeanFieldView& at(int t, const std::vector<double>& mu, const std::vector<double>* mu_next,
                          const std::vector<double>& pi, const std::vector<double>& z,
                          const std::vector<double>* z_next);

 private:
  /// The global array (`per_state` entries per state) a model reads, from this rank's part.
  std::span<const double> spread(const std::vector<double>& local, int per_state, std::vector<double>& global);

  const Model& model_;
  const parallel::StateLayout& layout_;
  const bool own_state_only_;
  std::vector<double> mu_, mu_next_, L_local_, L_, stats_, z_, z_next_;
  MeanFieldView view_;
};

}  // namespace mfg
