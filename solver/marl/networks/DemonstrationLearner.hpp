#pragma once
// Learning from demonstrations in finite-player games with networks (docs/methods.md §12):
//   mamql     per player a marginal critic Q̄_i(s, ·), Boltzmann policy π_i ∝ exp Q̄_i,
//             V̄_i = log Σ exp Q̄_i; loss mean_policy[V̄_i(s) − γ(1−d)V̄_i(s')]
//             − mean_expert[φ(Q̄_i(s,a_i) − γ(1−d)V̄_i(s'))], φ(x) = x − x²/4, L2 by Adam's weight
//             decay. Each iteration the players take one step each in a random order, on a batch
//             of expert transitions and a batch of their replay buffer; then one episode of the
//             current policies is played and stored.
//   iq-learn  one critic on the state and the joint action, V = α logsumexp(Q/α), α = 100, the
//             same objective with y = (1−d) γ V(s'); the joint policy ∝ exp(Q/α).
//   bc        per player a classifier of its expert actions (cross-entropy); no rollouts.
// Parallel: every rank draws the same batch indices and computes its slice of the batch; the
// gradients are summed by one MPI_Allreduce per step, so the parameters are the same on every rank.
// Rollouts are played identically on every rank (same generator, same parameters).
#include <mpi.h>
#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "solver/learn/Critic.hpp"
#include "solver/marl/networks/Transitions.hpp"

namespace mfg::marl {

/// kSoftQ is not a learner from demonstrations: independent soft Q-learning with the true rewards of
/// the rollouts, which trains the experts that demonstrate (docs/methods.md §12.5).
enum class IrlMethod { kMamql, kIqLearn, kBc, kSoftQ };
/// "mamql" | "iq-learn" | "bc" | "soft-q"; InputError otherwise.
IrlMethod irlMethodOf(const std::string& name);
std::string nameOf(IrlMethod method);

struct IrlSettings {
  IrlMethod method = IrlMethod::kMamql;
  double gamma = 0.99;
  double learning_rate = 1e-3;
  double weight_decay = 1e-5;
  double iq_alpha = 100.0;   ///< IQ-Learn's temperature
  /// soft-q: temperature α of the Boltzmann policies. The critics learn Q/α (targets r/α + γ V'),
  /// so that every method plays softmax(critic output).
  double soft_q_alpha = 0.1;
  long target_every = 20;    ///< soft-q: iterations between copies of the critics into the targets
  int batch = 256;
  long buffer = 50000;       ///< replay capacity (transitions)
  std::uint64_t seed = 0;
};

class DemonstrationLearner {
 public:
  /// `game` gives the shapes and plays the rollouts; `expert` holds the demonstrations (empty for
  /// soft-q, which learns from the rollouts' rewards).
  DemonstrationLearner(games::MarkovGame& game, TransitionStore expert, const IrlSettings& settings, MPI_Comm comm);

  /// One iteration; returns the mean loss over the players' steps.
  double iterate();
  long iteration() const { return iteration_; }
  /// The mean over players of the last rollout episode's return (0 before any; not for bc).
  double rolloutReturn() const { return rollout_return_; }
  /// The learned policy's joint action (each player samples its Boltzmann policy, soft-q's at
  /// temperature α through the critics' scaling; IQ-Learn samples
  /// the joint softmax).
  std::vector<int> act(const float* observation, games::Rng& rng);
  /// Recovered rewards r̂_i = Q̄_i(s, a_i) − γ(1−d) V̄_i(s') for a batch, [B, N] (IQ-Learn: its one
  /// joint reward for every player; BC: undefined, an empty tensor).
  torch::Tensor recoveredRewards(const TransitionBatch& batch);
  /// The loss of network `k` on an expert batch and a policy batch (ignored by BC), summed over
  /// the rows and divided by `global_batch` (exposed for tests).
  torch::Tensor loss(int k, const TransitionBatch& expert, const TransitionBatch& policy, std::int64_t global_batch);
  /// Network k's outputs for observations [B, obs...] (evaluation mode, no gradient).
  torch::Tensor outputs(int k, const torch::Tensor& observations);
  /// Every parameter of every network, flattened (for rank comparisons).
  torch::Tensor parameters();

  /// Networks, optimisers, iteration, generator and replay buffer; written through a temporary
  /// file by rank 0.
  void save(const std::string& path, MPI_Comm comm) const;
  /// InputError when the file does not match (method, game shapes). Without `with_buffer` the
  /// replay buffer stays as it is (to play a saved policy, not to continue training it).
  void load(const std::string& path, bool with_buffer = true);
  /// The method of the networks saved in `path` (InputError when it is not such a file).
  static IrlMethod methodIn(const std::string& path);

 private:
  double step(int network);
  torch::Tensor values(int network, const torch::Tensor& q) const;  ///< V from Q rows
  torch::Tensor shard(std::int64_t batch) const;  ///< this rank's rows of a global batch
  void refreshTargets();  ///< soft-q: targets ← critics

  games::MarkovGame& game_;
  IrlSettings settings_;
  MPI_Comm comm_;
  int rank_ = 0, ranks_ = 1;
  std::vector<int> action_counts_;
  std::int64_t joint_count_ = 1;
  TransitionStore expert_;
  TransitionStore buffer_;
  std::vector<Critic> critics_;
  std::vector<Critic> targets_;  ///< soft-q: the critics of the bootstrap targets
  std::vector<std::unique_ptr<torch::optim::Adam>> optimisers_;
  games::Rng rng_;
  long iteration_ = 0;
  double rollout_return_ = 0.0;
};

}  // namespace mfg::marl
