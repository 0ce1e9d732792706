#pragma once
// The model interface (docs/models.md, docs/README.md): a finite-horizon MFG on a finite individual state space.
// Models are pure functions of (t, s, a, mean field); they know nothing of MPI or PETSc, so the
// same model object serves the distributed engine and the dense references in the tests.
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "solver/models/Parameters.hpp"

namespace mfg {

/// One entry (s', p) of a kernel row P_t(.|s,a).
struct Transition {
  std::int64_t next;
  double prob;
};

/// What a model's kernel and reward may read at step t. Arrays are global (all states), so that a
/// model never needs to know how states are partitioned.
struct MeanFieldView {
  int t = 0;
  std::span<const double> mu;       ///< μ_t, size |S|
  std::span<const double> mu_next;  ///< μ_{t+1}, size |S| (empty while μ_{t+1} is not known)
  std::span<const double> L;        ///< L_t(s,a) state-major, size |S||A| (only if usesStateAction())
  std::span<const double> stats;    ///< model-defined aggregates of (μ_t, μ_{t+1}, L_t), see aggregate()
  std::span<const double> z;        ///< common noise z_t (empty for models without noise)
  std::span<const double> z_next;   ///< z_{t+1} (known in backward passes; empty in forward passes)
};

/// One outcome of the common noise with its (conditional) probability.
struct NoiseOutcome {
  std::vector<double> z;
  double prob;
};

/// The law of the common noise z_0, z_1, ..., z_T (docs/models.md §1). Finite processes list the
/// outcomes of z_{t+1} given the history; continuous ones are sampled.
class NoiseProcess {
 public:
  virtual ~NoiseProcess() = default;
  /// False for continuous processes, which can only be sampled (initial() and next() throw).
  virtual bool finite() const { return true; }
  virtual std::vector<NoiseOutcome> initial() const = 0;
  /// Outcomes of z_{t+1} given z_0..z_t (`history.size() == t + 1`).
  virtual std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>& history) const = 0;

  /// One draw of z_0 / of z_{t+1} given the history. The finite default walks the outcomes with a
  /// uniform built from the raw 64-bit output, so that draws are the same on every platform.
  virtual std::vector<double> sampleInitial(std::mt19937_64& rng) const { return pick(initial(), rng); }
  virtual std::vector<double> sampleNext(const std::vector<std::vector<double>>& history,
                                         std::mt19937_64& rng) const {
    return pick(next(history), rng);
  }

  /// A uniform draw in [0, 1) from the top 53 bits of one output.
  static double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

 protected:
  static std::vector<double> pick(const std::vector<NoiseOutcome>& outcomes, std::mt19937_64& rng);
};

class Model {
 public:
  virtual ~Model() = default;

  virtual std::string name() const = 0;
  virtual std::vector<std::int64_t> stateShape() const = 0;
  virtual std::vector<std::int64_t> actionShape() const = 0;
  /// Number of decision steps: a policy has this many slices, the mean-field flow one more.
  virtual int numSteps() const = 0;
  virtual double discount() const = 0;
  virtual std::vector<double> initialDistribution() const = 0;
  /// μ_0 when it depends on the initial common noise (e.g. beach_bar's bar position).
  virtual std::vector<double> initialDistribution(const std::vector<double>& /*z0*/) const {
    return initialDistribution();
  }

  /// Superset of the successors of (s,a) over every step and mean field, ascending and unique.
  /// It fixes the sparsity pattern that the engine preallocates exactly and refills in place.
  virtual void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const = 0;
  /// Kernel row P_t(.|s,a; view); entries may repeat a successor (they are added).
  virtual void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                           std::vector<Transition>& out) const = 0;
  virtual double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const = 0;
  /// R_t(s, a) for the states [first, last) and every action, state-major: out[(s - first)·|A| + a].
  /// The engine reads rewards through this, a block of states at a time, instead of one virtual
  /// call per row; a model overrides it when the actions of a state share work (e.g. a term in
  /// μ_t(s)). It must equal reward() entry by entry, bit for bit. The default calls reward().
  virtual void rewardBlock(const MeanFieldView& v, std::int64_t first, std::int64_t last, double* out) const;

  /// Aggregates of the mean field that the kernel and reward read (e.g. the mean state), computed
  /// once per step on global arrays instead of once per (s,a).
  virtual void aggregate(const MeanFieldView& /*v*/, std::vector<double>& stats) const { stats.clear(); }

  /// The value of each (flat) action when actions are points on a line, e.g. moves -5..5 or
  /// consumption shares; empty when they are only labels. Plots put these values on their axes.
  virtual std::vector<double> actionValues() const { return {}; }

  /// The common noise, or nullptr for models without it.
  virtual const NoiseProcess* noise() const { return nullptr; }
  /// The shared observation o_t (a function of μ_t and z_t); empty for models without one.
  virtual std::vector<double> observation(const MeanFieldView& /*v*/) const { return {}; }

  // What the engine must provide; every flag that is false lets it skip work.
  virtual bool kernelDependsOnTime() const { return false; }
  virtual bool kernelDependsOnMeanField() const { return false; }
  virtual bool kernelDependsOnNoise() const { return false; }
  virtual bool usesStateAction() const { return false; }  ///< kernel or reward reads L_t
  virtual bool rewardUsesNext() const { return false; }   ///< reward reads μ_{t+1}
  /// True when transitions(), reward() and rewardBlock() of a state s read μ_t, μ_{t+1} and L_t
  /// only at s (e.g. a congestion term log μ_t(s)), and aggregate() and observation() read none
  /// of them. The engine then does not gather the mean field onto every rank: the view's arrays
  /// hold the states of the row being asked (other entries are NaN).
  virtual bool readsMeanFieldAtOwnStateOnly() const { return false; }
  /// True when the successors of (s,a) move with the mean field or noise (e.g. a wealth grid point
  /// that depends on prices): support() is then not used and the engine rebuilds the sparsity
  /// pattern from the rows whenever it changes.
  virtual bool dynamicSupport() const { return false; }

  const ParameterSet& parameters() const { return params_; }

  std::int64_t numStates() const;
  std::int64_t numActions() const;

 protected:
  explicit Model(ParameterSet params) : params_(std::move(params)) {}
  ParameterSet params_;
};

/// Expands the support of every (s,a) for small models: all states.
void denseSupport(std::int64_t num_states, std::vector<std::int64_t>& cols);

}  // namespace mfg
