// `mfg certify`: certified exploitability bounds of a policy (solver/certify), written as a JSON
// certificate and an HDF5 companion with the per-state gaps.
#include <cmath>
#include <filesystem>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/Sha256.hpp"
#include "io/cli/AlmOutput.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/Commands.hpp"
#include "parallel/Collectives.hpp"
#include "solver/alm/HouseholdRule.hpp"
#include "solver/certify/Certifier.hpp"
#include "solver/certify/MeanInterval.hpp"
#include "solver/learn/PolicyGradient.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::cli {

namespace {

/// [low, high], or null when the bound has too few units for an interval (MeanInterval.hpp).
nlohmann::json interval(const Bound& b) {
  if (std::isnan(b.ci_low)) return nullptr;
  return nlohmann::json::array({b.ci_low, b.ci_high});
}

/// The interval as the log prints it.
std::string intervalText(const Bound& b) {
  if (std::isnan(b.ci_low))
    return fmt::format("no 95% CI (fewer than {} units)", kMinIntervalUnits);
  if (b.exact) return "exact";
  return fmt::format("95% CI [{:.12g}, {:.12g}]", b.ci_low, b.ci_high);
}

/// The certificate's HDF5 part, written by world rank 0 alone (it holds the combined vectors).
void writeCertificateH5(const std::string& path, const Model& model, const nlohmann::json& cert,
                        const Bound& clairvoyant, const Bound& non_anticipative) {
  std::vector<hsize_t> shape;
  for (auto d : model.stateShape()) shape.push_back(static_cast<hsize_t>(d));
  const std::string tmp = path + ".partial";
  {
    io::Hid file = io::openParallel(tmp, MPI_COMM_SELF, true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    for (const auto& [name, b] : {std::pair<std::string, const Bound*>{"clairvoyant", &clairvoyant},
                                  {"non_anticipative", &non_anticipative}}) {
      io::Hid group(io::checked(H5Gcreate2(file, ("/" + name).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                "H5Gcreate2"),
                    H5Gclose);
      io::writeSerial(file, "/" + name + "/per_state", b->per_state, shape);
      io::writeSerial(file, "/" + name + "/unit_values", b->unit_values);
      io::writeAttribute(group, "value", std::vector<double>{b->value});
      io::writeAttribute(group, "ci95", std::vector<double>{b->ci_low, b->ci_high});
      io::writeAttribute(group, "method", b->method);
      io::writeAttribute(group, "exact", std::vector<std::int64_t>{b->exact ? 1 : 0});
    }
    io::writeAttribute(file, "model", model.name());
    io::writeAttribute(file, "certificate", cert.dump());
    io::writeAttribute(file, "state_shape", model.stateShape());
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

void certify(const CertifyConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const double start = MPI_Wtime();
  const auto model = makeModel(config.model, config.parameters);
  TreeMode tree = TreeMode::Auto;
  if (config.tree == "exact") tree = TreeMode::Exact;
  else if (config.tree == "sampled") tree = TreeMode::Sampled;
  else if (config.tree != "auto")
    throw InputError("--tree = '" + config.tree + "' is invalid (valid: exact, sampled, auto)");
  if (config.out.empty()) throw InputError("--out is required (the certificate is written to OUT.json and OUT.h5)");
  std::string base = config.out;
  if (base.size() > 5 && base.substr(base.size() - 5) == ".json") base.resize(base.size() - 5);

  CertifyOptions options;
  options.paths = config.paths;
  options.seed = config.seed;
  options.tree = tree;
  options.branching = config.branching;
  options.branch_depth = config.branch_depth;
  options.groups = config.groups;
  int world_rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &world_rank);
  MPI_Comm_size(comm, &ranks);
  options.progress = [&log](const std::string& line) {
    // "...: unit U of N (group g), ...": print about every tenth unit, from world rank 0's group.
    const auto at = line.find("unit ");
    const long unit = std::stol(line.substr(at + 5));
    const long total = std::stol(line.substr(line.find(" of ", at) + 4));
    if (unit == 1 || unit % std::max(1L, total / 10) == 0) log.info("  {}", line);
  };
  Certifier certifier(*model, comm, options);
  const auto parent = std::filesystem::path(base).parent_path();
  if (!parent.empty()) makeDirectory(parent.string(), comm);

  // The policy: uniform, or /policy indexed by step or by node of the model's scenario tree.
  std::string policy_hash = "uniform";
  const bool network = config.policy.size() > 3 && config.policy.substr(config.policy.size() - 3) == ".pt";
  std::shared_ptr<PolicyGradientTrainer> trainer;
  if (network) {
    // A network checkpoint of `mfg train`: rebuilt from the settings it records, then read back
    // (the checkpoint's identity must match this model and its parameters).
    if (!std::filesystem::is_regular_file(config.policy))
      throw InputError("policy file '" + config.policy + "': no such file");
    trainer = std::make_shared<PolicyGradientTrainer>(*model, comm, PolicyGradientTrainer::settingsOf(config.policy));
    trainer->setup();
    trainer->loadPolicy(config.policy);
    if (world_rank == 0) policy_hash = io::sha256File(config.policy);
  }
  // The household policy of `mfg solve-alm` (its alm.h5): a rule reading z_t and K_t at each node.
  std::optional<PolicyTable> household;
  if (!network && config.policy != "uniform" && isHouseholdPolicyFile(config.policy)) {
    household = alm::householdRule(*model, readHouseholdPolicy(config.policy, *model));
    if (world_rank == 0) policy_hash = io::sha256File(config.policy);
  }
  // A policy file has one slice per step, or one per decision node of the enumerated tree.
  const auto& enumerated = certifier.modelTree();
  std::vector<int> counts{model->numSteps()};
  if (model->noise() && enumerated) counts.push_back(enumerated->decisionNodes());
  if (!network && !household && config.policy != "uniform") {
    // Read once on the world layout to validate the whole file, then again per group below.
    const parallel::StateLayout world_layout(comm, model->numStates(), model->numActions());
    io::readPolicy(config.policy, *model, world_layout, counts);
    if (world_rank == 0) policy_hash = io::sha256File(config.policy);
  }
  // Each bound runs on its own group split, so the policy is read on each group's layout there.
  auto load = [&](MPI_Comm group) -> PolicyTable {
    if (config.policy == "uniform") return PolicyTable::uniform();
    if (household) return *household;
    if (trainer) return PolicyTable::rule([trainer](const ExactEngine& engine) { return trainer->ruleFor(engine); });
    const parallel::StateLayout layout(group, model->numStates(), model->numActions());
    Policy p = io::readPolicy(config.policy, *model, layout, counts);
    // Per step (on a chain, steps and nodes coincide), else per node of the enumerated tree.
    if (counts.size() == 1 || p.steps() == model->numSteps()) return PolicyTable::byStep(std::move(p));
    return PolicyTable::byNode(std::move(p), enumerated);
  };

  const std::string units = certifier.exactTree() && enumerated && model->noise()
                                ? fmt::format("every one of the tree's {} leaves", enumerated->leaves().size())
                                : fmt::format("{} paths", config.paths);
  log.info("mfg certify: model {} ({} states x {} actions, {} steps), policy {}, {}, {} rank(s)", model->name(),
           model->numStates(), model->numActions(), model->numSteps(), config.policy, units, ranks);
  const Bound clair = certifier.clairvoyant(load);
  log.info("clairvoyant bound {:.12g}, {} over {} paths{} ({:.2f} s, {} groups)", clair.value, intervalText(clair),
           clair.units, clair.exact && model->noise() ? " (every leaf of the tree, by probability)" : "",
           clair.wall_seconds, certifier.groupsUsed());
  const int clair_groups = certifier.groupsUsed();
  const Bound non_anticipative = certifier.nonAnticipative(load);
  log.info("non-anticipative ({}) {:.12g}, {} over {} units ({:.2f} s, {} groups)", non_anticipative.method,
           non_anticipative.value, intervalText(non_anticipative), non_anticipative.units,
           non_anticipative.wall_seconds, certifier.groupsUsed());

  nlohmann::json cert = {
      {"model", model->name()},
      {"parameters", parametersJson(*model)},
      {"policy", {{"file", config.policy}, {"sha256", policy_hash}}},
      {"bounds",
       {{"clairvoyant",
         {{"value", clair.value},
          {"ci95", interval(clair)},
          {"paths", clair.units},
          {"seed", config.seed},
          {"exact", clair.exact},
          {"wall_seconds", clair.wall_seconds},
          {"groups", clair_groups}}},
        {"non_anticipative",
         {{"value", non_anticipative.value},
          {"exact", non_anticipative.exact},
          {"ci95", interval(non_anticipative)},
          {"method", non_anticipative.method},
          {"units", non_anticipative.units},
          {"nodes", non_anticipative.nodes},
          {"seed", config.seed + 1},
          {"wall_seconds", non_anticipative.wall_seconds},
          {"groups", certifier.groupsUsed()}}}}},
      {"ranks", ranks},
      {"hdf5", std::filesystem::path(base + ".h5").filename().string()},
  };
  if (!non_anticipative.exact) {
    cert["bounds"]["non_anticipative"]["branching"] = config.branching;
    cert["bounds"]["non_anticipative"]["branch_depth"] = config.branch_depth;
  }
  cert["wall_seconds"] = parallel::broadcast(comm, MPI_Wtime() - start);
  std::optional<std::string> error;
  if (world_rank == 0) {
    try {
      writeCertificateH5(base + ".h5", *model, cert, clair, non_anticipative);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error(*e);
  io::writeTextAtomically(base + ".json", cert.dump(2) + "\n", comm);
  log.info("wrote {}.json and {}.h5", base, base);
}

}  // namespace mfg::cli
