#pragma once
// IPPO and RIPPO (docs/methods.md §14): independent PPO learners acting in sampled mean-field
// sequences (SampledEnvironment), the population playing the mode of the learners' policy.
//
// Each iteration: the sequences are redrawn under the current population; every learner plays a
// rollout chunk of `rollout` steps (episodes continue across chunks and iterations); advantages by
// GAE (λ 0.95) per learner, normalised over the whole batch; then `epochs` passes over the batch in
// `minibatches` minibatches, each step minimising the clipped surrogate − c_H · entropy for the
// actor and the clipped value loss for the critic (separate networks, separate Adam optimisers,
// each gradient clipped to global norm `clip_norm`), the learning rate decaying linearly over the
// whole run.
//
// The actor is the policy network of SPG/RSPG (state embedding ‖ shared-observation embedding →
// trunk), so it is evaluated by the same exact exploitability. RIPPO's actor and critic are
// RSPG's recurrent network: a GRU(128) over the shared observations the learner has seen in its
// episode, trained by backpropagation through time over the rollout chunk (the GRU state at the
// chunk's start is kept, detached).
//
// Parallel: learners and particles are split across ranks; every minibatch is a set of global
// sample indices drawn identically on every rank, each rank adds the loss of its own samples,
// and one MPI_Allreduce sums the actor's and critic's gradients, so the parameters stay bitwise
// identical on every rank.
#include <mpi.h>

#include <memory>

#include "solver/learn/PolicyNetwork.hpp"
#include "solver/learn/Trainer.hpp"
#include "solver/rl/SampledEnvironment.hpp"

namespace mfg::rl {

struct PpoSettings {
  bool recurrent = false;       ///< RIPPO
  int paths = 8;                ///< slots (noise paths in flight)
  int learners_per_path = 16;
  std::int64_t particles = 10000;
  int rollout = 64;
  int minibatches = 8;
  int epochs = 4;
  double clip = 0.2;
  double value_clip = 0.2;
  double entropy = 0.01;        ///< coefficient of the entropy bonus
  double lambda = 0.95;
  double learning_rate = 3e-4;
  double final_lr_fraction = 0.1;
  double clip_norm = 0.5;
  long iterations = 100;
  std::uint64_t seed = 0;
  int groups = 0;               ///< rank groups of the evaluation (0: automatic)
  int eval_paths = 0;           ///< paths of the clairvoyant evaluation (0: `paths`)
  bool state_as_index = true;
  int beta_head = -1;           ///< −1: on for the ordered consumption grids of macro and krusell_smith
  bool float64 = false;
};

class PpoTrainer : public Trainer {
 public:
  PpoTrainer(const Model& model, MPI_Comm world, PpoSettings settings);
  ~PpoTrainer() override;

  void setup() override;
  /// One rollout and update; returns the rollout's mean reward per learner step.
  double iterate() override;
  TrainEvaluation evaluate(std::size_t max_nodes = 20000) override;
  PathSnapshot snapshot(int paths, std::vector<int> times) override;
  void save(const std::string& path, const std::map<std::string, torch::Tensor>& extra = {}) const override;
  void load(const std::string& path, std::map<std::string, torch::Tensor>* extra = nullptr) override;
  long iteration() const override { return iteration_; }

  PolicyNetwork& actor() { return actor_; }
  PolicyNetwork& critic() { return critic_; }
  const PpoSettings& settings() const { return settings_; }

 private:
  struct Batch;
  /// The population's rule: o_t from the view, then the mode of the actor in every state.
  PopulationRuleFactory population();
  Batch rollout();
  void update(Batch& batch);
  /// Observation embeddings of the chunk for one network, [steps, slots, E], from the chunk's
  /// observations and episode starts (the GRU restarts where an episode does).
  torch::Tensor chunkEmbeddings(PolicyNetwork& net, const Batch& batch, const torch::Tensor& start_hidden);
  std::string identity() const;
  torch::Dtype dtype() const { return settings_.float64 ? torch::kFloat64 : torch::kFloat32; }

  const Model& model_;
  MPI_Comm world_;
  PpoSettings settings_;
  int observation_size_ = 0;
  PolicyNetwork actor_{nullptr}, critic_{nullptr};
  std::unique_ptr<torch::optim::Adam> actor_adam_, critic_adam_;
  std::unique_ptr<SampledEnvironment> env_;
  torch::Tensor actor_hidden_, critic_hidden_;  ///< RIPPO: GRU state per slot [1, slots, H], carried across chunks
  long iteration_ = 0;
};

}  // namespace mfg::rl
