#pragma once
// A policy network (PolicyNetwork) played on the exact engine: as a policy rule on any scenario
// tree, evaluated by exact exploitability, and sampled along a few paths for plots. Shared by every
// learner that trains such a network: the structural ones (SPG, RSPG) and the sample-based
// baselines (solver/rl), so that all of them are judged by the same exact measure.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "solver/engine/ExactEngine.hpp"
#include "solver/learn/PolicyNetwork.hpp"

namespace mfg {

/// SplitMix64 finaliser: decorrelated seeds for (run seed, iteration, path, ...) combinations.
std::uint64_t mixSeed(std::uint64_t x);

/// The N noise histories z_0..z_T of a training or evaluation step, drawn from `seed`; a model
/// without noise has one (empty) history, since every path would be the same chain.
std::vector<std::vector<std::vector<double>>> noiseHistories(const Model& model, int paths, std::uint64_t seed);

/// The shared observation o_t a network reads: the model's observation of (μ_t, z_t), or t / T
/// for a model without one (a policy still needs to know the time).
std::vector<double> sharedObservation(const Model& model, const MeanFieldView& view, int t);
/// Length of o_t, read from the view at t = 0 of the first initial noise outcome.
int sharedObservationSize(const Model& model);

struct TrainEvaluation {
  double clairvoyant = 0.0, ci_low = 0.0, ci_high = 0.0;
  bool has_exact = false;
  double non_anticipative = 0.0;  ///< exact on the enumerated tree, when it fits
};

/// What a network does on a few sampled paths (for plots), gathered on every rank: the noise
/// history, μ_t for t = 0..T, and π at the chosen decision times.
struct PathSnapshot {
  std::vector<std::vector<std::vector<double>>> z;   ///< [path][t]
  std::vector<std::vector<std::vector<double>>> mu;  ///< [path][t][state]
  std::vector<std::vector<std::vector<double>>> pi;  ///< [path][k][state·|A| + a] at times[k]
  std::vector<int> times;
};

/// The network as the population's policy on a model, with the engine work split over `world`.
class NetworkOnModel {
 public:
  NetworkOnModel(const Model& model, MPI_Comm world, PolicyNetwork net, int observation_size)
      : model_(model), world_(world), net_(std::move(net)), observation_size_(observation_size) {}

  /// The network as a policy rule on any tree of `engine`, deciding a level's nodes in one batch
  /// (the GRU state follows each node's parent). With `observations`, o_t of every node is kept;
  /// with `activations`, the trunk's activations of every level ([level, node of the level, ...]),
  /// for a backward pass without a second network evaluation.
  ExactEngine::LevelRule rule(const ExactEngine& engine,
                              std::shared_ptr<std::vector<std::vector<double>>> observations = nullptr,
                              std::shared_ptr<TrunkActivations> activations = nullptr) const;

  /// Clairvoyant exploitability on `histories` (split over `groups` rank groups; 0: automatic),
  /// with its 95% interval, and the exact non-anticipative one on the enumerated tree when the
  /// model's tree has at most `max_nodes`.
  TrainEvaluation evaluate(const std::vector<std::vector<std::vector<double>>>& histories, int groups,
                           std::size_t max_nodes) const;

  /// The flow and policy along `histories` (all ranks), π kept at `times`.
  PathSnapshot snapshot(const std::vector<std::vector<std::vector<double>>>& histories, std::vector<int> times) const;

 private:
  const Model& model_;
  MPI_Comm world_;
  PolicyNetwork net_;
  int observation_size_;
};

}  // namespace mfg
