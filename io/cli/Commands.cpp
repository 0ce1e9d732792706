#include "io/cli/Commands.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/SolverCheckpoint.hpp"
#include "io/cli/CommandUtil.hpp"
#include "parallel/Collectives.hpp"
#include "parallel/StopRequest.hpp"
#include "solver/algorithms/TabularSolver.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "solver/models/StationaryModel.hpp"

namespace mfg::cli {

nlohmann::json parametersJson(const Model& model) { return parametersJson(model.parameters()); }

nlohmann::json parametersJson(const ParameterSet& parameters) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& spec : parameters.specs()) {
    const auto& v = parameters.list(spec.name);
    if (isList(spec.kind)) j[spec.name] = v;
    else if (spec.kind == ParamKind::Boolean) j[spec.name] = v.at(0) != 0.0;
    else if (spec.kind == ParamKind::Integer) j[spec.name] = static_cast<long long>(v.at(0));
    else j[spec.name] = v.at(0);
  }
  return j;
}

void makeDirectory(const std::string& dir, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::optional<std::string> error;
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
      error = "cannot create output directory '" + dir + "': " + (ec ? ec.message() : "not a directory");
  }
  if (auto e = parallel::firstError(comm, error)) throw InputError(*e);
}

namespace {

/// "200x5"
std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (auto d : shape) {
    if (!text.empty()) text += 'x';
    text += std::to_string(d);
  }
  return text;
}

}  // namespace

void listModels(MPI_Comm comm) {
  io::Logger log(comm);
  log.info("Definitions of every model (dynamics, rewards, noise, conventions): docs/models.md in the source tree\n"
           "(installed as share/doc/mfg/models.md); methods and reference values: docs/methods.md,\n"
           "docs/reference-values.md.\n");
  for (const auto& info : builtinModels()) {
    const auto model = info.create(ParameterSet(info.name, info.parameters, {}));
    const std::string shape = shapeText(model->stateShape()), actions = shapeText(model->actionShape());
    log.info("{}\n  {}\n  states {}, actions {}, {} decision steps, discount {}", info.name,
             info.description, shape, actions, model->numSteps(), model->discount());
    for (const auto& p : info.parameters)
      log.info("    {:<12} {:<16} default {:<22} range [{}, {}]  {}", p.name, kindName(p.kind),
               formatValue(p.default_value, isList(p.kind)), p.min, p.max, p.description);
  }
  log.info("\nStationary (infinite-horizon) economies, solved by `mfg equilibrium`:\n");
  for (const auto& info : builtinStationaryModels()) {
    const auto economy = info.create(ParameterSet(info.name, info.parameters, {}));
    const std::string shape = shapeText(economy->stateShape()), actions = shapeText(economy->actionShape());
    log.info("{}\n  {}\n  states {}, actions {}, infinite horizon", info.name, info.description, shape, actions);
    for (const auto& p : info.parameters)
      log.info("    {:<16} {:<16} default {:<22} range [{}, {}]  {}", p.name, kindName(p.kind),
               formatValue(p.default_value, isList(p.kind)), p.min, p.max, p.description);
  }
}

int solve(const io::SolveConfig& config, MPI_Comm comm) {
  // Installed first, so that a signal during set-up stops the run at its first iteration boundary.
  parallel::StopRequest stop_request;
  io::Logger log(comm);
  if (config.iterations < 0 || config.iterations > io::kMaxIterations)
    throw InputError("iterations = " + std::to_string(config.iterations) + " is out of range [0, " +
                     std::to_string(io::kMaxIterations) + "]");
  if (config.checkpoint_every < 1)
    throw InputError("checkpoint-every = " + std::to_string(config.checkpoint_every) + " is invalid (valid: >= 1)");
  const auto model = makeModel(config.model, config.parameters);
  ExactEngine engine(*model, comm);
  auto solver = makeTabularSolver(config.algorithm, engine, config.settings);
  const std::string checkpoint = (std::filesystem::path(config.out) / "checkpoint.h5").string();
  const bool resuming = config.resume && std::filesystem::exists(checkpoint);
  if (!resuming) makeDirectory(config.out, comm);

  const int ranks = engine.layout().size();
  log.info("mfg solve: model {} ({} states x {} actions, {} steps), algorithm {}, {} iterations, {} rank(s)",
           model->name(), model->numStates(), model->numActions(), model->numSteps(), solver->name(),
           config.iterations, ranks);
  const long every = std::max(1L, config.iterations / 100);
  solver->setup();
  if (resuming) {
    io::readSolverCheckpoint(checkpoint, engine, *solver);
    log.info("mfg solve: resumed from {} at iteration {}", checkpoint, solver->iterations());
  }
  log.info("{:>8}  {:>22}  {:>10}", "iter", "exploitability", "wall [s]");
  log.info("{:>8}  {:>22.15g}  {:>10.3f}", solver->iterations(), solver->exploitabilityHistory().back(),
           solver->wallSecondsHistory().back());
  // A signal stops the run at the next iteration boundary that every rank agrees on.
  double boundary = MPI_Wtime(), longest = 0.0;
  for (long k = solver->iterations() + 1; k <= config.iterations; ++k) {
    longest = std::max(longest, MPI_Wtime() - boundary);
    boundary = MPI_Wtime();
    stop_request.setDeadline(parallel::StopRequest::deadlineFor(longest));
    if (stop_request.agree(comm).stop) {
      io::writeSolverCheckpoint(checkpoint, engine, *solver);
      log.info("mfg solve: stopped by a signal at iteration {}; checkpoint written to {}; exiting with status {} "
               "(rerun with --resume to continue)",
               solver->iterations(), checkpoint, parallel::kExitPreempted);
      return parallel::kExitPreempted;
    }
    solver->iterate();
    if (k % every == 0 || k == config.iterations)
      log.info("{:>8}  {:>22.15g}  {:>10.3f}", k, solver->exploitabilityHistory().back(),
               solver->wallSecondsHistory().back());
    if (k % config.checkpoint_every == 0 && k != config.iterations) io::writeSolverCheckpoint(checkpoint, engine, *solver);
  }
  stop_request.setDeadline(0);
  io::writeSolverCheckpoint(checkpoint, engine, *solver);  // lets a later --resume extend the run

  io::SolveOutput out;
  out.algorithm = solver->name();
  out.settings = solver->settings();
  out.policy = &solver->policy();
  out.flow = &solver->current().flow;
  out.exploitability = solver->exploitabilityHistory();
  out.wall_seconds = solver->wallSecondsHistory();
  const std::string h5 = (std::filesystem::path(config.out) / "result.h5").string();
  io::writeResult(h5, engine, out);

  nlohmann::json summary = {
      {"model", model->name()},
      {"parameters", parametersJson(*model)},
      {"algorithm", solver->name()},
      {"settings", solver->settings()},
      {"iterations", solver->iterations()},
      {"exploitability", out.exploitability.back()},
      {"initial_exploitability", out.exploitability.front()},
      {"wall_seconds", out.wall_seconds.back()},
      {"ranks", ranks},
      {"result", "result.h5"},
  };
  const std::string json = (std::filesystem::path(config.out) / "summary.json").string();
  io::writeTextAtomically(json, summary.dump(2) + "\n", comm);
  log.info("final exploitability {:.15g}; wrote {} and {}", out.exploitability.back(), h5, json);
  return 0;
}

void evaluate(const EvaluateConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const auto model = makeModel(config.model, config.parameters);
  ExactEngine engine(*model, comm);
  const Policy policy = io::readPolicy(config.policy, engine);
  const double start = MPI_Wtime();
  const auto result = engine.exploitability(policy);
  const double seconds = parallel::broadcast(comm, MPI_Wtime() - start);
  log.info("exploitability {:.15g}", result.exploitability);
  if (!config.out.empty()) {
    const auto parent = std::filesystem::path(config.out).parent_path();
    if (!parent.empty()) makeDirectory(parent.string(), comm);
    nlohmann::json j = {
        {"exploitability", result.exploitability},
        {"best_response_value", result.best_value},
        {"policy_value", result.policy_value},
        {"model", model->name()},
        {"parameters", parametersJson(*model)},
        {"policy", config.policy},
        {"ranks", engine.layout().size()},
        {"wall_seconds", seconds},
    };
    io::writeTextAtomically(config.out, j.dump(2) + "\n", comm);
  }
}

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


}  // namespace mfg::cli
