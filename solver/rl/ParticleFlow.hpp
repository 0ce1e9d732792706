#pragma once
// Sampled mean-field sequences of the sample-based baselines (docs/methods.md §14): along one noise
// path z_0..z_T, M particles start from μ_0(z_0) and move by the model's kernel under a
// deterministic population policy (the mode of the learners' policy, as in the RSPG paper); the
// empirical distribution μ̂_t of the particles stands in for μ_t. Learners then act against the
// frozen sequence, reading the kernel and the reward through the views it provides.
//
// Particles are split across the ranks of the communicator (contiguous blocks); particle k's
// draws come from a counter-based generator keyed by (seed, k, t), and the histograms are summed
// as integers, so the sequence is the same, bit for bit, on any number of ranks.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "solver/models/Model.hpp"

namespace mfg::rl {

/// A frozen sampled sequence: μ̂_t for t = 0..T and what the kernel and reward of step t read.
struct SampledSequence {
  std::vector<std::vector<double>> z;             ///< z_0..z_T (empty vectors without noise)
  std::vector<std::vector<double>> mu;            ///< μ̂_0..μ̂_T, all states
  std::vector<std::vector<std::int64_t>> action;  ///< the population's action per state, t < T
  std::vector<std::vector<double>> observation;   ///< o_t, t < T (the learners' shared observation)
  std::vector<std::vector<double>> L;             ///< L̂_t(s,a) = μ̂_t(s) 1[a = action_t(s)], t < T (models that read L)
  std::vector<std::vector<double>> kernel_stats;  ///< aggregates of the kernel's view at t
  std::vector<std::vector<double>> reward_stats;  ///< aggregates of the reward's view at t (μ̂_{t+1}, z_{t+1} known)
  bool reward_uses_next = false;                  ///< the model's reward reads μ_{t+1}

  int steps() const { return static_cast<int>(mu.size()) - 1; }
  /// What P_t(·|s,a) reads (as in the engine's forward pass: μ_{t+1} and z_{t+1} unknown).
  MeanFieldView kernelView(int t) const;
  /// What R_t(s,a) reads (as in the engine's backward pass).
  MeanFieldView rewardView(int t) const;
};

/// The population's action in every state at step t (`action` has |S| entries), given the view
/// of (μ̂_t, z_t) from which the shared observation o_t is read; it returns o_t.
using PopulationRule =
    std::function<std::vector<double>(int t, const MeanFieldView& view, std::vector<std::int64_t>& action)>;

class ParticleFlow {
 public:
  /// `particles` in all, split across the ranks of `comm`.
  ParticleFlow(const Model& model, MPI_Comm comm, std::int64_t particles);

  /// The sequence along `z` (z_0..z_T, or T + 1 empty vectors without noise). Collective on `comm`.
  SampledSequence sample(const std::vector<std::vector<double>>& z, std::uint64_t seed,
                         const PopulationRule& rule) const;

  std::int64_t particles() const { return particles_; }

  /// A uniform draw in [0, 1) keyed by (seed, stream, step): counter-based, so any rank can draw
  /// any particle's or learner's numbers without sharing a generator.
  static double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t step);
  /// Index of the entry where the running sum of `weights` first exceeds u·Σ weights.
  static std::int64_t pick(const double* weights, std::int64_t n, double u);

 private:
  const Model& model_;
  MPI_Comm comm_;
  std::int64_t particles_;
  std::int64_t first_ = 0, last_ = 0;  ///< this rank's particles
};

}  // namespace mfg::rl
