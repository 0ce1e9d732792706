#pragma once
// What `mfg train` drives: a learner of a policy network on a model, structural (SPG, RSPG,
// solver/learn) or sample-based (IPPO, RIPPO, M-OMD, solver/rl). Every one is judged by the same
// exact evaluation of its network (NetworkEvaluation.hpp), so their curves are comparable.
#include <torch/torch.h>

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/learn/NetworkEvaluation.hpp"

namespace mfg {

/// The gradient, the objective or the parameters stopped being finite; they are then unusable, so
/// the caller keeps the last checkpoint it wrote instead of writing a new one.
class DivergenceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Trainer {
 public:
  virtual ~Trainer() = default;
  /// Initialises the networks from the seed on rank 0 and broadcasts them; creates the optimisers.
  virtual void setup() = 0;
  /// One training iteration; returns the learner's own objective estimate (for the history).
  virtual double iterate() = 0;
  /// Exact exploitability of the current policy network (clairvoyant on fixed evaluation paths,
  /// and non-anticipative on the enumerated tree when it has at most `max_nodes`).
  virtual TrainEvaluation evaluate(std::size_t max_nodes = 20000) = 0;
  /// The policy on a few evaluation paths, for plots.
  virtual PathSnapshot snapshot(int paths, std::vector<int> times) = 0;
  /// Checkpoint with the caller's `extra` tensors, written by rank 0 to a temporary file and renamed.
  virtual void save(const std::string& path, const std::map<std::string, torch::Tensor>& extra = {}) const = 0;
  /// Restores a checkpoint on every rank; `extra` names the tensors to read back.
  virtual void load(const std::string& path, std::map<std::string, torch::Tensor>* extra = nullptr) = 0;
  virtual long iteration() const = 0;
};

}  // namespace mfg
