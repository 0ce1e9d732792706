#pragma once
// The policy networks of docs/methods.md §6, in LibTorch.
//   state embedding (64): a learned table indexed by state, or an MLP layer on the state's
//                         normalised coordinates;
//   observation embedding: SPG, a dense layer (64) on the current shared observation o_t;
//                          RSPG, a GRU(128) over o_0..o_t feeding a dense layer (128); the GRU
//                          never sees the individual state, so one embedding per path and step
//                          serves every state;
//   trunk: [state ‖ observation] → Dense 128 → ReLU → Dense 128 → ReLU → |A| logits → softmax,
//          or, for ordered action grids, α, β = 1 + softplus(·) and logits log Beta(a_k; α, β).
// The first dense layer is split into a state part and an observation part, so that the
// [steps × states] table of first-layer activations is one broadcast sum, not a concatenation.
#include <torch/torch.h>

#include "solver/models/Model.hpp"

namespace mfg {

struct NetworkConfig {
  bool recurrent = false;       ///< RSPG (GRU over the observations) instead of SPG
  bool state_as_index = true;   ///< learned embedding per state; else normalised coordinates
  bool beta_head = false;       ///< Beta distribution on an ordered action grid
  bool value_head = false;      ///< one real output (a critic V(s, o_t)) instead of a policy
  int state_embedding = 64;
  int observation_embedding = 64;  ///< SPG; RSPG uses `gru_hidden` (128)
  int hidden = 128;
  int gru_hidden = 128;
};

/// The trunk's activations of a whole rollout, kept from forward passes without a graph, level by
/// level, in one buffer per layer [T, B, n, ·] (level t, node b of the level, state s), so that the
/// structural gradient runs the trunk's backward pass on them in a few large batches
/// (PolicyNetworkImpl::backwardTrunk) instead of evaluating the network a second time.
struct TrunkActivations {
  torch::Tensor first;   ///< relu(first layer) [T, B, n, H]
  torch::Tensor second;  ///< relu(second layer) [T, B, n, H]
  torch::Tensor out;     ///< the head's output [T, B, n, heads] (|A| logits, or the Beta head's two)
  torch::Tensor probs;   ///< softmax of the logits [T, B, n, |A|]
};

class PolicyNetworkImpl : public torch::nn::Module {
 public:
  /// `observation_size`: length of o_t as the trainer builds it.
  PolicyNetworkImpl(const Model& model, int observation_size, NetworkConfig config);

  /// Embeddings of the states [first, last): [n, state_embedding].
  torch::Tensor states(std::int64_t first, std::int64_t last);
  /// Embeddings of a whole observation sequence [T, d] → [T, E_o], or of B sequences side by side
  /// [T, B, d] → [T, B, E_o] (RSPG runs the GRU over it).
  torch::Tensor observations(const torch::Tensor& sequence);
  /// One step of the observation embedding for o_t [d] → [E_o], or for B nodes [B, d] → [B, E_o];
  /// `hidden` ([1, B, H], RSPG only) carries the GRU state from o_{t-1} and is updated.
  torch::Tensor observationStep(const torch::Tensor& o, torch::Tensor& hidden);
  torch::Tensor initialHidden() const;
  /// π[t, s, a] for every pair of observation embedding t ([T, E_o]) and state embedding s ([n, E_s]).
  torch::Tensor probabilities(const torch::Tensor& state_embeddings, const torch::Tensor& observation_embeddings);
  /// The same without a graph for the B observation embeddings [B, E_o] of one level, with the
  /// trunk's activations written to level `level` of `keep` (allocated for `levels` levels unless
  /// it already has that shape); returns that level's probabilities [B, n, |A|], a view into `keep`.
  torch::Tensor probabilities(const torch::Tensor& state_embeddings, const torch::Tensor& observation_embeddings,
                              TrunkActivations& keep, int level, int levels);
  /// The first layer's two parts: W_s e_s + b for state embeddings [n, E_s] → [n, H], and W_o e_t
  /// for observation embeddings [..., E_o] → [..., H]; h1[t, s] = relu(sum of the two).
  torch::Tensor firstStatePart(const torch::Tensor& state_embeddings);
  torch::Tensor firstObservationPart(const torch::Tensor& observation_embeddings);
  /// Backward pass of the trunk above the first layer on the kept levels [begin, end), for the
  /// gradient `grad_probs` [end − begin, B, n, |A|] of a loss with respect to their probabilities:
  /// adds the gradients of the second layer and the head to their .grad(), adds to
  /// `grad_state_part` [n, H] and writes to `grad_observation_part` [end − begin, B, H] the
  /// gradients with respect to the first layer's two parts (the caller finishes the pass through
  /// them with autograd). Two GEMMs of [rows, H] × [H, H] instead of a graph's forward and backward.
  void backwardTrunk(const TrunkActivations& kept, int begin, int end, const torch::Tensor& grad_probs,
                     torch::Tensor& grad_state_part, torch::Tensor& grad_observation_part);

  /// Embeddings of the states listed in `indices` ([B] int64): [B, state_embedding].
  torch::Tensor statesAt(const torch::Tensor& indices);
  /// One output row per pair (state embedding b, observation embedding b), [B, E_s] × [B, E_o]:
  /// log π(·|s_b, o_b) as [B, |A|], or V(s_b, o_b) as [B] with the value head. The sample-based
  /// learners (solver/rl) need pairs; the structural ones need the whole table (probabilities()).
  torch::Tensor paired(const torch::Tensor& state_embeddings, const torch::Tensor& observation_embeddings);
  /// The same pairs' logits before the softmax, [B, |A|] (policy head only): M-OMD reads them as
  /// Q(s, a)/τ, so that the network's policy softmax(logits) is M-OMD's softmax(Q/τ).
  torch::Tensor pairedLogits(const torch::Tensor& state_embeddings, const torch::Tensor& observation_embeddings);

  const NetworkConfig& config() const { return config_; }

 private:
  NetworkConfig config_;
  std::int64_t num_states_, num_actions_;
  std::vector<std::int64_t> state_shape_;
  torch::nn::Embedding state_table_{nullptr};
  torch::nn::Linear state_layer_{nullptr}, observation_layer_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::Linear first_state_{nullptr}, first_observation_{nullptr}, second_{nullptr}, head_{nullptr};
  torch::Tensor log_grid_, log_one_minus_grid_;  ///< Beta head: log a_k and log(1 − a_k)

  torch::Tensor coordinates(const std::int64_t* flat, std::int64_t n) const;
  /// Logits of the trunk's output h [..., H] (the Beta head's log-densities on the grid).
  torch::Tensor logits(const torch::Tensor& h);
  /// Logits from the head's output (the identity, or the Beta head's log-densities).
  torch::Tensor headLogits(const torch::Tensor& out);
};
TORCH_MODULE(PolicyNetwork);

/// All parameters flattened into one vector (for the gradient allreduce and θ comparisons).
torch::Tensor flatParameters(torch::nn::Module& module);
torch::Tensor flatGradients(torch::nn::Module& module);
void setFlatGradients(torch::nn::Module& module, const torch::Tensor& flat);
void setFlatParameters(torch::nn::Module& module, const torch::Tensor& flat);

}  // namespace mfg
