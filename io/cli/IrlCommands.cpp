// `mfg demonstrate` and the registration of `mfg demonstrate` / `mfg irl`.
#include <fmt/core.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "io/Config.hpp"
#include "io/DemonstrationFile.hpp"
#include "io/Logger.hpp"
#include "io/TypesFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/Irl.hpp"
#include "io/cli/Threads.hpp"
#include "parallel/Collectives.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/irl/Plays.hpp"
#include "solver/irl/SoftEquilibrium.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::cli {

namespace {

/// Streams of `mfg demonstrate`'s seeded generators.
enum Stream : std::uint64_t { kPlayType = 10, kPlayAgents = 11 };

struct TypeSolution {
  irl::GlobalTable policy, flow;
  int iterations = 0;
  double residual = 0.0, expert_return = 0.0;
};

TypeSolution solveType(const Model& model, double beta, MPI_Comm comm) {
  ExactEngine engine(model, comm);
  irl::SoftEquilibriumSettings settings;
  settings.temperature = beta;
  const auto eq = irl::solveSoftEquilibrium(engine, settings);
  TypeSolution out;
  out.iterations = eq.iterations;
  out.residual = eq.residual;
  if (!eq.converged)
    throw InputError(fmt::format("the soft equilibrium of model '{}' did not reach ‖μ_new − μ‖ < 1e-10 in {} iterations "
                                 "(residual {:.3g}); a larger --beta smooths the best response",
                                 model.name(), eq.iterations, eq.residual));
  const auto values = engine.evaluate(eq.policy, eq.flow, eq.policy);
  out.expert_return = engine.weightByInitial(engine.tree().roots()[0], values.V[0]);
  out.policy.resize(eq.policy.pi.size());
  for (std::size_t t = 0; t < eq.policy.pi.size(); ++t)
    parallel::allGather(engine.layout(), eq.policy.pi[t], static_cast<int>(model.numActions()), out.policy[t]);
  out.flow.resize(eq.flow.mu.size());
  for (std::size_t t = 0; t < eq.flow.mu.size(); ++t) parallel::allGather(engine.layout(), eq.flow.mu[t], 1, out.flow[t]);
  return out;
}

}  // namespace

void demonstrate(const DemonstrateConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  if (config.plays < 1 || config.plays > 10000000) throw InputError(fmt::format("--plays {} is out of range [1, 1e7]", config.plays));
  if (config.agents < 1 || config.agents > 10000000) throw InputError(fmt::format("--agents {} is out of range [1, 1e7]", config.agents));
  if (!(config.beta > 0.0) || !std::isfinite(config.beta)) throw InputError(fmt::format("--beta {} must be a finite number > 0", config.beta));
  if (config.out.empty()) throw InputError("--out is required");
  const auto base = makeModel(config.model, config.parameters);
  if (base->noise() != nullptr) throw InputError(fmt::format("model '{}' has common noise; demonstrations need a model without it", config.model));
  std::vector<irl::AgentType> types = config.types.empty() ? std::vector<irl::AgentType>{irl::AgentType{}} : io::readTypes(config.types);
  // Every type is a valid model before any work: unknown keys and bad values are named here.
  std::vector<std::unique_ptr<Model>> models;
  double total_weight = 0.0;
  for (std::size_t k = 0; k < types.size(); ++k) {
    auto params = config.parameters;
    for (const auto& [key, value] : types[k].overrides) params[key] = {value};
    try {
      models.push_back(makeModel(config.model, params));
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: type {}: {}", config.types, k + 1, e.what()));
    }
    total_weight += types[k].weight;
  }
  const std::int64_t T = base->numSteps(), P = config.plays, N = config.agents;
  if (static_cast<double>(P) * static_cast<double>(N) * static_cast<double>(T + 1) > 2.0e9)
    throw InputError(fmt::format("--plays × --agents × (T + 1) = {:.3g} entries is above the 2e9 this command writes in one file",
                                 static_cast<double>(P) * static_cast<double>(N) * static_cast<double>(T + 1)));
  int ranks = 1, rank = 0;
  MPI_Comm_size(comm, &ranks);
  MPI_Comm_rank(comm, &rank);
  log.info("mfg demonstrate: {} with {} type(s), beta {}, {} plays of {} agents, T = {}, {} rank(s)", config.model,
           types.size(), config.beta, P, N, T, ranks);

  std::vector<TypeSolution> solutions;
  for (std::size_t k = 0; k < types.size(); ++k) {
    solutions.push_back(solveType(*models[k], config.beta, comm));
    log.info("  type {}: soft equilibrium in {} iterations (‖μ_new − μ‖_∞ = {:.2e}), expert return {:.6f}", k,
             solutions.back().iterations, solutions.back().residual, solutions.back().expert_return);
  }
  // Play p's type and agents come from generators seeded by (seed, p): the file does not depend on
  // the number of ranks.
  irl::Demonstrations d;
  d.plays = P;
  d.agents = N;
  d.steps = T;
  d.type.resize(static_cast<std::size_t>(P));
  for (std::int64_t p = 0; p < P; ++p) {
    std::mt19937_64 rng(irl::streamSeed(config.seed, kPlayType, static_cast<std::uint64_t>(p)));
    double u = static_cast<double>(rng() >> 11) * 0x1.0p-53 * total_weight;
    std::size_t k = 0;
    while (k + 1 < types.size() && u >= types[k].weight) u -= types[k++].weight;
    d.type[static_cast<std::size_t>(p)] = static_cast<std::int32_t>(k);
  }
  const std::int64_t lo = P * rank / ranks, hi = P * (rank + 1) / ranks;
  std::vector<std::int64_t> states(static_cast<std::size_t>((hi - lo) * N * (T + 1)));
  std::vector<std::int64_t> actions(static_cast<std::size_t>((hi - lo) * N * T));
  for (std::int64_t p = lo; p < hi; ++p) {
    const auto k = static_cast<std::size_t>(d.type[static_cast<std::size_t>(p)]);
    irl::samplePlay(*models[k], solutions[k].policy, solutions[k].flow, N,
                    irl::streamSeed(config.seed, kPlayAgents, static_cast<std::uint64_t>(p)),
                    states.data() + (p - lo) * N * (T + 1), actions.data() + (p - lo) * N * T);
  }
  d.states = parallel::allGatherConcat(states, MPI_INT64_T, comm);
  d.actions = parallel::allGatherConcat(actions, MPI_INT64_T, comm);
  d.model = config.model;
  d.parameters_json = parametersJson(*base).dump();
  d.types_json = io::typesToJson(types);
  d.beta = config.beta;
  d.seed = config.seed;
  io::writeDemonstrations(config.out, d, comm);
  std::vector<long> per_type(types.size(), 0);
  for (auto k : d.type) ++per_type[static_cast<std::size_t>(k)];
  std::string counts;
  for (std::size_t k = 0; k < per_type.size(); ++k) counts += fmt::format("{}{}", k ? ", " : "", per_type[k]);
  log.info("wrote {}: {} plays (per type: {}), {} agents, {} steps", config.out, P, counts, N, T);
}

void addIrlCommands(CLI::App& app, IrlOptions& o) {
  auto* d = app.add_subcommand("demonstrate",
                               "Experts' plays of a mean-field game: each type's entropy-regularised equilibrium, "
                               "then P plays of N agents (one hidden type per play) into an HDF5 file");
  d->add_option("--model", o.demonstrate.model, "Model name (see `mfg models`)")->required();
  d->add_option("--set", o.demonstrate_set, "Model parameter override key=value (repeatable)");
  d->add_option("--types", o.demonstrate.types,
                "TOML file with one [[type]] table per agent type: weight = w and reward-parameter overrides");
  d->add_option("--plays", o.demonstrate.plays, "Number of plays P")->capture_default_str();
  d->add_option("--agents", o.demonstrate.agents, "Agents per play N")->capture_default_str();
  d->add_option("--beta", o.demonstrate.beta, "Temperature of the experts' soft best response")->capture_default_str();
  d->add_option("--seed", o.demonstrate.seed, "Random seed")->capture_default_str();
  d->add_option("--out", o.demonstrate.out, "Output file (DEMOS.h5)")->required();
  o.demonstrate_command = d;

  auto* i = app.add_subcommand("irl",
                               "Inverse RL for mean-field games from a demonstration file: pemmfirl (latent types), "
                               "mf-airl, mfirl (exact MaxEnt) or bc; writes OUT/reward.pt, result.h5, summary.json");
  i->add_option("--method", o.irl.method, "pemmfirl | mf-airl | mfirl | bc")->capture_default_str();
  i->add_option("--demos", o.irl.demos, "Demonstration file (mfg demonstrate)")->required();
  i->add_option("--model", o.irl.model, "Model name; its dynamics are what the learner assumes")->required();
  i->add_option("--set", o.irl_set, "Model parameter override key=value over the file's parameters (repeatable)");
  i->add_option("--iterations", o.irl.iterations, "Training iterations")->capture_default_str();
  i->add_option("--seed", o.irl.seed, "Random seed")->capture_default_str();
  i->add_option("--types", o.irl.types,
                "pemmfirl: K > 0 gives a categorical context over K types; 0 a Gaussian one; auto a categorical "
                "context over the fewest types that explain the spread between the plays")
      ->capture_default_str();
  i->add_option("--max-types", o.irl.max_types, "pemmfirl --types auto: at most this many types")->capture_default_str();
  i->add_option("--context-init", o.irl.context_init,
                "pemmfirl --types K|auto: kmeans (the encoder is first pulled toward a k-means clustering of the plays) "
                "or random")
      ->capture_default_str();
  i->add_option("--context-warmup", o.irl.context_warmup,
                "pemmfirl --types K|auto --context-init kmeans: iterations over which that pull fades to zero")
      ->capture_default_str();
  i->add_option("--latent", o.irl.latent, "pemmfirl: dimension of the Gaussian context")->capture_default_str();
  i->add_option("--c-info", o.irl.c_info, "pemmfirl: weight of the information terms")->capture_default_str();
  i->add_option("--c-imit", o.irl.c_imit, "pemmfirl: weight of behaviour cloning")->capture_default_str();
  i->add_option("--learning-rate", o.irl.learning_rate, "Adam step size")->capture_default_str();
  i->add_option("--batch-plays", o.irl.batch_plays, "Plays per iteration (0: all)")->capture_default_str();
  i->add_option("--groups", o.irl.groups, "Rank groups; each splits the states of its plays' exact passes (0: one per rank)")
      ->capture_default_str();
  i->add_option("--generated-agents", o.irl.generated_agents,
                "Agents of each generated play (0: as many as a demonstrated play, at most 64)")->capture_default_str();
  i->add_option("--checkpoint-every", o.irl.checkpoint_every, "Iterations between writes of OUT/reward.pt")->capture_default_str();
  i->add_flag("--resume", o.irl.resume, "Continue from OUT/reward.pt");
  i->add_flag("--no-plots", o.no_plots, "Do not draw OUT/irl_type*.png/pdf");
  i->add_option("--out", o.irl.out, "Output directory")->capture_default_str();
  o.irl_command = i;
}

bool runIrl(IrlOptions& o, MPI_Comm comm) {
  if (o.demonstrate_command && o.demonstrate_command->parsed()) {
    io::applySetItems(o.demonstrate_set, o.demonstrate.parameters);
    demonstrate(o.demonstrate, comm);
    return true;
  }
  if (o.irl_command && o.irl_command->parsed()) {
    setThreads(threadsPerRank());
    io::applySetItems(o.irl_set, o.irl.parameters);
    o.irl.plots = !o.no_plots;
    irl(o.irl, comm);
    return true;
  }
  return false;
}

}  // namespace mfg::cli
