#pragma once
// Structural policy gradient (SPG) and its recurrent version (RSPG), docs/methods.md §6.
//
// Each iteration samples N noise paths (from the seed and the iteration number, so a resumed run
// draws the same paths). The paths are split across rank groups and, inside a group, the states
// across ranks. For its paths a group rolls the mean field forward under π_θ evaluated on every
// state (ExactEngine::forward with a policy rule: o_t is known once μ_t is), runs the exact
// evaluation backward pass, and differentiates the surrogate
//     L(θ) = −(1/N) Σ_j Σ_t γ^t Σ_s μ_{t,j}(s) Σ_a π_θ(a | s, o^j_{0:t}) Q_{t,j}(s, a)
// (μ and Q detached) on its own states. One MPI_Allreduce sums the flattened gradient; every rank
// then clips it to global norm 1, and takes the same Adam step with a learning rate decaying
// linearly to 0.1× over the run, so θ stays bitwise identical on all ranks.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parallel/RankGroups.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/learn/NetworkEvaluation.hpp"
#include "solver/learn/PolicyNetwork.hpp"
#include "solver/learn/Trainer.hpp"

namespace mfg {

struct TrainSettings {
  bool recurrent = false;          ///< rspg
  int paths = 8;                   ///< N per iteration
  double learning_rate = 1e-3;
  double final_lr_fraction = 0.1;  ///< the rate decays linearly to this fraction at the last iteration
  double clip_norm = 1.0;
  long iterations = 100;
  std::uint64_t seed = 0;
  int groups = 0;                  ///< rank groups (0: automatic)
  int eval_paths = 0;              ///< paths of the clairvoyant evaluation (0: `paths`)
  bool state_as_index = true;
  int beta_head = -1;              ///< −1: on for the ordered consumption grids of macro and krusell_smith
  bool float64 = false;            ///< network in double precision (tests)
  /// The rollout keeps the trunk's activations for the gradient when they fit in this many MiB per
  /// rank (about T · paths · |S| · (2 · 128 + 2|A|) floats); otherwise the surrogate evaluates the
  /// network a second time, in batches. 0 always evaluates again.
  double activation_memory_mb = 1024.0;
  long inject_nan_at = -1;         ///< fault injection for the divergence tests: NaN gradient at this iteration
};

/// Wall seconds of an iteration's parts, summed over the run on this rank.
struct TrainPhases {
  double rollout = 0.0;     ///< forward pass of the mean field with the network deciding each level
  double evaluation = 0.0;  ///< the exact backward pass evaluating π_θ (Q)
  double gradient = 0.0;    ///< the surrogate's backward pass through the network (allreduce excluded)
};

class PolicyGradientTrainer : public Trainer {
 public:
  PolicyGradientTrainer(const Model& model, MPI_Comm world, TrainSettings settings);
  ~PolicyGradientTrainer() override;

  /// Initialises θ from the seed on rank 0 and broadcasts it; creates the optimiser.
  void setup() override;
  /// One gradient step on fresh paths; returns J = (1/N) Σ_j Σ_s μ_0(s) V^π_{0,j}(s).
  double iterate() override;
  /// Clairvoyant exploitability on a fixed set of evaluation paths, and the exact
  /// non-anticipative one on the enumerated tree when the model's tree has at most `max_nodes`.
  TrainEvaluation evaluate(std::size_t max_nodes = 20000) override;

  /// ∇J from the surrogate (summed over ranks) at the current θ for the paths of `seed`, and
  /// J for those paths; no optimiser step (for the finite-difference test).
  torch::Tensor gradient(std::uint64_t path_seed, double* objective = nullptr);
  /// J for the paths of `path_seed` at the current θ (no gradient).
  double objective(std::uint64_t path_seed);
  /// J of one agent playing the network with parameters `agent` (flat) inside the population that
  /// the current θ generates on the paths of `path_seed`: the function whose gradient in `agent`,
  /// at agent = θ, the surrogate gives (the mean field does not move with the agent).
  double agentObjective(std::uint64_t path_seed, const torch::Tensor& agent);

  /// The network as a policy rule on any tree of `engine`, deciding a level's nodes in one batch
  /// (the GRU state follows each node's parent). With `observations`, o_t of every node is kept.
  ExactEngine::LevelRule ruleFor(const ExactEngine& engine,
                                 std::shared_ptr<std::vector<std::vector<double>>> observations = nullptr);
  /// The network along one path of any length, a step at a time and without a scenario tree (the
  /// law-of-motion simulation, solver/aggregate): each call reads o_t from the view of μ_t and z_t
  /// and fills π_t on the rows of `layout`. The GRU state (RSPG) is carried from call to call, so a
  /// recurrent policy sees the whole simulated history o_0..o_t.
  std::function<void(const MeanFieldView&, std::vector<double>&)> sequentialRule(const parallel::StateLayout& layout);
  /// Settings recorded in a checkpoint (algorithm, state encoding, head, precision), so that a
  /// trainer can be rebuilt to read it back; InputError when the file is not a checkpoint.
  static TrainSettings settingsOf(const std::string& checkpoint);

  /// The policy on the first evaluation paths, for plots.
  PathSnapshot snapshot(int paths, std::vector<int> times) override;

  long iteration() const override { return iteration_; }
  PolicyNetwork& network() { return net_; }
  const TrainSettings& settings() const { return settings_; }
  int observationSize() const { return observation_size_; }
  const TrainPhases& phases() const { return phases_; }

  /// Checkpoint: θ, Adam state, iteration and the caller's `extra` tensors (e.g. the history),
  /// written by rank 0 to a temporary file and renamed, so a checkpoint is never half-written.
  void save(const std::string& path, const std::map<std::string, torch::Tensor>& extra = {}) const override;
  /// Restores a checkpoint on every rank; `extra` names the tensors to read back.
  void load(const std::string& path, std::map<std::string, torch::Tensor>* extra = nullptr) override;
  /// Only the policy network (and the iteration) of a checkpoint of any learner of `mfg train`
  /// (SPG, RSPG, IPPO, RIPPO, M-OMD all store it at the top level), for certificates and reports;
  /// the trainer must be built with settingsOf(path). InputError when the checkpoint belongs to
  /// another model, parameters or network.
  void loadPolicy(const std::string& path);

 private:
  struct Rollout;
  /// Forward rollout and evaluation on this group's share of `histories`, optionally with the
  /// surrogate's backward pass; returns this group's Σ_j J_j (on every rank of the group).
  double run(const std::vector<std::vector<std::vector<double>>>& histories, bool differentiate,
             const torch::Tensor* agent = nullptr);
  /// True when the rollout's trunk activations of `paths` paths on the states of `layout` fit in
  /// activation_memory_mb on every rank of the group (collective over the group).
  bool keepsActivations(int paths, const parallel::StateLayout& layout) const;
  /// The surrogate's gradient from the rollout's kept activations (no second network evaluation);
  /// `weights(ids, dtype)` gives ∂L/∂π for the nodes `ids`, `observation(j, t)` the o_t of path j.
  void backwardFromActivations(const TrunkActivations& kept,
                               const std::function<torch::Tensor(const std::vector<int>&, torch::Dtype)>& weights,
                               const std::function<const std::vector<double>&(int, int)>& observation, int P,
                               std::int64_t first_state, std::int64_t last_state);
  NetworkOnModel onModel() const { return NetworkOnModel(model_, world_, net_, observation_size_); }
  /// What a checkpoint must match: model, parameters, algorithm and network shape.
  std::string identity() const;
  torch::Dtype dtype() const { return settings_.float64 ? torch::kFloat64 : torch::kFloat32; }

  const Model& model_;
  MPI_Comm world_;
  TrainSettings settings_;
  int observation_size_ = 0;
  PolicyNetwork net_{nullptr};
  std::unique_ptr<torch::optim::Adam> adam_;
  std::shared_ptr<TrunkActivations> activations_;  ///< the rollout's kept activations (buffers reused)
  long iteration_ = 0;
  TrainPhases phases_;
};

}  // namespace mfg
