// `mfg irl`: inverse RL for mean-field games from a demonstration file (docs/methods.md §13).
#include <fmt/core.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
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
#include "solver/irl/RewardRecovery.hpp"
#include "solver/irl/networks/IrlLearner.hpp"
#include "solver/irl/networks/IrlScoring.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "solver/models/irl/IrlModels.hpp"

namespace mfg::cli {

namespace {

nlohmann::json comparisonJson(const irl::EquilibriumComparison& c) {
  return {{"return_gap", c.return_gap},           {"mean_field_kl", c.mean_field_kl},
          {"policy_kl", c.policy_kl},             {"expert_return", c.expert_return},
          {"learned_return", c.learned_return},   {"expert_iterations", c.expert_iterations},
          {"learned_iterations", c.learned_iterations}, {"learned_residual", c.learned_residual},
          {"converged", c.converged}};
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
  int context_types = 0;
  if (config.types != "auto") {
    std::size_t used = 0;
    try {
      context_types = std::stoi(config.types, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != config.types.size())
      throw InputError(fmt::format("--types '{}' is neither a number of types in [0, 64] nor auto", config.types));
    if (context_types < 0 || context_types > 64)
      throw InputError(fmt::format("--types {} is out of range [0, 64]", context_types));
  }
  if (config.max_types < 1 || config.max_types > 64)
    throw InputError(fmt::format("--max-types {} is out of range [1, 64]", config.max_types));
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
  settings.types = context_types;
  settings.max_types = config.types == "auto" ? config.max_types : 0;
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
  if (!learner.typeDispersion().empty())
    log.info("--types auto: {} type(s); spread between plays over sampling noise for k = 1, 2, ...: {:.3g}",
             learner.settings().types, fmt::join(learner.typeDispersion(), ", "));

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
  // Reward recovery per true type: the learned reward against the type's true one on every
  // demonstrated transition, both at the play's empirical flow (bc learns no reward).
  std::map<int, irl::RewardRecovery> recovery;
  if (method != irl::IrlMethod::Bc) {
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> pairs;
    std::map<int, std::unique_ptr<Model>> truth;
    for (std::int64_t p = 0; p < demos.plays; ++p) {
      const int k = demos.type.empty() ? 0 : demos.type[static_cast<std::size_t>(p)];
      if (!truth.count(k)) {
        auto params = parameters;
        if (k < static_cast<int>(types.size()))
          for (const auto& [key, value] : types[static_cast<std::size_t>(k)]) params[key] = {value};
        truth[k] = makeModel(config.model, params);
      }
      const auto learned = learner.transitionRewards(p);
      const auto true_rewards = irl::trueTransitionRewards(*truth[k], demos, p);
      auto& [l, t] = pairs[k];
      l.insert(l.end(), learned.begin(), learned.end());
      t.insert(t.end(), true_rewards.begin(), true_rewards.end());
    }
    for (const auto& [k, lt] : pairs) recovery[k] = irl::compareRewards(lt.first, lt.second);
  }
  const auto recoveryJson = [](const irl::RewardRecovery& r) {
    return nlohmann::json{{"mse", r.mse}, {"corr", std::isfinite(r.corr) ? nlohmann::json(r.corr) : nlohmann::json(nullptr)},
                          {"transitions", r.transitions}};
  };
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
    j["reward_recovery"] = recovery.count(ts.type) ? recoveryJson(recovery.at(ts.type)) : nlohmann::json(nullptr);
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
  // Means over the true types (the keys of `mfg marl irl`'s summary).
  metrics["reward_recovery_mse"] = nullptr;
  metrics["reward_recovery_corr"] = nullptr;
  if (!recovery.empty()) {
    double mse = 0.0, corr = 0.0;
    for (const auto& [k, r] : recovery) {
      mse += r.mse / static_cast<double>(recovery.size());
      corr += r.corr / static_cast<double>(recovery.size());
    }
    metrics["reward_recovery_mse"] = mse;
    if (std::isfinite(corr)) metrics["reward_recovery_corr"] = corr;
  }
  // --types auto: how many types were read off the plays, and the dispersion that chose them.
  if (settings.max_types > 0 && method == irl::IrlMethod::Pemmfirl) {
    metrics["types_chosen"] = learner.settings().types;
    metrics["type_dispersion"] = learner.typeDispersion();
  }
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
  log.info("return gap {:.4g}, mean-field KL {:.4g}, policy KL {:.4g}{}{}{}; wrote {}/reward.pt, result.h5, summary.json",
           gap, fkl, pkl,
           metrics["reward_recovery_mse"].is_null()
               ? std::string()
               : fmt::format(", reward recovery mse {:.4g} corr {}", metrics["reward_recovery_mse"].get<double>(),
                             metrics["reward_recovery_corr"].dump()),
           score.type_accuracy ? fmt::format(", type accuracy {:.3f}", *score.type_accuracy) : std::string(),
           start_accuracy.is_null() ? std::string() : fmt::format(" (k-means start {:.3f})", start_accuracy.get<double>()),
           config.out);
}

}  // namespace mfg::cli
