#pragma once
// Munchausen online mirror descent with a Q-network (M-OMD, docs/methods.md §14), acting in the
// sampled mean-field sequences of SampledEnvironment, the population playing the mode of the
// learners' policy π = softmax(Q/τ).
//
// Each iteration: π_prev ← the current network (the policy the population and the Munchausen
// term refer to); the sequences are redrawn under the current population; every learner plays
// `rollout` ε-greedy steps (ε decaying linearly from 1.0 to 0.1 over the run; episodes continue
// across iterations) into a replay memory of `replay` transitions; then `updates` gradient steps on
// minibatches of `batch` transitions drawn uniformly from it, regressing Q(s, a) on the Munchausen
// target (rl::munchausenTarget) with the Huber loss; the target network is refreshed every
// `target_every` gradient steps.
//
// The Q-network is the policy network of SPG/RSPG (feed-forward) whose logits are read as Q/τ: its
// softmax is then M-OMD's policy, so the same exact exploitability judges it. On macro it acts on
// the 20 grid actions (no Beta head).
//
// Parallel: learners and particles are split across ranks; the replay memory is too (each rank
// keeps its own learners' transitions, indexed globally by (row, learner)); minibatches are global
// index sets drawn identically on every rank; one MPI_Allreduce of the gradients per step keeps the
// parameters bitwise identical on every rank.
#include <mpi.h>

#include <memory>

#include "solver/learn/PolicyNetwork.hpp"
#include "solver/learn/Trainer.hpp"
#include "solver/rl/Munchausen.hpp"
#include "solver/rl/SampledEnvironment.hpp"

namespace mfg::rl {

struct MomdSettings {
  int paths = 8;
  int learners_per_path = 16;
  std::int64_t particles = 10000;
  int rollout = 64;                ///< environment steps per learner and iteration
  int updates = 32;                ///< gradient steps per iteration
  int batch = 256;                 ///< transitions per gradient step (all ranks together)
  std::int64_t replay = 300000;    ///< capacity of the replay memory, in transitions
  int target_every = 200;          ///< gradient steps between target-network refreshes
  double epsilon_start = 1.0, epsilon_end = 0.1;
  double tau = 1.0;                ///< temperature of π = softmax(Q/τ)
  double alpha = 0.9;              ///< weight of the Munchausen term
  double learning_rate = 3e-4;
  double final_lr_fraction = 0.1;
  double clip_norm = 10.0;
  long iterations = 100;
  std::uint64_t seed = 0;
  int groups = 0;
  int eval_paths = 0;
  bool state_as_index = true;
  bool float64 = false;
};

class MomdTrainer : public Trainer {
 public:
  MomdTrainer(const Model& model, MPI_Comm world, MomdSettings settings);
  ~MomdTrainer() override;

  void setup() override;
  /// One rollout into the replay memory and `updates` gradient steps; returns the rollout's mean
  /// reward per learner step.
  double iterate() override;
  TrainEvaluation evaluate(std::size_t max_nodes = 20000) override;
  PathSnapshot snapshot(int paths, std::vector<int> times) override;
  void save(const std::string& path, const std::map<std::string, torch::Tensor>& extra = {}) const override;
  void load(const std::string& path, std::map<std::string, torch::Tensor>* extra = nullptr) override;
  long iteration() const override { return iteration_; }

  PolicyNetwork& network() { return q_; }
  const MomdSettings& settings() const { return settings_; }
  /// ε of the iteration about to run.
  double epsilon() const;
  /// Transitions held in the replay memory (all ranks).
  std::int64_t stored() const;

 private:
  struct Replay;
  PopulationRuleFactory population();
  double collect();
  void learn();
  std::string identity() const;
  torch::Dtype dtype() const { return settings_.float64 ? torch::kFloat64 : torch::kFloat32; }

  const Model& model_;
  MPI_Comm world_;
  MomdSettings settings_;
  int observation_size_ = 0;
  PolicyNetwork q_{nullptr}, target_{nullptr}, previous_{nullptr};
  std::unique_ptr<torch::optim::Adam> adam_;
  std::unique_ptr<SampledEnvironment> env_;
  std::unique_ptr<Replay> replay_;
  long iteration_ = 0;
  std::int64_t steps_taken_ = 0;  ///< gradient steps so far (target refreshes count them)
};

}  // namespace mfg::rl
