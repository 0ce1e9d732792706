#include "solver/engine/KernelMatrix.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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

struct RowCheck {
  double total;
  bool valid;  ///< every successor in [0, |S|), every probability finite and non-negative
};

/// Kept out of assemble() so that the sum stays in a register (no calls in the loop).
inline RowCheck checkRow(const std::vector<Transition>& row, std::int64_t num_states) {
  double total = 0.0;
  bool valid = true;
  for (const auto& [next, p] : row) {
    valid &= (next >= 0) & (next < num_states) & (p >= 0.0) & (p <= std::numeric_limits<double>::max());
    total += p;
  }
  return {total, valid};
}

/// Bytes per rank of the (t, z) cache or of the kept kernels: `-mfg_kernel_memory_mb` (PETSc
/// option, default 1024). Kept kernels save the second assembly of every mean-field-dependent
/// kernel in a training iteration (on macro, 8 paths at 2 ranks, about 1.3 GB per rank).
std::size_t memoryBudget() {
  PetscInt megabytes = 1024;
  PetscBool set = PETSC_FALSE;
  MFG_PETSC_CALL(PetscOptionsGetInt(nullptr, nullptr, "-mfg_kernel_memory_mb", &megabytes, &set));
  if (megabytes < 0) throw InputError("-mfg_kernel_memory_mb " + std::to_string(megabytes) + " is invalid (valid: >= 0)");
  return static_cast<std::size_t>(megabytes) << 20;
}

}  // namespace

KernelMatrix::KernelMatrix(const Model& model, const parallel::StateLayout& layout)
    : model_(model),
      layout_(layout),
      static_(!model.kernelDependsOnTime() && !model.kernelDependsOnMeanField() && !model.kernelDependsOnNoise()),
      dynamic_(model.dynamicSupport()),
      cacheable_(!model.kernelDependsOnMeanField() && !model.dynamicSupport() && !static_),
      budget_(memoryBudget()) {
  if (dynamic_) return;  // the pattern comes from the first assembled rows
  const auto A = layout.actions();
  const auto nrows = layout.localRows();
  row_start_.assign(static_cast<std::size_t>(nrows) + 1, 0);
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
    }
    row_start_[row + 1] = static_cast<PetscInt>(cols_.size());
  }
  if (auto agreed = parallel::firstError(layout.comm(), error)) throw std::logic_error(*agreed);
  vals_.resize(cols_.size());
  createMatrix();
}

void KernelMatrix::createMatrix() {
  const auto nrows = layout_.localRows();
  std::vector<PetscInt> d_nnz(static_cast<std::size_t>(nrows), 0), o_nnz(static_cast<std::size_t>(nrows), 0);
  for (std::int64_t row = 0; row < nrows && !dynamic_; ++row)
    for (PetscInt k = row_start_[row]; k < row_start_[row + 1]; ++k)
      (cols_[k] >= layout_.begin() && cols_[k] < layout_.end() ? d_nnz : o_nnz)[row]++;
  P_ = PetscMat();
  MFG_PETSC_CALL(MatCreate(layout_.comm(), P_.out()));
  MFG_PETSC_CALL(MatSetSizes(P_, static_cast<PetscInt>(nrows), static_cast<PetscInt>(layout_.localStates()),
                             static_cast<PetscInt>(layout_.globalStates() * layout_.actions()),
                             static_cast<PetscInt>(layout_.globalStates())));
  MFG_PETSC_CALL(MatSetType(P_, MATAIJ));
  MFG_PETSC_CALL(MatSetOptionsPrefix(P_, "mfg_kernel_"));
  MFG_PETSC_CALL(MatSetFromOptions(P_));
  if (dynamic_) return;  // preallocated from the CSR arrays by assemble()
  MFG_PETSC_CALL(MatSeqAIJSetPreallocation(P_, 0, d_nnz.data()));
  MFG_PETSC_CALL(MatMPIAIJSetPreallocation(P_, 0, d_nnz.data(), 0, o_nnz.data()));
  MFG_PETSC_CALL(MatSetOption(P_, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  // Entries that are zero at some step stay in the pattern, so refills never reallocate.
  MFG_PETSC_CALL(MatSetOption(P_, MAT_IGNORE_ZERO_ENTRIES, PETSC_FALSE));
  MFG_PETSC_CALL(MatSetOption(P_, MAT_NO_OFF_PROC_ENTRIES, PETSC_TRUE));
}

void KernelMatrix::createFromArrays() {
  const auto nrows = static_cast<PetscInt>(layout_.localRows());
  const auto ncols = static_cast<PetscInt>(layout_.localStates());
  if (layout_.size() == 1) {
    MFG_PETSC_CALL(MatCreateSeqAIJWithArrays(layout_.comm(), nrows, ncols, row_start_.data(), cols_.data(),
                                             vals_.data(), P_.out()));
    return;
  }
  // Diagonal block (owned columns, local indices) and off-diagonal block (global indices).
  const auto begin = static_cast<PetscInt>(layout_.begin()), end = static_cast<PetscInt>(layout_.end());
  auto& [di, dj, da, oi, oj, oa] = split_;
  di.assign(1, 0);
  oi.assign(1, 0);
  dj.clear();
  da.clear();
  oj.clear();
  oa.clear();
  for (PetscInt r = 0; r < nrows; ++r) {
    for (PetscInt k = row_start_[r]; k < row_start_[r + 1]; ++k) {
      if (cols_[k] >= begin && cols_[k] < end) {
        dj.push_back(cols_[k] - begin);
        da.push_back(vals_[k]);
      } else {
        oj.push_back(cols_[k]);
        oa.push_back(vals_[k]);
      }
    }
    di.push_back(static_cast<PetscInt>(dj.size()));
    oi.push_back(static_cast<PetscInt>(oj.size()));
  }
  MFG_PETSC_CALL(MatCreateMPIAIJWithSplitArrays(layout_.comm(), nrows, ncols,
                                                static_cast<PetscInt>(layout_.globalStates() * layout_.actions()),
                                                static_cast<PetscInt>(layout_.globalStates()), di.data(), dj.data(),
                                                da.data(), oi.data(), oj.data(), oa.data(), P_.out()));
}

std::string KernelMatrix::entryError(int t, std::int64_t s, std::int64_t a, const std::vector<Transition>& row) const {
  for (const auto& [next, p] : row) {
    if (next < 0 || next >= layout_.globalStates())
      return rowName(t, s, a) + " moves to state " + std::to_string(next) + ", outside [0, |S|)";
    if (!(p >= 0.0) || !std::isfinite(p))
      return rowName(t, s, a) + " has probability " + std::to_string(p) + " for state " + std::to_string(next) +
             " (must be in [0, 1])";
  }
  return rowName(t, s, a) + " has an invalid entry";
}

std::string KernelMatrix::rowName(int t, std::int64_t s, std::int64_t a) const {
  return "model '" + model_.name() + "': kernel row P_" + std::to_string(t) + "(.|s, a) of state " +
         stateName(model_, s) + ", action " + std::to_string(a);
}


void KernelMatrix::keep(int node) {
  if (!keeping_ || static_ || cacheable_) return;
  const std::size_t bytes = cols_.size() * (sizeof(PetscInt) + sizeof(PetscScalar)) + row_start_.size() * sizeof(PetscInt);
  // The same verdict on every rank (MatDuplicate is collective): decided on the largest share.
  if (parallel::max(layout_.comm(), static_cast<double>(kept_bytes_ + bytes)) > budget_) return;
  PetscMat copy;
  MFG_PETSC_CALL(MatDuplicate(mat(), MAT_COPY_VALUES, copy.out()));
  kept_bytes_ += bytes;
  kept_[node] = std::move(copy);
}

bool KernelMatrix::recall(int node) {
  const auto it = kept_.find(node);
  if (it == kept_.end()) return false;
  current_ = it->second;
  return true;
}

bool KernelMatrix::refillInPlace() {
  // Once assembled, an AIJ matrix stores each owned row's entries in ascending column order: the
  // owned columns in the diagonal block, the others (compacted, order kept) in the off-diagonal
  // one. With the pattern fixed and every pattern entry stored, the new values can be written
  // straight into those arrays in CSR order, without MatSetValues' per-row search and the
  // assembly that follows it. Checked once; another matrix type (-mfg_kernel_mat_type) or a
  // pattern PETSc stored differently keeps the MatSetValues path.
  Mat diag = P_.get(), off = nullptr;
  if (in_place_ == InPlace::Unknown) {
    PetscBool seq = PETSC_FALSE, mpi = PETSC_FALSE;
    MFG_PETSC_CALL(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(P_.get()), MATSEQAIJ, &seq));
    MFG_PETSC_CALL(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(P_.get()), MATMPIAIJ, &mpi));
    bool ok = seq || mpi;
    if (ok) {
      if (mpi) MFG_PETSC_CALL(MatMPIAIJGetSeqAIJ(P_, &diag, &off, nullptr));
      MatInfo info;
      MFG_PETSC_CALL(MatGetInfo(diag, MAT_LOCAL, &info));
      double stored = info.nz_used;
      if (off) {
        MFG_PETSC_CALL(MatGetInfo(off, MAT_LOCAL, &info));
        stored += info.nz_used;
      }
      ok = stored == static_cast<double>(cols_.size());
    }
    // Collective decision: every rank takes the same path (MatAssembly is collective).
    in_place_ = parallel::max(layout_.comm(), ok ? 0.0 : 1.0) == 0.0 ? InPlace::Yes : InPlace::No;
  }
  if (in_place_ == InPlace::No) return false;
  if (layout_.size() > 1) MFG_PETSC_CALL(MatMPIAIJGetSeqAIJ(P_, &diag, &off, nullptr));
  PetscScalar* d = nullptr;
  PetscScalar* o = nullptr;
  MFG_PETSC_CALL(MatSeqAIJGetArrayWrite(diag, &d));
  if (off) MFG_PETSC_CALL(MatSeqAIJGetArrayWrite(off, &o));
  const auto begin = static_cast<PetscInt>(layout_.begin()), end = static_cast<PetscInt>(layout_.end());
  std::size_t kd = 0, ko = 0;
  for (std::size_t k = 0; k < cols_.size(); ++k) {
    if (cols_[k] >= begin && cols_[k] < end) d[kd++] = vals_[k];
    else o[ko++] = vals_[k];
  }
  MFG_PETSC_CALL(MatSeqAIJRestoreArrayWrite(diag, &d));
  if (off) MFG_PETSC_CALL(MatSeqAIJRestoreArrayWrite(off, &o));
  // The blocks' states moved with the restores; the parallel matrix's own state (public API has
  // no call for it) is read only by solvers that cache on it, and the engine only multiplies.
  return true;
}

bool KernelMatrix::reuseCached(int t, std::span<const double> z) {
  if (!cacheable_) return false;
  const auto it = cache_.find(cacheKey(t, z));
  if (it == cache_.end()) return false;
  current_ = it->second;
  return true;
}

void KernelMatrix::assemble(const MeanFieldView& view) {
  if (static_ && filled_) return;
  if (reuseCached(view.t, view.z)) return;
  current_ = nullptr;
  const auto A = layout_.actions();
  const auto nrows = layout_.localRows();
  const std::int64_t num_states = layout_.globalStates();
  std::vector<Transition> row;
  std::optional<std::string> error;
  // A dynamic pattern is rebuilt from the rows: sorted successors with repeats merged.
  std::vector<PetscInt> new_start, new_cols;
  if (dynamic_) {
    new_start.assign(static_cast<std::size_t>(nrows) + 1, 0);
    new_cols.reserve(cols_.size());
    vals_.clear();
  }
  for (std::int64_t r = 0; r < nrows && !error; ++r) {
    const std::int64_t s = layout_.begin() + r / A, a = r % A;
    model_.transitions(view, s, a, row);
    // The hot path only sums and flags; the message is built once a row is known to be bad.
    const auto [total, valid] = checkRow(row, num_states);
    if (!valid) {
      error = entryError(view.t, s, a, row);
      break;
    }
    if (dynamic_) {
      const auto by_state = [](const Transition& x, const Transition& y) { return x.next < y.next; };
      if (!std::is_sorted(row.begin(), row.end(), by_state)) std::sort(row.begin(), row.end(), by_state);
      for (const auto& [next, p] : row) {
        if (new_cols.size() > static_cast<std::size_t>(new_start[r]) && new_cols.back() == next) {
          vals_.back() += p;
        } else {
          new_cols.push_back(static_cast<PetscInt>(next));
          vals_.push_back(p);
        }
      }
      new_start[r + 1] = static_cast<PetscInt>(new_cols.size());
    } else {
      PetscScalar* vals = vals_.data() + row_start_[r];
      const PetscInt* cols = cols_.data() + row_start_[r];
      const PetscInt n = row_start_[r + 1] - row_start_[r];
      std::fill(vals, vals + n, 0.0);
      for (const auto& [next, p] : row) {
        const PetscInt* it = std::lower_bound(cols, cols + n, static_cast<PetscInt>(next));
        if (it == cols + n || *it != next) {
          error = rowName(view.t, s, a) + " moves to state " + std::to_string(next) +
                  ", outside the support the model declared";
          break;
        }
        vals[it - cols] += p;
      }
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

  if (dynamic_) {
    // A new matrix from the CSR arrays, pattern and values at once: cheaper than comparing
    // patterns and inserting row by row, and the pattern usually moves with the prices anyway.
    P_.reset();  // it points into the arrays replaced below
    row_start_ = std::move(new_start);
    cols_ = std::move(new_cols);
    createFromArrays();
    filled_ = true;
    return;
  }
  if (!filled_ || !refillInPlace()) {
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
  // Every rank sees the same keys in the same order, so the budget decision agrees across ranks
  // when it is made on the global size.
  const std::size_t bytes = cols_.size() * (sizeof(PetscInt) + sizeof(PetscScalar));
  if (cacheable_ && parallel::max(layout_.comm(), static_cast<double>(cache_bytes_ + bytes)) <= budget_) {
    PetscMat copy;
    MFG_PETSC_CALL(MatDuplicate(P_, MAT_COPY_VALUES, copy.out()));
    current_ = copy;
    cache_bytes_ += bytes;
    cache_.emplace(cacheKey(view.t, view.z), std::move(copy));
  }
}

}  // namespace mfg
