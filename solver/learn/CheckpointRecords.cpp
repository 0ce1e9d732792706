#include "solver/learn/CheckpointRecords.hpp"

#include <filesystem>

#include "solver/models/InputError.hpp"

namespace mfg {

std::string checkpointIdentity(torch::serialize::InputArchive& archive, const std::string& path) {
  c10::IValue stored;
  if (!archive.try_read("identity", stored) || !stored.isString())
    throw InputError("checkpoint '" + path + "' has no identity record; it was not written by mfg train");
  return stored.toStringRef();
}

void requireIdentity(const std::string& stored, const std::string& expected, const std::string& path) {
  if (stored != expected)
    throw InputError("checkpoint '" + path + "' belongs to another run (" + stored + "; this run is " + expected + ")");
}

std::string identityField(const std::string& identity, const std::string& key) {
  const std::string record = ";" + identity, marker = ";" + key + "=";
  const auto at = record.find(marker);
  if (at == std::string::npos) return {};
  const auto from = at + marker.size();
  return record.substr(from, record.find(';', from) - from);
}

void restoreNetwork(PolicyNetwork& net, torch::serialize::InputArchive& from, const Model& model, int observation_size,
                    torch::Dtype dtype, const std::string& path, const std::string& what) {
  PolicyNetwork scratch(model, observation_size, net->config());
  scratch->to(dtype);
  scratch->load(from);
  const auto mine = net->named_parameters(), saved = scratch->named_parameters();
  for (const auto& item : mine) {
    const auto* other = saved.find(item.key());
    if (!other || other->sizes() != item.value().sizes() || other->dtype() != item.value().dtype())
      throw InputError("checkpoint '" + path + "': " + what + " parameter '" + item.key() +
                       "' is missing or has another shape");
  }
  const auto theta = flatParameters(*scratch);
  if (!torch::isfinite(theta).all().item<bool>())
    throw InputError("checkpoint '" + path + "' holds non-finite " + what + " parameters (NaN or Inf)");
  setFlatParameters(*net, theta);
}

void saveAtomically(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::string tmp = path + ".partial";
  archive.save_to(tmp);
  std::filesystem::rename(tmp, path);
}

}  // namespace mfg
