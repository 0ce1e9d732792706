#include "solver/engine/KernelMatrix.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"

namespace mfg {

namespace {

std::string stateName(const Model& model, std::int64_t s) {
  const auto shape = model.stateShape();
  std::ostringstream os;
  os << s;
  if (shape.size() > 1) {
    std::vector<std::int64_t> idx(shape.size());
    std::int64_t rest = s;
    for (std::size_t d = shape.size(); d-- > 0;) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    os << " (";
    for (std::size_t d = 0; d < idx.size(); ++d) os << (d ? ", " : "") << idx[d];
    os << ")";
  }
  return os.str();
}

}  // namespace

KernelMatrix::KernelMatrix(const Model& model, const parallel::StateLayout& layout)
    : model_(model),
      layout_(layout),
      static_(!model.kernelDependsOnTime() && !model.kernelDependsOnMeanField() && !model.kernelDependsOnNoise()) {
  const auto A = layout.actions();
  const auto nrows = layout.localRows();
  row_start_.assign(static_cast<std::size_t>(nrows) + 1, 0);
  std::vector<PetscInt> d_nnz(nrows), o_nnz(nrows);
  std::vector<std::int64_t> support;
  std::optional<std::string> error;
  for (std::int64_t row = 0; row < nrows && !error; ++row) {
    const std::int64_t s = layout.begin() + row / A, a = row % A;
    model.support(s, a, support);
    for (std::size_t k = 0; k < support.size(); ++k) {
      const auto c = support[k];
      if (c < 0 || c >= layout.globalStates() || (k > 0 && support[k - 1] >= c)) {
        error = "model '" + model.name() + "': support of state " + std::to_string(s) + ", action " +
                std::to_string(a) + " is not ascending and unique within [0, |S|)";
        break;
      }
      cols_.push_back(static_cast<PetscInt>(c));
      (c >= layout.begin() && c < layout.end() ? d_nnz : o_nnz)[row]++;
    }
    row_start_[row + 1] = static_cast<PetscInt>(cols_.size());
  }
  if (auto agreed = parallel::firstError(layout.comm(), error)) throw std::logic_error(*agreed);
  vals_.resize(cols_.size());

  MFG_PETSC_CALL(MatCreate(layout.comm(), P_.out()));
  MFG_PETSC_CALL(MatSetSizes(P_, static_cast<PetscInt>(nrows), static_cast<PetscInt>(layout.localStates()),
                             static_cast<PetscInt>(layout.globalStates() * A),
                             static_cast<PetscInt>(layout.globalStates())));
  MFG_PETSC_CALL(MatSetType(P_, MATAIJ));
  MFG_PETSC_CALL(MatSetOptionsPrefix(P_, "mfg_kernel_"));
  MFG_PETSC_CALL(MatSetFromOptions(P_));
  MFG_PETSC_CALL(MatSeqAIJSetPreallocation(P_, 0, d_nnz.data()));
  MFG_PETSC_CALL(MatMPIAIJSetPreallocation(P_, 0, d_nnz.data(), 0, o_nnz.data()));
  MFG_PETSC_CALL(MatSetOption(P_, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  // Entries that are zero at some step stay in the pattern, so refills never reallocate.
  MFG_PETSC_CALL(MatSetOption(P_, MAT_IGNORE_ZERO_ENTRIES, PETSC_FALSE));
  MFG_PETSC_CALL(MatSetOption(P_, MAT_NO_OFF_PROC_ENTRIES, PETSC_TRUE));
}

std::string KernelMatrix::rowName(int t, std::int64_t s, std::int64_t a) const {
  return "model '" + model_.name() + "': kernel row P_" + std::to_string(t) + "(.|s, a) of state " +
         stateName(model_, s) + ", action " + std::to_string(a);
}

void KernelMatrix::assemble(const MeanFieldView& view) {
  if (static_ && filled_) return;
  const auto A = layout_.actions();
  const auto nrows = layout_.localRows();
  std::vector<Transition> row;
  std::optional<std::string> error;
  for (std::int64_t r = 0; r < nrows && !error; ++r) {
    const std::int64_t s = layout_.begin() + r / A, a = r % A;
    model_.transitions(view, s, a, row);
    PetscScalar* vals = vals_.data() + row_start_[r];
    const PetscInt* cols = cols_.data() + row_start_[r];
    const PetscInt n = row_start_[r + 1] - row_start_[r];
    std::fill(vals, vals + n, 0.0);
    double total = 0.0;
    for (const auto& [next, p] : row) {
      const PetscInt* it = std::lower_bound(cols, cols + n, static_cast<PetscInt>(next));
      if (it == cols + n || *it != next) {
        error = rowName(view.t, s, a) + " moves to state " + std::to_string(next) +
                ", outside the support the model declared";
        break;
      }
      if (!(p >= 0.0) || !std::isfinite(p)) {
        error = rowName(view.t, s, a) + " has probability " + std::to_string(p) + " for state " +
                std::to_string(next) + " (must be in [0, 1])";
        break;
      }
      vals[it - cols] += p;
      total += p;
    }
    if (!error && std::abs(total - 1.0) > 1e-12) {
      std::ostringstream msg;
      msg.precision(17);
      msg << rowName(view.t, s, a) << " sums to " << total
          << " (must be 1 within 1e-12); check the model's parameters";
      error = msg.str();
    }
  }
  if (auto agreed = parallel::firstError(layout_.comm(), error)) throw InputError(*agreed);

  const PetscInt first_row = static_cast<PetscInt>(layout_.begin() * A);
  for (std::int64_t r = 0; r < nrows; ++r) {
    const PetscInt global_row = first_row + static_cast<PetscInt>(r);
    MFG_PETSC_CALL(MatSetValues(P_, 1, &global_row, row_start_[r + 1] - row_start_[r],
                                cols_.data() + row_start_[r], vals_.data() + row_start_[r],
                                INSERT_VALUES));
  }
  MFG_PETSC_CALL(MatAssemblyBegin(P_, MAT_FINAL_ASSEMBLY));
  MFG_PETSC_CALL(MatAssemblyEnd(P_, MAT_FINAL_ASSEMBLY));
  filled_ = true;
}

}  // namespace mfg
