#pragma once
// P_t as a distributed PETSc AIJ matrix: one row per (s,a), state-major (row s·|A| + a), one column
// per s'. The sparsity pattern is the model's declared support, preallocated exactly once; values
// are refilled in place whenever the kernel depends on t or on the mean field. A model with a
// dynamic support (Model::dynamicSupport) has its pattern taken from the assembled rows, and the
// matrix is re-created, exactly preallocated, only when that pattern changes.
#include <map>
#include <span>
#include <vector>

#include "parallel/StateLayout.hpp"
#include "solver/engine/PetscObjects.hpp"
#include "solver/models/Model.hpp"

namespace mfg {

class KernelMatrix {
 public:
  KernelMatrix(const Model& model, const parallel::StateLayout& layout);
  ~KernelMatrix() {
    cache_.clear();
    kept_.clear();
    P_.reset();  // before the arrays a dynamic pattern's matrix points into
  }
  KernelMatrix(const KernelMatrix&) = delete;
  KernelMatrix& operator=(const KernelMatrix&) = delete;

  /// True when P_t is the same matrix at every step and for every mean field.
  bool isStatic() const { return static_; }
  bool isFilled() const { return filled_; }

  /// Refills the values of P_t for `view` and checks that every owned row is a distribution
  /// (non-negative, sums to 1 within 1e-12); a bad row is an InputError on every rank, naming
  /// the step, state and action.
  void assemble(const MeanFieldView& view);

  /// Makes the kernel of (t, z) current when it depends on nothing else and is already in the
  /// cache; false otherwise (then assemble). Lets the engine skip building a mean-field view
  /// (a gather of μ on every rank) for a kernel it would only look up.
  bool reuseCached(int t, std::span<const double> z);

  Mat mat() const { return current_ ? current_ : P_.get(); }

  /// Kernels that depend on the mean field, kept from a forward pass for the backward pass that
  /// follows it against the same flow and policy (ExactEngine::exploitability): the backward
  /// sweep then reads them back instead of assembling each one a second time. Kept within the
  /// same per-rank budget as the (t, z) cache (a model uses one or the other; PETSc option
  /// `-mfg_kernel_memory_mb`, default 1024), dropped on scope exit.
  class KeepScope {
   public:
    explicit KeepScope(KernelMatrix& kernel) : kernel_(kernel) { kernel_.dropKept(); kernel_.keeping_ = true; }
    ~KeepScope() { kernel_.keeping_ = false; kernel_.dropKept(); }
    KeepScope(const KeepScope&) = delete;
    KeepScope& operator=(const KeepScope&) = delete;
   private:
    KernelMatrix& kernel_;
  };
  /// Inside a KeepScope: keeps a copy of the matrix just assembled for `node` (collective).
  void keep(int node);
  /// Makes the kernel kept for `node` current; false when there is none.
  bool recall(int node);
  std::int64_t localNonzeros() const { return static_cast<std::int64_t>(cols_.size()); }

 private:
  std::string rowName(int t, std::int64_t s, std::int64_t a) const;
  /// The message for the first invalid entry of a row (a successor outside [0, |S|) or a
  /// probability that is negative, NaN or infinite).
  std::string entryError(int t, std::int64_t s, std::int64_t a, const std::vector<Transition>& row) const;
  void createMatrix();
  /// Writes vals_ straight into the assembled AIJ arrays; false where that is not possible.
  bool refillInPlace();
  enum class InPlace { Unknown, Yes, No };
  InPlace in_place_ = InPlace::Unknown;
  /// A dynamic pattern's matrix built on the CSR arrays themselves (no copy, no row-by-row
  /// insertion); the arrays must outlive it.
  void createFromArrays();

  const Model& model_;
  const parallel::StateLayout& layout_;
  bool static_;
  bool dynamic_;
  bool filled_ = false;
  PetscMat P_;
  std::vector<PetscInt> row_start_;  ///< CSR pattern of the owned rows (global column indices)
  std::vector<PetscInt> cols_;
  std::vector<PetscScalar> vals_;
  /// Kernels that depend only on (t, z), not on the mean field, are kept once assembled (up to a
  /// memory budget): a tree or a batch of paths revisits the same few (t, z) many times.
  bool cacheable_ = false;
  std::size_t budget_;  ///< bytes per rank of the cache or of the kept kernels (-mfg_kernel_memory_mb)
  using CacheKey = std::pair<int, std::vector<double>>;
  CacheKey cacheKey(int t, std::span<const double> z) const {
    return {model_.kernelDependsOnTime() ? t : -1, std::vector<double>(z.begin(), z.end())};
  }
  std::map<CacheKey, PetscMat> cache_;
  std::size_t cache_bytes_ = 0;
  Mat current_ = nullptr;
  bool keeping_ = false;
  std::map<int, PetscMat> kept_;
  std::size_t kept_bytes_ = 0;
  void dropKept() {
    for (const auto& entry : kept_)
      if (current_ == entry.second.get()) current_ = nullptr;
    kept_.clear();
    kept_bytes_ = 0;
  }
  struct Split {
    std::vector<PetscInt> di, dj;
    std::vector<PetscScalar> da;
    std::vector<PetscInt> oi, oj;
    std::vector<PetscScalar> oa;
  } split_;  ///< the arrays of a dynamic pattern's MPIAIJ blocks on more than one rank
};

}  // namespace mfg
