#pragma once
// The inverse-RL learners of docs/methods.md §13 on the exact engine: PEMMFIRL (latent agent types),
// MF-AIRL (one reward for everyone), exact MaxEnt MFIRL and behaviour cloning.
//
// Each iteration takes a batch of plays. For every play the reward network is evaluated on the
// whole (t, s, a) grid against the play's empirical flow μ̂, the engine gives the exact soft best
// response π to that table (temperature β of the demonstrations), agents are sampled under π inside
// μ̂ (the "generated" play of the adversarial methods), and the play's loss is differentiated. The
// behaviour-cloning term Σ log π(a_E|s_E) is differentiated through the soft best response exactly:
// its gradient in the reward table is the discounted occupancy of the signed measure
// (expert counts − counts·π), one more forward sweep of the engine (ExactEngine::occupancy).
//
// Parallel: the world is split into rank groups (parallel::RankGroups); each group takes a share of
// the batch's plays and splits the states of the exact passes among its ranks. Each play's gradient
// is rounded to a fixed-point integer vector, and one integer allreduce sums them: integer sums do
// not depend on the order, so the parameters are bitwise the same on every rank and for any number
// of ranks or groups.
#include <mpi.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "parallel/RankGroups.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/irl/Demonstrations.hpp"
#include "solver/irl/Plays.hpp"
#include "solver/irl/RewardTableModel.hpp"
#include "solver/irl/networks/IrlFeatures.hpp"
#include "solver/irl/networks/IrlNetworks.hpp"

namespace mfg::irl {

/// How PEMMFIRL's categorical context starts (docs/methods.md §13.3).
enum class ContextInit {
  Random,  ///< the encoder's random initialisation only
  KMeans,  ///< the encoder is first pulled toward a k-means clustering of the plays' summaries
};

struct IrlSettings {
  IrlMethod method = IrlMethod::Pemmfirl;
  double learning_rate = 1e-3;
  int batch_plays = 16;        ///< plays per iteration (0: all)
  double c_info = 0.1;         ///< weight of the information terms (PEMMFIRL)
  double c_imit = 0.01;        ///< weight of behaviour cloning through the soft best response (PEMMFIRL)
  int latent = 3;              ///< Gaussian context dimension (PEMMFIRL without --types)
  int types = 0;               ///< K > 0: categorical context over K types (PEMMFIRL)
  /// > 0: PEMMFIRL's number of types read off the plays ("--types auto"), at most this many;
  /// `types` is then set by the learner (docs/methods.md §13.3).
  int max_types = 0;
  double type_dispersion_threshold = 1.5;  ///< the dispersion at which a number of types explains the plays
  ContextInit context_init = ContextInit::KMeans;  ///< categorical context only
  int context_warmup = 50;     ///< iterations over which the k-means pull fades to zero
  int hidden = 64;
  std::uint64_t seed = 0;
  int groups = 0;              ///< rank groups (0: one per rank, at most one per play of a batch)
  /// Agents of a generated play (0: as many as a demonstrated one, at most 64); the discriminator
  /// reads as many expert transitions, drawn from the play, as generated ones.
  std::int64_t generated_agents = 0;
};

struct IrlIterationRecord {
  int iteration = 0;
  double discriminator_loss = 0.0;  ///< −E_E log D − E_G log(1 − D) (adversarial methods)
  double info_loss = 0.0;           ///< −E log q(m̂ | generated play) (PEMMFIRL)
  double expert_nll = 0.0;          ///< −(1/T) Σ_t E_E log π_t(a|s), π the soft best response (or π_θ for bc)
  double seconds = 0.0;             ///< wall time of the iteration (rank 0)
  double exact_seconds = 0.0;       ///< of which in the exact passes (soft best response, occupancy, gathers)
};

class IrlLearner {
 public:
  /// `model`: the dynamics the learner assumes (the demonstrations' model and parameters).
  IrlLearner(const Model& model, const Demonstrations& demos, const IrlSettings& settings, MPI_Comm world);
  ~IrlLearner();

  /// One iteration: the batch's gradient, then one Adam step.
  IrlIterationRecord step();
  /// The batch's loss gradient at the current parameters (summed over the ranks, in the order of
  /// flatParameters()) without a step; `record` gets the iteration's losses.
  std::vector<double> gradient(IrlIterationRecord* record = nullptr);
  int iteration() const { return iteration_; }
  /// The k-means cluster of every play that starts the categorical context (empty when not used).
  const std::vector<int>& startClusters() const { return start_clusters_; }
  /// "--types auto": the dispersion of the k-means into k = 1, 2, … types (empty otherwise).
  const std::vector<double>& typeDispersion() const { return type_dispersion_; }
  /// Every iteration's record since the start (kept in the checkpoint, so a resumed run continues it).
  const std::vector<IrlIterationRecord>& history() const { return history_; }
  const IrlSettings& settings() const { return settings_; }
  double temperature() const { return demos_.beta; }
  const IrlFeatures& features() const { return features_; }

  /// The context the reward reads for a play (no gradient): the one-hot of the most likely type, or
  /// the Gaussian mean; empty without a context.
  torch::Tensor contextOf(std::int64_t play);
  /// The learned reward of every demonstrated transition of a play, at its context and its
  /// empirical flow, agent-major then t (the order of trueTransitionRewards); empty for bc.
  std::vector<double> transitionRewards(std::int64_t play);
  /// What the encoder says about every play: type probabilities [P][K] or Gaussian means [P][latent];
  /// empty without a context.
  std::vector<std::vector<double>> contexts();

  /// r_ω on the states [first, last) for context m against a flow (global): [t][(s − first)·|A| + a].
  std::vector<std::vector<double>> rewardTable(const torch::Tensor& m, const GlobalTable& flow,
                                               std::int64_t first, std::int64_t last);
  /// Behaviour cloning: π_θ(·|s, μ_t, t) on the states [first, last), state-major.
  std::vector<double> clonedPolicy(const GlobalTable& flow, int t, std::int64_t first, std::int64_t last);

  /// Every parameter flattened (bitwise comparisons across ranks in the tests).
  torch::Tensor flatParameters();
  void setFlatParameters(const torch::Tensor& flat);

  /// Collective: rank 0 writes networks, optimiser and iteration (temporary file, then rename).
  void save(const std::string& path, MPI_Comm comm);
  /// InputError when the file is not a checkpoint of this method and network shape.
  void load(const std::string& path);

 private:
  struct PlayWork;
  struct PlayData {
    GlobalTable flow;  ///< μ̂_t, t = 0..T
    std::vector<std::int64_t> t, s, a, next;  ///< expert transitions
    std::vector<std::int64_t> initial;        ///< s_0 of every agent
  };
  std::vector<std::int64_t> batch();
  torch::Tensor trajectoriesOf(std::int64_t play);
  void forwardPlay(PlayWork& w, double& exact_seconds);
  GlobalTable softPolicyFor(const torch::Tensor& R, const GlobalTable& flow, Policy& local, double& exact_seconds);
  torch::Tensor playLoss(PlayWork& w, double baseline, double& exact_seconds);
  /// The surrogate of −(1/T) Σ c log π for the soft best response `pi` to the table R (owned rows);
  /// adds this rank's share of that negative log-likelihood to *nll when given.
  torch::Tensor behaviourCloning(PlayWork& w, const Policy& pi, const torch::Tensor& R, double* nll, double& exact_seconds);
  MeanFieldFlow localFlow(const GlobalTable& flow) const;
  /// The plays' behaviour summaries (IrlFeatures::behaviourSummary), in play order.
  std::vector<IrlFeatures::Summary> playSummaries() const;
  /// k-means of the plays' summaries into settings_.types clusters.
  std::vector<int> clusterPlays();

  const Model& model_;
  const Demonstrations& demos_;
  IrlSettings settings_;
  MPI_Comm world_;
  IrlFeatures features_;
  std::vector<PlayData> plays_;
  std::vector<int> start_clusters_;  ///< k-means of the plays' summaries (ContextInit::KMeans)
  std::vector<double> type_dispersion_;
  int batch_size_ = 0;
  std::unique_ptr<parallel::RankGroups> groups_;
  std::unique_ptr<RewardTableModel> table_model_;
  std::unique_ptr<ExactEngine> engine_;  ///< on the group's communicator
  IrlNetworks nets_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimiser_;
  int iteration_ = 0;
  std::vector<IrlIterationRecord> history_;
};

}  // namespace mfg::irl
