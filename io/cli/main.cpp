// mfg: command-line entry point. Parses flags, then hands over to the commands in Commands.cpp.
// Exit status: 0 success, 1 internal failure (all ranks abort), 2 bad input (nothing written),
// 3 training diverged (last good checkpoint kept), 75 stopped by SIGUSR1/SIGTERM after writing a
// checkpoint (rerun with --resume; the SLURM scripts requeue).
#include <hdf5.h>
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "io/Logger.hpp"
#include "io/cli/Commands.hpp"
#include "io/cli/Irl.hpp"
#include "io/cli/Marl.hpp"
#include "io/cli/Threads.hpp"
#include "solver/engine/PetscSession.hpp"
#include "solver/models/InputError.hpp"

namespace {

int run(int argc, char** argv, const std::string& petsc_options_from_argv);

// PETSc must start before parsing (for MPI), and its options come from one flag, so that flag is
// looked up by hand first.
std::string findPetscOptions(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--petsc-options") return argv[i + 1];
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // HDF5 failures are reported by mfg, not as stacks
  int status = 0;
  {
    mfg::PetscSession petsc(findPetscOptions(argc, argv));
    mfg::cli::limitBlasThreads(mfg::cli::threadsPerRank());
    try {
      status = run(argc, argv, findPetscOptions(argc, argv));
    } catch (const mfg::InputError& e) {
      mfg::io::Logger(MPI_COMM_WORLD).error("mfg: error: {}", e.what());
      status = 2;
    } catch (const std::exception& e) {
      int rank = 0;
      MPI_Comm_rank(MPI_COMM_WORLD, &rank);
      std::fprintf(stderr, "mfg: internal error on rank %d: %s\n", rank, e.what());
      std::fflush(stderr);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  return status;
}

namespace {

int run(int argc, char** argv, const std::string&) {
  mfg::io::Logger log(MPI_COMM_WORLD);
  CLI::App app{"mfg: exact distributed solver for mean-field games (PETSc + MPI)"};
  app.require_subcommand(1);
  std::string petsc_options;
  app.add_option("--petsc-options", petsc_options,
                 "PETSc options, e.g. \"-mfg_kernel_mat_type baij -log_view\" (PETSC_OPTIONS works too)");

  auto* models = app.add_subcommand("models", "List the built-in models with their parameters and defaults");

  mfg::io::SolveConfig solve;
  std::string solve_config;
  std::vector<std::string> solve_set;
  double learning_rate = 0, damping = 0;
  auto* s = app.add_subcommand("solve", "Solve a model with a tabular algorithm; writes OUT/result.h5 and OUT/summary.json");
  s->add_option("--model", solve.model, "Model name (see `mfg models`)")->capture_default_str();
  s->add_option("--set", solve_set, "Model parameter override key=value (repeatable; lists as [1,2,3])");
  s->add_option("--config", solve_config, "TOML config file (command-line flags take precedence)");
  s->add_option("--algorithm", solve.algorithm, "fp | omd | fixed-point")->capture_default_str();
  s->add_option("--iterations", solve.iterations, "Number of iterations")->capture_default_str();
  s->add_option("--out", solve.out, "Output directory")->capture_default_str();
  auto* lr = s->add_option("--learning-rate", learning_rate, "OMD step size η (default 1)");
  auto* dp = s->add_option("--damping", damping, "fixed-point damping weight in (0, 1] (default 0.5)");
  s->add_flag("--resume", solve.resume, "Continue from OUT/checkpoint.h5 when it exists");
  s->add_option("--checkpoint-every", solve.checkpoint_every, "Write OUT/checkpoint.h5 every K iterations")
      ->capture_default_str();
  bool no_plots = false;
  s->add_flag("--no-plots", no_plots, "Do not draw OUT/*.png and OUT/*.pdf after the results (see `mfg plot`)");

  mfg::cli::EvaluateConfig eval;
  std::vector<std::string> eval_set;
  auto* e = app.add_subcommand("evaluate", "Exact exploitability of a policy given as HDF5 /policy [steps, S..., A...]");
  e->add_option("--model", eval.model, "Model name (see `mfg models`)")->required();
  e->add_option("--set", eval_set, "Model parameter override key=value (repeatable)");
  e->add_option("--policy", eval.policy, "HDF5 file with dataset /policy")->required();
  e->add_option("--out", eval.out, "Write the result as JSON to this file");

  mfg::cli::CertifyConfig cert;
  std::vector<std::string> cert_set;
  auto* c = app.add_subcommand(
      "certify",
      "Certified exploitability of a policy: the clairvoyant per-path bound with a 95% CI, and the "
      "non-anticipative exploitability (exact on the scenario tree, or sampled); writes OUT.json and OUT.h5");
  c->add_option("--model", cert.model, "Model name (see `mfg models`)")->required();
  c->add_option("--set", cert_set, "Model parameter override key=value (repeatable)");
  c->add_option("--policy", cert.policy,
                "HDF5 file with /policy [steps or tree nodes, S..., A...], a network checkpoint "
                "(OUT/checkpoint.pt of `mfg train`), or 'uniform'")
      ->capture_default_str();
  c->add_option("--paths", cert.paths, "Sampled noise paths N (and sampled subtrees when the tree is not exact)")
      ->capture_default_str();
  c->add_option("--tree", cert.tree, "Non-anticipative bound: exact | sampled | auto (exact when enumerable)")
      ->capture_default_str();
  c->add_option("--seed", cert.seed, "Seed of the sampled paths (subtrees use seed + 1)")->capture_default_str();
  c->add_option("--branching", cert.branching, "Sampled tree: children per node above --branch-depth")
      ->capture_default_str();
  c->add_option("--branch-depth", cert.branch_depth, "Sampled tree: levels that branch")->capture_default_str();
  c->add_option("--groups", cert.groups, "Rank groups splitting the paths (0: automatic)")->capture_default_str();
  c->add_option("--out", cert.out, "Certificate path prefix: writes OUT.json and OUT.h5")->required();
  c->add_flag("--no-plots", no_plots, "Do not draw OUT_per_state and OUT_unit_values (.png, .pdf)");

  mfg::cli::TrainConfig tr;
  std::string train_config;
  std::vector<std::string> train_set;
  auto* t = app.add_subcommand("train",
                               "Train a network policy with SPG or RSPG (exact mean-field passes, sampled common "
                               "noise) or with the sample-based baselines IPPO and RIPPO (learners in sampled "
                               "mean-field sequences); writes OUT/checkpoint.pt, OUT/result.h5 and OUT/summary.json");
  t->add_option("--model", tr.model, "Model name (see `mfg models`)")->capture_default_str();
  t->add_option("--algorithm", tr.algorithm, "spg | rspg | ippo | rippo | momd")->capture_default_str();
  t->add_option("--set", train_set, "Model parameter override key=value (repeatable)");
  t->add_option("--config", train_config,
                "TOML config (model, algorithm, iterations, out, [parameters], [settings] with paths, "
                "learning_rate, seed, groups, eval_paths, eval_every, checkpoint_every, time_limit, particles, "
                "learners)");
  t->add_option("--iterations", tr.iterations, "Gradient steps")->capture_default_str();
  t->add_option("--paths", tr.paths, "Noise paths per step (N)")->capture_default_str();
  t->add_option("--particles", tr.particles, "ippo, rippo, momd: particles of each sampled mean-field sequence")
      ->capture_default_str();
  t->add_option("--learners", tr.learners, "ippo, rippo, momd: learners acting on each noise path")->capture_default_str();
  t->add_option("--learning-rate", tr.learning_rate, "Adam's initial rate (decays linearly to 0.1x)")
      ->capture_default_str();
  t->add_option("--seed", tr.seed, "Seed of θ and of the sampled paths")->capture_default_str();
  t->add_option("--groups", tr.groups, "Rank groups splitting the paths (0: automatic)")->capture_default_str();
  t->add_option("--eval-paths", tr.eval_paths, "Paths of the clairvoyant evaluation (0: --paths)")
      ->capture_default_str();
  t->add_option("--eval-every", tr.eval_every, "Evaluate exploitability every K iterations")->capture_default_str();
  t->add_option("--checkpoint-every", tr.checkpoint_every, "Write the checkpoint every K iterations")
      ->capture_default_str();
  t->add_option("--time-limit", tr.time_limit, "Stop cleanly after this many seconds (0: none)")
      ->capture_default_str();
  t->add_flag("--resume", tr.resume, "Continue from OUT/checkpoint.pt when it exists");
  t->add_option("--state-encoding", tr.state_encoding, "index (learned embedding) | value (normalised coordinates)")
      ->capture_default_str();
  t->add_option("--out", tr.out, "Output directory")->capture_default_str();
  t->add_flag("--no-plots", no_plots, "Do not draw OUT/*.png and OUT/*.pdf after the results (see `mfg plot`)");
  t->add_option("--inject-nan-at", tr.inject_nan_at, "Testing: make the gradient NaN at this iteration")
      ->group("");  // hidden: exercises the divergence guard

  mfg::cli::EquilibriumConfig eqc;
  std::vector<std::string> eq_set;
  auto* q = app.add_subcommand("equilibrium",
                               "Stationary (infinite-horizon) equilibrium of a price-taking economy such as "
                               "aiyagari: bisection then Brent's method on the price, policy iteration and the "
                               "stationary distribution at each price; writes OUT/result.h5, OUT/summary.json "
                               "and plots");
  q->add_option("--model", eqc.model, "Stationary model (see `mfg models`)")->capture_default_str();
  q->add_option("--set", eq_set, "Model parameter override key=value (repeatable)");
  q->add_option("--tolerance", eqc.tolerance, "Stop when the price bracket is narrower than this, in (0, 0.1]")
      ->capture_default_str();
  q->add_option("--out", eqc.out, "Output directory")->capture_default_str();
  q->add_flag("--no-plots", no_plots,
              "Do not draw OUT/wealth_distribution, OUT/savings_policy and OUT/price_search (.png, .pdf)");

  mfg::cli::ReportAlmConfig alm;
  auto* ra = app.add_subcommand("report-alm",
                                "Aggregate law of motion of a trained krusell_smith policy: simulates the mean field "
                                "along one long seeded shock path, regresses log K' on log K in bad and good times, "
                                "runs Den Haan's test; writes DIR/summary.json (law_of_motion), DIR/alm.h5 and plots");
  ra->add_option("DIR", alm.dir, "Output directory of `mfg train --model krusell_smith`")->required();
  ra->add_option("--quarters", alm.quarters, "Quarters reported after the burn-in")->capture_default_str();
  ra->add_option("--burn-in", alm.burn_in, "Quarters simulated and discarded first")->capture_default_str();
  ra->add_option("--seed", alm.seed, "Seed of the aggregate shock path")->capture_default_str();
  bool alm_no_plots = false;
  ra->add_flag("--no-plots", alm_no_plots, "Do not draw DIR/alm_capital and DIR/alm_wealth");

  mfg::cli::SolveAlmConfig salm;
  std::vector<std::string> salm_set;
  auto* sa = app.add_subcommand(
      "solve-alm",
      "Krusell-Smith economy by Krusell & Smith's algorithm on the exact distribution: household problem "
      "(endogenous grid method) given a perceived law log K' = a_z + b_z log K, the mean field propagated exactly "
      "on the (k, eps) grid along one long seeded shock path, regression by regime, damped update until the law "
      "is a fixed point; writes OUT/summary.json (law_of_motion), OUT/alm.h5 (path, household policy) and plots. "
      "`mfg certify --policy OUT/alm.h5` certifies the policy");
  sa->add_option("--model", salm.model, "Model (krusell_smith only)")->capture_default_str();
  sa->add_option("--set", salm_set, "Model parameter override key=value (repeatable)");
  sa->add_option("--iterations", salm.iterations, "Outer iterations at most")->capture_default_str();
  sa->add_option("--tolerance", salm.tolerance, "Stop when no coefficient of the law changes by more than this")
      ->capture_default_str();
  sa->add_option("--damping", salm.damping, "Weight of the fitted law in each update, in (0, 1]")
      ->capture_default_str();
  sa->add_option("--seed", salm.seed, "Seed of the aggregate shock path (the path of report-alm's seed)")
      ->capture_default_str();
  sa->add_option("--quarters", salm.quarters, "Quarters regressed after the burn-in")->capture_default_str();
  sa->add_option("--burn-in", salm.burn_in, "Quarters simulated and discarded first")->capture_default_str();
  sa->add_option("--aggregate-points", salm.aggregate_points, "Points of the household's grid of aggregate capital")
      ->capture_default_str();
  sa->add_option("--aggregate-span", salm.aggregate_span,
                 "That grid spans [K/(1+span), K(1+span)] around the steady state K, log-spaced")
      ->capture_default_str();
  sa->add_option("--out", salm.out, "Output directory")->capture_default_str();
  bool salm_no_plots = false;
  sa->add_flag("--no-plots", salm_no_plots, "Do not draw OUT/alm_capital and OUT/alm_wealth");

  std::string plot_path, plot_formats = "png,pdf";
  auto* pl = app.add_subcommand("plot",
                                "Draw the figures of a result: exploitability, mean-field flows and policies of "
                                "DIR/result.h5 (`mfg solve`, `mfg train`), per-state gaps and unit values of a "
                                "certificate (OUT.h5 of `mfg certify`)");
  pl->add_option("PATH", plot_path, "Output directory of solve or train, or a certificate (OUT, OUT.json or OUT.h5)")
      ->required();
  pl->add_option("--format", plot_formats, "Comma-separated file formats: png, pdf, svg")->capture_default_str();

  mfg::cli::MarlOptions marl_options;
  auto* marl = mfg::cli::addMarlCommands(app, marl_options);
  mfg::cli::IrlOptions irl_options;
  mfg::cli::addIrlCommands(app, irl_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // The help of the innermost subcommand given (`mfg marl dataset --help`).
    const CLI::App* shown = &app;
    while (!shown->get_subcommands().empty()) shown = shown->get_subcommands().front();
    if (log.isRoot()) std::cout << shown->help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    if (log.isRoot()) std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& err) {
    throw mfg::InputError(std::string(err.what()) + " (see --help)");
  }

  if (models->parsed()) {
    mfg::cli::listModels(MPI_COMM_WORLD);
  } else if (s->parsed()) {
    // Defaults < config file < flags: re-apply the flags that were given over the file's values.
    mfg::io::SolveConfig merged;
    if (!solve_config.empty()) mfg::io::applyTomlFile(solve_config, merged);
    if (s->count("--model")) merged.model = solve.model;
    if (s->count("--algorithm")) merged.algorithm = solve.algorithm;
    if (s->count("--iterations")) merged.iterations = solve.iterations;
    if (s->count("--out")) merged.out = solve.out;
    mfg::io::applySetItems(solve_set, merged.parameters);
    if (lr->count()) merged.settings["learning_rate"] = learning_rate;
    if (dp->count()) merged.settings["damping"] = damping;
    merged.resume = solve.resume;
    merged.checkpoint_every = solve.checkpoint_every;
    const int status = mfg::cli::solve(merged, MPI_COMM_WORLD);
    if (status == 0 && !no_plots) mfg::cli::plotAfterRun(merged.out, MPI_COMM_WORLD);
    return status;
  } else if (pl->parsed()) {
    mfg::cli::plot(plot_path, plot_formats, MPI_COMM_WORLD);
  } else if (t->parsed()) {
    mfg::cli::TrainConfig merged = tr;
    if (!train_config.empty()) {
      // The file sets what the flags did not: defaults < file < flags.
      mfg::io::SolveConfig file;
      file.model = tr.model;
      file.algorithm = tr.algorithm;
      file.iterations = tr.iterations;
      file.out = tr.out;
      mfg::io::applyTomlFile(train_config, file);
      if (!t->count("--model")) merged.model = file.model;
      if (!t->count("--algorithm")) merged.algorithm = file.algorithm;
      if (!t->count("--iterations")) merged.iterations = file.iterations;
      if (!t->count("--out")) merged.out = file.out;
      merged.parameters = file.parameters;
      mfg::io::checkSettings(train_config, file.settings, mfg::io::trainSettingRanges());
      for (const auto& [key, value] : file.settings) {
        const auto flag = "--" + std::string(key == "learning_rate" ? "learning-rate"
                                             : key == "eval_paths" ? "eval-paths"
                                             : key == "eval_every" ? "eval-every"
                                             : key == "checkpoint_every" ? "checkpoint-every"
                                             : key == "time_limit" ? "time-limit" : key);
        if (t->count(flag)) continue;
        if (key == "paths") merged.paths = static_cast<int>(value);
        else if (key == "learning_rate") merged.learning_rate = value;
        else if (key == "seed") merged.seed = static_cast<std::uint64_t>(value);
        else if (key == "groups") merged.groups = static_cast<int>(value);
        else if (key == "eval_paths") merged.eval_paths = static_cast<int>(value);
        else if (key == "eval_every") merged.eval_every = static_cast<long>(value);
        else if (key == "checkpoint_every") merged.checkpoint_every = static_cast<long>(value);
        else if (key == "time_limit") merged.time_limit = value;
        else if (key == "particles") merged.particles = static_cast<std::int64_t>(value);
        else if (key == "learners") merged.learners = static_cast<int>(value);
      }
    }
    mfg::io::applySetItems(train_set, merged.parameters);
    const int status = mfg::cli::train(merged, MPI_COMM_WORLD);
    if (status == 0 && !no_plots) mfg::cli::plotAfterRun(merged.out, MPI_COMM_WORLD);
    return status;
  } else if (c->parsed()) {
    mfg::io::applySetItems(cert_set, cert.parameters);
    mfg::cli::certify(cert, MPI_COMM_WORLD);
    if (!no_plots) mfg::cli::plotAfterRun(cert.out, MPI_COMM_WORLD);
  } else if (q->parsed()) {
    mfg::io::applySetItems(eq_set, eqc.parameters);
    mfg::cli::equilibrium(eqc, MPI_COMM_WORLD);
    if (!no_plots) mfg::cli::plotAfterRun(eqc.out, MPI_COMM_WORLD);
  } else if (sa->parsed()) {
    mfg::io::applySetItems(salm_set, salm.parameters);
    salm.plots = !salm_no_plots;
    mfg::cli::solveAlm(salm, MPI_COMM_WORLD);
  } else if (ra->parsed()) {
    alm.plots = !alm_no_plots;
    mfg::cli::reportAlm(alm, MPI_COMM_WORLD);
  } else if (marl->parsed()) {
    return mfg::cli::runMarl(*marl, marl_options, MPI_COMM_WORLD);
  } else if (mfg::cli::runIrl(irl_options, MPI_COMM_WORLD)) {
    return 0;
  } else if (e->parsed()) {
    mfg::io::applySetItems(eval_set, eval.parameters);
    mfg::cli::evaluate(eval, MPI_COMM_WORLD);
  }
  return 0;
}

}  // namespace
