#pragma once
// What every learner of `mfg train` does with its checkpoint the same way: the identity record
// that ties a checkpoint to its run, a network read back through a scratch copy (loading replaces
// tensors wholesale, so a wrong file must not damage the live network), and the write through a
// temporary name, so that a checkpoint is never half-written.
#include <torch/torch.h>

#include <string>

#include "solver/learn/PolicyNetwork.hpp"

namespace mfg {

/// The identity record of the checkpoint at `path`; InputError when it has none.
std::string checkpointIdentity(torch::serialize::InputArchive& archive, const std::string& path);

/// InputError ("belongs to another run") unless the stored identity is this run's.
void requireIdentity(const std::string& stored, const std::string& expected, const std::string& path);

/// The value of `key` in an identity record "model=...;key=value;..." ("" when absent).
std::string identityField(const std::string& identity, const std::string& key);

/// Reads a network written by `net->save` from `from` into `net`: every parameter must be there
/// with its shape and type, and finite; InputError naming `what` otherwise.
void restoreNetwork(PolicyNetwork& net, torch::serialize::InputArchive& from, const Model& model, int observation_size,
                    torch::Dtype dtype, const std::string& path, const std::string& what);

/// Writes `archive` to `path` through `path`.partial and a rename.
void saveAtomically(torch::serialize::OutputArchive& archive, const std::string& path);

}  // namespace mfg
