#pragma once
// Tolerances of the stationary solvers (solver/stationary), shared by the grid and lottery forms.

namespace mfg::stationary {

struct StationarySettings {
  /// Relative residual of each policy evaluation (KSP; options prefix `mfg_stationary_`).
  double evaluation_rtol = 1e-13;
  int max_policy_iterations = 1000;
  /// Continuous policies (lottery) stop improving when no value moves by more than this,
  /// relative to max(1, |V|), between two evaluations.
  double value_tolerance = 1e-12;
  /// The stationary distribution is accepted when ‖P_πᵀ μ − μ‖₁ falls below this.
  double distribution_tolerance = 1e-13;
  /// Power-iteration steps allowed (alone, or to polish the KSP solution).
  long max_distribution_iterations = 5000000;
};

}  // namespace mfg::stationary
