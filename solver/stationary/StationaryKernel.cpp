#include "solver/stationary/StationaryKernel.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "parallel/Collectives.hpp"

namespace mfg::stationary {

namespace {

/// Sorts a row by successor and adds repeated successors, so that each column appears once.
void mergeRow(std::vector<Transition>& row) {
  std::sort(row.begin(), row.end(), [](const Transition& x, const Transition& y) { return x.next < y.next; });
  std::size_t out = 0;
  for (std::size_t k = 0; k < row.size(); ++k) {
    if (out > 0 && row[out - 1].next == row[k].next) row[out - 1].prob += row[k].prob;
    else row[out++] = row[k];
  }
  row.resize(out);
}

}  // namespace

StationaryKernel::StationaryKernel(const StationaryModel& model, const parallel::StateLayout& layout)
    : layout_(layout) {
  const std::int64_t A = layout.actions(), nrows = layout.localRows(), n = layout.globalStates();
  std::vector<PetscInt> d_nnz(static_cast<std::size_t>(nrows), 0), o_nnz(static_cast<std::size_t>(nrows), 0);
  std::vector<Transition> row;
  std::optional<std::string> error;
  feasible_.assign(static_cast<std::size_t>(nrows), 0);
  // First pass: the pattern (for exact preallocation) and the checks.
  for (std::int64_t r = 0; r < nrows && !error; ++r) {
    const std::int64_t s = layout.begin() + r / A, a = r % A;
    model.transitions(s, a, row);
    mergeRow(row);
    double total = 0;
    for (const auto& t : row) {
      if (t.next < 0 || t.next >= n || !(t.prob >= 0.0)) {
        error = "state " + std::to_string(s) + ", action " + std::to_string(a) +
                ": successor outside [0, |S|) or negative probability";
        break;
      }
      total += t.prob;
      (t.next >= layout.begin() && t.next < layout.end() ? d_nnz : o_nnz)[static_cast<std::size_t>(r)]++;
    }
    if (!error && std::abs(total - 1.0) > 1e-12)
      error = "state " + std::to_string(s) + ", action " + std::to_string(a) + ": kernel row sums to " +
              std::to_string(total);
    feasible_[static_cast<std::size_t>(r)] = model.feasible(s, a) ? 1 : 0;
    if (!error && a == 0 && !feasible_[static_cast<std::size_t>(r)])
      error = "state " + std::to_string(s) + ": action 0 is infeasible";
  }
  if (auto agreed = parallel::firstError(layout.comm(), error))
    throw std::logic_error("stationary model: " + *agreed);

  MFG_PETSC_CALL(MatCreate(layout.comm(), P_.out()));
  MFG_PETSC_CALL(MatSetSizes(P_, static_cast<PetscInt>(nrows), static_cast<PetscInt>(layout.localStates()),
                             static_cast<PetscInt>(n * A), static_cast<PetscInt>(n)));
  MFG_PETSC_CALL(MatSetType(P_, MATAIJ));
  MFG_PETSC_CALL(MatSetOptionsPrefix(P_, "mfg_stationary_kernel_"));
  MFG_PETSC_CALL(MatSetFromOptions(P_));
  MFG_PETSC_CALL(MatXAIJSetPreallocation(P_, 1, d_nnz.data(), o_nnz.data(), nullptr, nullptr));
  MFG_PETSC_CALL(MatSetOption(P_, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));

  MFG_PETSC_CALL(VecCreate(layout.comm(), R_.out()));
  MFG_PETSC_CALL(VecSetSizes(R_, static_cast<PetscInt>(nrows), static_cast<PetscInt>(n * A)));
  MFG_PETSC_CALL(VecSetFromOptions(R_));
  PetscScalar* rewards = nullptr;
  MFG_PETSC_CALL(VecGetArray(R_, &rewards));
  std::vector<PetscInt> cols;
  std::vector<PetscScalar> vals;
  // Second pass: the values.
  for (std::int64_t r = 0; r < nrows; ++r) {
    const std::int64_t s = layout.begin() + r / A, a = r % A;
    model.transitions(s, a, row);
    mergeRow(row);
    cols.clear();
    vals.clear();
    for (const auto& t : row) {
      cols.push_back(static_cast<PetscInt>(t.next));
      vals.push_back(t.prob);
    }
    const auto global_row = static_cast<PetscInt>(s * A + a);
    MFG_PETSC_CALL(MatSetValues(P_, 1, &global_row, static_cast<PetscInt>(cols.size()), cols.data(), vals.data(),
                                INSERT_VALUES));
    rewards[r] = model.reward(s, a);
  }
  MFG_PETSC_CALL(VecRestoreArray(R_, &rewards));
  MFG_PETSC_CALL(MatAssemblyBegin(P_, MAT_FINAL_ASSEMBLY));
  MFG_PETSC_CALL(MatAssemblyEnd(P_, MAT_FINAL_ASSEMBLY));
}

PetscMat StationaryKernel::policyKernel(std::span<const std::int64_t> policy) const {
  const std::int64_t A = layout_.actions(), ns = layout_.localStates();
  if (static_cast<std::int64_t>(policy.size()) != ns) throw std::logic_error("policyKernel: policy size");
  std::vector<PetscInt> d_nnz(static_cast<std::size_t>(ns), 0), o_nnz(static_cast<std::size_t>(ns), 0);
  for (std::int64_t i = 0; i < ns; ++i) {
    const auto row = static_cast<PetscInt>((layout_.begin() + i) * A + policy[static_cast<std::size_t>(i)]);
    PetscInt count = 0;
    const PetscInt* cols = nullptr;
    MFG_PETSC_CALL(MatGetRow(P_, row, &count, &cols, nullptr));
    const auto state = static_cast<PetscInt>(layout_.begin() + i);
    for (PetscInt k = 0; k < count; ++k)
      (cols[k] >= layout_.begin() && cols[k] < layout_.end() ? d_nnz : o_nnz)[static_cast<std::size_t>(i)]++;
    if (!std::binary_search(cols, cols + count, state)) d_nnz[static_cast<std::size_t>(i)]++;  // explicit 0
    MFG_PETSC_CALL(MatRestoreRow(P_, row, &count, &cols, nullptr));
  }
  PetscMat Ppi;
  MFG_PETSC_CALL(MatCreate(layout_.comm(), Ppi.out()));
  MFG_PETSC_CALL(MatSetSizes(Ppi, static_cast<PetscInt>(ns), static_cast<PetscInt>(ns),
                             static_cast<PetscInt>(layout_.globalStates()), static_cast<PetscInt>(layout_.globalStates())));
  MFG_PETSC_CALL(MatSetType(Ppi, MATAIJ));
  MFG_PETSC_CALL(MatXAIJSetPreallocation(Ppi, 1, d_nnz.data(), o_nnz.data(), nullptr, nullptr));
  for (std::int64_t i = 0; i < ns; ++i) {
    const auto row = static_cast<PetscInt>((layout_.begin() + i) * A + policy[static_cast<std::size_t>(i)]);
    const auto state = static_cast<PetscInt>(layout_.begin() + i);
    PetscInt count = 0;
    const PetscInt* cols = nullptr;
    const PetscScalar* vals = nullptr;
    MFG_PETSC_CALL(MatGetRow(P_, row, &count, &cols, &vals));
    MFG_PETSC_CALL(MatSetValues(Ppi, 1, &state, count, cols, vals, INSERT_VALUES));
    const bool has_diagonal = std::binary_search(cols, cols + count, state);
    MFG_PETSC_CALL(MatRestoreRow(P_, row, &count, &cols, &vals));
    if (!has_diagonal) MFG_PETSC_CALL(MatSetValue(Ppi, state, state, 0.0, INSERT_VALUES));
  }
  MFG_PETSC_CALL(MatAssemblyBegin(Ppi, MAT_FINAL_ASSEMBLY));
  MFG_PETSC_CALL(MatAssemblyEnd(Ppi, MAT_FINAL_ASSEMBLY));
  return Ppi;
}

std::vector<double> StationaryKernel::policyRewards(std::span<const std::int64_t> policy) const {
  const std::int64_t A = layout_.actions();
  const PetscScalar* rewards = nullptr;
  MFG_PETSC_CALL(VecGetArrayRead(R_, &rewards));
  std::vector<double> out(policy.size());
  for (std::size_t i = 0; i < policy.size(); ++i) out[i] = rewards[static_cast<std::int64_t>(i) * A + policy[i]];
  MFG_PETSC_CALL(VecRestoreArrayRead(R_, &rewards));
  return out;
}

}  // namespace mfg::stationary
