// `mfg irl`: inverse RL for mean-field games from a demonstration file (docs/methods.md §13).
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/DemonstrationFile.hpp"
#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/TypesFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/Irl.hpp"
#include "io/plot/IrlPlots.hpp"
#include "parallel/Collectives.hpp"
#include "solver/irl/networks/IrlLearner.hpp"
#include "solver/irl/networks/IrlScoring.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "solver/models/irl/IrlModels.hpp"

namespace mfg::cli {

namespace {

/// The demonstrations' model parameters (a JSON object of numbers, booleans or lists), for the keys
/// the model knows; others are reported and skipped (a file from elsewhere may carry more).
std::map<std::string, std::vector<double>> fileParameters(const std::string& json, const ModelInfo& info,
                                                          const std::string& path, const io::Logger& log) {
  std::map<std::string, std::vector<double>> out;
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw InputError(fmt::format("{}: attribute 'parameters' is not a JSON object", path));
  for (const auto& [key, value] : j.items()) {
    const bool known = std::any_of(info.parameters.begin(), info.parameters.end(), [&](const auto& s) { return s.name == key; });
    if (!known) {
      log.info("note: {}: parameter '{}' is not one of model '{}''s; ignored", path, key, info.name);
      continue;
    }
    std::vector<double> v;
    const auto number = [&](const nlohmann::json& x) {
      if (x.is_boolean()) return x.get<bool>() ? 1.0 : 0.0;
      if (x.is_number()) return x.get<double>();
      throw InputError(fmt::format("{}: parameter '{}' in attribute 'parameters' is not a number, boolean or list", path, key));
    };
    if (value.is_array())
      for (const auto& x : value) v.push_back(number(x));
    else
      v.push_back(number(value));
    out[key] = v;
  }
  return out;
}

nlohmann::json comparisonJson(const irl::EquilibriumComparison& c) {
  return {{"return_gap", c.return_gap},           {"mean_field_kl", c.mean_field_kl},
          {"policy_kl", c.policy_kl},             {"expert_return", c.expert_return},
          {"learned_return", c.learned_return},   {"expert_iterations", c.expert_iterations},
          {"learned_iterations", c.learned_iterations}, {"converged", c.converged}};
}

std::vector<double> flat(const irl::GlobalTable& t) {
  std::vector<double> v;
  for (const auto& row : t) v.insert(v.end(), row.begin(), row.end());
  return v;
}

void writeTable(hid_t file, const std::string& name, const irl::GlobalTable& t) {
  if (t.empty()) return;
  io::writeSerial(file, name, flat(t), {static_cast<hsize_t>(t.size()), static_cast<hsize_t>(t[0].size())});
}

}  // namespace

void irl(const IrlConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const auto start = std::chrono::steady_clock::now();
  const auto method = irl::parseMethod(config.method);
  if (config.iterations < 0 || config.iterations > 100000000)
    throw InputError(fmt::format("--iterations {} is out of range [0, 1e8]", config.iterations));
  if (config.types < 0 || config.types > 64) throw InputError(fmt::format("--types {} is out of range [0, 64]", config.types));
  if (config.context_init != "kmeans" && config.context_init != "random")
    throw InputError(fmt::format("--context-init '{}' is not one of: kmeans, random", config.context_init));
  if (config.context_warmup < 0 || config.context_warmup > 100000000)
    throw InputError(fmt::format("--context-warmup {} is out of range [0, 1e8]", config.context_warmup));
  if (config.latent < 1 || config.latent > 64) throw InputError(fmt::format("--latent {} is out of range [1, 64]", config.latent));
  if (!(config.c_info >= 0.0) || !(config.c_imit >= 0.0)) throw InputError("--c-info and --c-imit must be >= 0");
  if (!(config.learning_rate > 0.0)) throw InputError("--learning-rate must be > 0");
  if (config.batch_plays < 0) throw InputError("--batch-plays must be >= 0");
  if (config.groups < 0) throw InputError("--groups must be >= 0");
  if (config.generated_agents < 0 || config.generated_agents > 1000000)
    throw InputError("--generated-agents is out of range [0, 1e6]");
  if (config.checkpoint_every < 1) throw InputError("--checkpoint-every must be >= 1");
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (config.groups > ranks) throw InputError(fmt::format("--groups {} is above the {} rank(s)", config.groups, ranks));

  const irl::Demonstrations demos = io::readDemonstrations(config.demos, comm);
  const auto& info = findModel(config.model);
  if (!demos.model.empty() && demos.model != config.model)
    log.info("note: {} was written for model '{}'; learning on '{}'", config.demos, demos.model, config.model);
  auto parameters = fileParameters(demos.parameters_json, info, config.demos, log);
  for (const auto& [key, value] : config.parameters) parameters[key] = value;
  const auto model = makeModel(config.model, parameters);
  const auto types = io::typesFromJson(demos.types_json);
  io::validateDemonstrations(demos, model->numStates(), model->numActions(), types.size());

  irl::IrlSettings settings;
  settings.method = method;
  settings.learning_rate = config.learning_rate;
  settings.batch_plays = config.batch_plays;
  settings.c_info = config.c_info;
  settings.c_imit = config.c_imit;
  settings.latent = config.latent;
  settings.types = config.types;
  settings.context_init = config.context_init == "random" ? irl::ContextInit::Random : irl::ContextInit::KMeans;
  settings.context_warmup = static_cast<int>(config.context_warmup);
  settings.seed = config.seed;
  settings.groups = config.groups;
  settings.generated_agents = config.generated_agents;
  makeDirectory(config.out, comm);
  const std::filesystem::path out(config.out);
  const std::string checkpoint = (out / "reward.pt").string();
  irl::IrlLearner learner(*model, demos, settings, comm);
  if (config.resume && std::filesystem::exists(checkpoint)) {
    learner.load(checkpoint);
    log.info("resumed from {} at iteration {}", checkpoint, learner.iteration());
  }
  log.info("mfg irl: {} on {} from {} ({} plays of {} agents, T = {}, beta {}), {} rank(s)", config.method,
           config.model, config.demos, demos.plays, demos.agents, demos.steps, demos.beta, ranks);

  const long report = std::max(1L, config.iterations / 10);
  while (learner.iteration() < config.iterations) {
    const auto rec = learner.step();
    if (learner.iteration() % report == 0 || learner.iteration() == config.iterations)
      log.info("iteration {:>6}  D loss {:>9.5f}  info {:>9.5f}  expert NLL {:>9.5f}  {:.3f} s ({:.0f}% exact passes)",
               learner.iteration(), rec.discriminator_loss, rec.info_loss, rec.expert_nll, rec.seconds,
               rec.seconds > 0 ? 100.0 * rec.exact_seconds / rec.seconds : 0.0);
    if (learner.iteration() % config.checkpoint_every == 0) learner.save(checkpoint, comm);
  }
  learner.save(checkpoint, comm);
  std::vector<double> d_loss, info_loss, nll, seconds, exact;
  for (const auto& rec : learner.history()) {
    d_loss.push_back(rec.discriminator_loss);
    info_loss.push_back(rec.info_loss);
    nll.push_back(rec.expert_nll);
    seconds.push_back(rec.seconds);
    exact.push_back(rec.exact_seconds);
  }

  irl::ScoringInput input;
  input.model = config.model;
  input.parameters = parameters;
  input.types = types;
  input.labels = demos.type;
  input.temperature = demos.beta;
  bool has_transfer = true;
  try {
    input.transfer = transferDynamics(config.model);
  } catch (const InputError&) {
    has_transfer = false;
  }
  const auto t_score = std::chrono::steady_clock::now();
  const irl::IrlScore score = irl::scoreIrl(learner, input, comm);
  const double score_seconds = parallel::broadcast(comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t_score).count());
  const auto contexts = learner.contexts();

  {
    const std::string path = (out / "result.h5").string();
    const std::string tmp = io::temporaryName(path, comm);
    {
      io::Hid file = io::openParallel(tmp, comm, true);
      if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
      io::Hid history = io::createGroup(file, "/history");
      if (!seconds.empty()) {  // HDF5 has no zero-length contiguous datasets; no iterations, no history
        io::writeSerial(file, "/history/discriminator_loss", d_loss);
        io::writeSerial(file, "/history/info_loss", info_loss);
        io::writeSerial(file, "/history/expert_nll", nll);
        io::writeSerial(file, "/history/seconds", seconds);
        io::writeSerial(file, "/history/exact_seconds", exact);
      }
      if (!contexts.empty()) writeTable(file, "/contexts", contexts);
      if (!score.clusters.empty()) {
        std::vector<double> c(score.clusters.begin(), score.clusters.end());
        io::writeSerial(file, "/clusters", c);
      }
      for (const auto& ts : score.types) {
        const std::string g = fmt::format("/type_{}", ts.type);
        io::Hid group = io::createGroup(file, g);
        writeTable(file, g + "/expert_flow", ts.original.expert_flow);
        writeTable(file, g + "/learned_flow", ts.original.learned_flow);
        writeTable(file, g + "/expert_reward", ts.original.expert_reward);
        writeTable(file, g + "/learned_reward", ts.original.learned_reward);
        if (has_transfer) {
          writeTable(file, g + "/transfer_expert_flow", ts.transfer.expert_flow);
          writeTable(file, g + "/transfer_learned_flow", ts.transfer.learned_flow);
        }
      }
    }
    io::renameOnRoot(tmp, path, comm);
  }
  nlohmann::json per_type = nlohmann::json::array();
  double gap = 0, fkl = 0, pkl = 0, tgap = 0, tfkl = 0, tpkl = 0;
  const double K = static_cast<double>(score.types.size());
  for (const auto& ts : score.types) {
    nlohmann::json j = comparisonJson(ts.original);
    j["type"] = ts.type;
    j["overrides"] = ts.type < static_cast<int>(types.size()) ? nlohmann::json(types[static_cast<std::size_t>(ts.type)])
                                                               : nlohmann::json::object();
    if (!ts.context.empty()) j["context"] = ts.context;
    j["transfer"] = has_transfer ? comparisonJson(ts.transfer) : nlohmann::json(nullptr);
    per_type.push_back(j);
    gap += ts.original.return_gap / K;
    fkl += ts.original.mean_field_kl / K;
    pkl += ts.original.policy_kl / K;
    tgap += ts.transfer.return_gap / K;
    tfkl += ts.transfer.mean_field_kl / K;
    tpkl += ts.transfer.policy_kl / K;
  }
  double per_iteration = 0.0, exact_share = 0.0;
  for (std::size_t k = 0; k < seconds.size(); ++k) {
    per_iteration += seconds[k] / static_cast<double>(seconds.size());
    exact_share += exact[k];
  }
  double total_seconds = 0.0;
  for (double s : seconds) total_seconds += s;
  exact_share = total_seconds > 0 ? exact_share / total_seconds : 0.0;
  const double wall = parallel::broadcast(comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  // How well the k-means start of a categorical context alone matched the hidden labels: what the
  // training made of it is type_accuracy.
  nlohmann::json start_accuracy = nullptr;
  if (!learner.startClusters().empty() && !demos.type.empty())
    start_accuracy = irl::matchingAccuracy(learner.startClusters(), demos.type);
  nlohmann::json metrics = {
      {"types", per_type},
      {"return_gap", gap},
      {"mean_field_kl", fkl},
      {"policy_kl", pkl},
      {"transfer", has_transfer ? nlohmann::json({{"return_gap", tgap}, {"mean_field_kl", tfkl}, {"policy_kl", tpkl}})
                                : nlohmann::json(nullptr)},
      {"type_accuracy", score.type_accuracy ? nlohmann::json(*score.type_accuracy) : nlohmann::json(nullptr)},
      {"start_type_accuracy", start_accuracy}};
  nlohmann::json summary = {{"command", "irl"},
                            {"method", config.method},
                            {"model", config.model},
                            {"parameters", parametersJson(*model)},
                            {"demos", config.demos},
                            {"plays", demos.plays},
                            {"agents", demos.agents},
                            {"beta", demos.beta},
                            {"iterations", learner.iteration()},
                            {"seed", config.seed},
                            {"metrics", metrics},
                            {"seconds_per_iteration", seconds.empty() ? nlohmann::json(nullptr) : nlohmann::json(per_iteration)},
                            {"exact_pass_share", seconds.empty() ? nlohmann::json(nullptr) : nlohmann::json(exact_share)},
                            {"scoring_seconds", score_seconds},
                            {"ranks", ranks},
                            {"wall_seconds", wall}};
  io::writeTextAtomically((out / "summary.json").string(), summary.dump(2) + "\n", comm);
  if (config.plots) io::plot::plotIrl(config.out, *model, score, comm);
  log.info("return gap {:.4g}, mean-field KL {:.4g}, policy KL {:.4g}{}{}; wrote {}/reward.pt, result.h5, summary.json",
           gap, fkl, pkl,
           score.type_accuracy ? fmt::format(", type accuracy {:.3f}", *score.type_accuracy) : std::string(),
           start_accuracy.is_null() ? std::string() : fmt::format(" (k-means start {:.3f})", start_accuracy.get<double>()),
           config.out);
}

}  // namespace mfg::cli
