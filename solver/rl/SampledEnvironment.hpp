#pragma once
// The world the sample-based learners act in (docs/methods.md §14): `paths` slots, each holding one
// episode along a noise path with its sampled mean-field sequence (ParticleFlow), and
// `learners_per_path` independent learners per slot. All learners of a slot start their episode
// together, so a slot has one clock t; when the episode ends (t = T) the slot draws a new noise
// path and its learners restart from μ_0. Episodes outlive training iterations (macro's 128 steps
// span two 64-step rollouts): learners advance in time and never restart at t = 0 on every
// rollout. At each iteration the sequences are redrawn under the current population policy, the
// noise paths kept.
//
// Learners are split across the ranks (contiguous blocks of the global index g; slot g / L);
// particles too. Every random draw is keyed by (seed, learner or particle, clock), so the data
// are the same on any number of ranks.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "solver/rl/ParticleFlow.hpp"

namespace mfg::rl {

struct EnvironmentSettings {
  int paths = 8;                  ///< slots, each an episode along one noise path
  int learners_per_path = 16;
  std::int64_t particles = 10000; ///< per sampled sequence
  std::uint64_t seed = 0;
};

/// Makes a fresh population rule (a recurrent one carries a GRU state along one sequence).
using PopulationRuleFactory = std::function<PopulationRule()>;

class SampledEnvironment {
 public:
  SampledEnvironment(const Model& model, MPI_Comm comm, EnvironmentSettings settings);

  /// Starts every slot's first episode (collective).
  void reset(const PopulationRuleFactory& population);
  /// Redraws every slot's sequence under the current population, keeping noise paths, clocks and
  /// learner states (collective; called at the start of each training iteration).
  void refresh(const PopulationRuleFactory& population);

  /// This rank's learners: global indices [first, last).
  std::int64_t first() const { return first_; }
  std::int64_t last() const { return last_; }
  std::int64_t learners() const { return static_cast<std::int64_t>(settings_.paths) * settings_.learners_per_path; }
  int slotOf(std::int64_t g) const { return static_cast<int>(g / settings_.learners_per_path); }
  int time(int slot) const { return clock_of_slot_[static_cast<std::size_t>(slot)]; }
  std::int64_t state(std::int64_t g) const { return state_[static_cast<std::size_t>(g - first_)]; }
  /// o_t of a slot at its current step.
  const std::vector<double>& observation(int slot) const;
  const SampledSequence& sequence(int slot) const { return sequences_[static_cast<std::size_t>(slot)]; }

  /// Plays `actions` (one per own learner, in order g = first..last−1): rewards R_t(s, a) and the
  /// moves by P_t(·|s, a) on each slot's sequence; done[i] is 1 where the episode ended with this
  /// step. Slots whose episode ended start a new one (collective).
  void step(const std::vector<std::int64_t>& actions, std::vector<double>& rewards, std::vector<char>& done,
            const PopulationRuleFactory& population);

  /// Everything a resumed run needs, the same on every rank: [clock, per slot (t, episode), per
  /// learner state] (collective: gathers the learners' states).
  std::vector<std::int64_t> serialize() const;
  /// Restores from serialize(), then redraws the sequences (collective).
  void restore(const std::vector<std::int64_t>& data, const PopulationRuleFactory& population);

 private:
  void startEpisode(int slot, const PopulationRule& rule);
  void resample(int slot, const PopulationRule& rule);
  void startLearners(int slot);

  const Model& model_;
  MPI_Comm comm_;
  EnvironmentSettings settings_;
  ParticleFlow particles_;
  std::int64_t first_ = 0, last_ = 0;
  std::uint64_t clock_ = 0;  ///< environment steps taken so far (keys the random draws)
  std::vector<int> clock_of_slot_;
  std::vector<std::int64_t> episode_;  ///< episodes started per slot
  std::vector<std::vector<std::vector<double>>> noise_;  ///< each slot's current noise path
  std::vector<SampledSequence> sequences_;
  std::vector<std::int64_t> state_;  ///< own learners' states
};

}  // namespace mfg::rl
