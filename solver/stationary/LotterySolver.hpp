#pragma once
// The exact solver of a SavingsProblem (solver/models/SavingsProblem.hpp): next holdings are any
// real in [x_0, min(x_max, resources)), valued and moved as a lottery over the two neighbouring
// grid points (docs/methods.md §8). States are distributed in the contiguous blocks of the
// layout; P_π has at most 2|E| entries per row, so memory grows with |S|, not |S|·|grid|.
//
// Best response: policy iteration. Each evaluation solves (I − γ P_π) V = R_π by KSP (prefix
// `mfg_stationary_`), inexactly while the policy still moves (relative residual 1% of the last
// change of V, between the settings' tolerance and 1e-4), to full precision at the end. Each improvement is exact: on a grid cell [x_k, x_{k+1}] the objective
// u(m − x') + γ W(x') has W linear (W(x', e) = Σ_e' Π(e, e') V(x', e') interpolated), so its
// maximum on the cell is where u'(m − x') = γ W'(x'), clamped to the cell; the best cell is found
// for every state by divide and conquer over the states of one exogenous state ordered by
// resources, since the smallest maximiser rises with resources (the objective has increasing
// differences in (m, x') because u is concave): O(|grid| log |grid|) cells per exogenous state.
#include <petscmat.h>

#include <span>
#include <vector>

#include "solver/engine/PetscObjects.hpp"
#include "solver/models/SavingsProblem.hpp"
#include "solver/stationary/HouseholdSolver.hpp"

namespace mfg::stationary {

class LotterySolver final : public HouseholdSolver {
 public:
  LotterySolver(const SavingsProblem& problem, const parallel::StateLayout& layout, StationarySettings settings = {});

  int bestResponse(std::vector<double>& policy, std::vector<double>& value) const override;
  void evaluate(std::span<const double> policy, std::vector<double>& value) const override {
    evaluate(policy, value, settings_.evaluation_rtol);
  }
  /// V^π to the relative residual `rtol` (policy iteration loosens it while policies still move).
  void evaluate(std::span<const double> policy, std::vector<double>& value, double rtol) const;
  long stationaryDistribution(std::span<const double> policy, std::vector<double>& mu) const override;
  const char* choiceName() const override { return "lottery"; }

  /// The exact best next holding of each of this rank's states against V (collective: every
  /// rank needs all of V). Ties go to the lowest holding.
  std::vector<double> greedy(std::span<const double> value) const;
  /// shift·I + scale·P_π, with every diagonal entry explicit.
  PetscMat policyMatrix(std::span<const double> policy, double scale, double shift) const;
  /// R_π = u(resources − x') on this rank's states.
  std::vector<double> policyRewards(std::span<const double> policy) const;

 private:
  /// The cell k (x_k ≤ x' ≤ x_{k+1}, k ≤ n − 2) of a holding and its weight on x_{k+1}.
  std::pair<std::int64_t, double> cell(double holding) const;

  const SavingsProblem& problem_;
  const parallel::StateLayout& layout_;
  StationarySettings settings_;
  const std::vector<double>& grid_;
  const std::vector<std::vector<double>>& chain_;
  std::int64_t n_exo_;
  double gamma_;
};

}  // namespace mfg::stationary
