// `mfg train`: SPG / RSPG (solver/learn) or IPPO / RIPPO (solver/rl) with periodic evaluation, checkpoints, resume and a wall
// budget. Writes OUT/checkpoint.pt (every K iterations and at the end), OUT/result.h5 and
// OUT/summary.json.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/Commands.hpp"
#include "io/cli/Threads.hpp"
#include "parallel/Collectives.hpp"
#include "parallel/StopRequest.hpp"
#include "solver/learn/PolicyGradient.hpp"
#include "solver/rl/MomdTrainer.hpp"
#include "solver/rl/PpoTrainer.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::cli {

namespace {

struct History {
  std::vector<double> iteration, wall_seconds, exploitability, ci_low, ci_high, non_anticipative, objective;

  std::map<std::string, torch::Tensor> tensors() const {
    std::map<std::string, torch::Tensor> m;
    for (const auto& [name, v] : fields()) m[name] = torch::tensor(*v, torch::kFloat64);
    return m;
  }
  void from(const std::map<std::string, torch::Tensor>& m) {
    for (const auto& [name, v] : fields()) {
      const auto t = m.at(name).to(torch::kFloat64).contiguous();
      const_cast<std::vector<double>*>(v)->assign(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
    }
  }
  std::vector<std::pair<std::string, const std::vector<double>*>> fields() const {
    return {{"iteration", &iteration},       {"wall_seconds", &wall_seconds}, {"exploitability", &exploitability},
            {"ci_low", &ci_low},             {"ci_high", &ci_high},           {"non_anticipative", &non_anticipative},
            {"objective", &objective}};
  }
};

void writeTrainResult(const std::string& path, const Model& model, const TrainConfig& config, const History& h,
                      const PathSnapshot& snap) {
  const std::string tmp = path + ".partial";
  {
    io::Hid file = io::openParallel(tmp, MPI_COMM_SELF, true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    io::Hid group(io::checked(H5Gcreate2(file, "/history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                  H5Gclose);
    io::writeSerial(file, "/history/iteration", h.iteration);
    io::writeSerial(file, "/history/wall_seconds", h.wall_seconds);
    io::writeSerial(file, "/history/exploitability", h.exploitability);
    io::writeSerial(file, "/history/exploitability_ci95_low", h.ci_low);
    io::writeSerial(file, "/history/exploitability_ci95_high", h.ci_high);
    io::writeSerial(file, "/history/objective", h.objective);
    if (!h.non_anticipative.empty() && !std::isnan(h.non_anticipative.back()))
      io::writeSerial(file, "/history/non_anticipative", h.non_anticipative);
    // A few evaluation paths of the final policy, for `mfg plot`.
    {
      io::Hid paths(io::checked(H5Gcreate2(file, "/paths", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                    H5Gclose);
      const auto P = static_cast<hsize_t>(snap.mu.size());
      const auto T1 = static_cast<hsize_t>(model.numSteps() + 1);
      const auto K = static_cast<hsize_t>(snap.times.size());
      std::vector<hsize_t> mu_dims{P, T1}, pi_dims{P, K}, z_dims{P, T1, 0};
      for (auto d : model.stateShape()) {
        mu_dims.push_back(static_cast<hsize_t>(d));
        pi_dims.push_back(static_cast<hsize_t>(d));
      }
      for (auto d : model.actionShape()) pi_dims.push_back(static_cast<hsize_t>(d));
      std::vector<double> mu, pi, z;
      for (const auto& path : snap.mu)
        for (const auto& m : path) mu.insert(mu.end(), m.begin(), m.end());
      for (const auto& path : snap.pi)
        for (const auto& p : path) pi.insert(pi.end(), p.begin(), p.end());
      std::size_t width = 0;
      for (const auto& path : snap.z)
        for (const auto& zt : path) width = std::max(width, zt.size());
      for (const auto& path : snap.z)
        for (const auto& zt : path)
          for (std::size_t k = 0; k < std::max<std::size_t>(width, 1); ++k) z.push_back(k < zt.size() ? zt[k] : 0.0);
      z_dims[2] = std::max<hsize_t>(width, 1);
      io::writeSerial(file, "/paths/mean_field", mu, mu_dims);
      io::writeSerial(file, "/paths/policy", pi, pi_dims);
      io::writeSerial(file, "/paths/z", z, z_dims);
      std::vector<std::int64_t> times(snap.times.begin(), snap.times.end());
      io::writeAttribute(paths, "times", times);
    }
    io::writeAttribute(file, "model", model.name());
    io::writeAttribute(file, "algorithm", config.algorithm);
    io::writeAttribute(file, "state_shape", model.stateShape());
    io::writeAttribute(file, "action_shape", model.actionShape());
    io::writeAttribute(file, "checkpoint", std::string("checkpoint.pt"));
    io::Hid params(io::checked(H5Gcreate2(file, "/parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                   H5Gclose);
    for (const auto& [key, value] : model.parameters().values()) io::writeAttribute(params, key, value);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int train(const TrainConfig& config, MPI_Comm comm) {
  // Installed first, so that a signal during set-up stops the run at its first iteration boundary.
  parallel::StopRequest stop_request;
  io::Logger log(comm);
  const auto model = makeModel(config.model, config.parameters);
  const bool structural = config.algorithm == "spg" || config.algorithm == "rspg";
  if (!structural && config.algorithm != "ippo" && config.algorithm != "rippo" && config.algorithm != "momd")
    throw InputError("algorithm = '" + config.algorithm + "' is invalid for train (valid: spg, rspg, ippo, rippo, momd)");
  if (config.particles < 1 || config.particles > 100000000)
    throw InputError("particles = " + std::to_string(config.particles) + " is invalid (valid: 1..100000000)");
  if (config.learners < 1 || config.learners > 100000)
    throw InputError("learners = " + std::to_string(config.learners) + " is invalid (valid: 1..100000)");
  if (config.iterations < 0 || config.iterations > io::kMaxIterations)
    throw InputError("iterations = " + std::to_string(config.iterations) + " is out of range [0, " +
                     std::to_string(io::kMaxIterations) + "]");
  if (config.eval_every < 1) throw InputError("eval-every = " + std::to_string(config.eval_every) + " must be >= 1");
  if (config.checkpoint_every < 1)
    throw InputError("checkpoint-every = " + std::to_string(config.checkpoint_every) + " must be >= 1");
  if (config.state_encoding != "index" && config.state_encoding != "value")
    throw InputError("state-encoding = '" + config.state_encoding + "' is invalid (valid: index, value)");
  if (!std::isfinite(config.time_limit) || config.time_limit < 0)
    throw InputError("time-limit = " + std::to_string(config.time_limit) + " is invalid (valid: >= 0 seconds; 0: none)");
  if (config.eval_paths < 0)
    throw InputError("eval-paths = " + std::to_string(config.eval_paths) + " is invalid (valid: >= 0; 0: --paths)");
  if (config.inject_nan_at < -1)
    throw InputError("inject-nan-at = " + std::to_string(config.inject_nan_at) + " is invalid (valid: >= 0)");
  int world_size = 1, world_rank = 0;
  MPI_Comm_size(comm, &world_size);
  MPI_Comm_rank(comm, &world_rank);
  if (config.groups < 0 || config.groups > world_size)
    throw InputError("groups = " + std::to_string(config.groups) + " is invalid (valid: 0 for automatic, or 1.." +
                     std::to_string(world_size) + ")");

  setThreads(threadsPerRank());
  std::unique_ptr<Trainer> learner;
  // The options every learner reads, then those of the sample-based ones (fields of the same names).
  const auto shared = [&config](auto& settings) {
    settings.paths = config.paths;
    settings.learning_rate = config.learning_rate;
    settings.iterations = config.iterations;
    settings.seed = config.seed;
    settings.groups = config.groups;
    settings.eval_paths = config.eval_paths;
    settings.state_as_index = config.state_encoding == "index";
  };
  const auto sampled = [&config, &shared](auto& settings) {
    shared(settings);
    settings.particles = config.particles;
    settings.learners_per_path = config.learners;
  };
  if (structural) {
    TrainSettings settings;
    shared(settings);
    settings.recurrent = config.algorithm == "rspg";
    settings.inject_nan_at = config.inject_nan_at;
    learner = std::make_unique<PolicyGradientTrainer>(*model, comm, settings);
  } else if (config.algorithm == "momd") {
    rl::MomdSettings settings;
    sampled(settings);
    learner = std::make_unique<rl::MomdTrainer>(*model, comm, settings);
  } else {
    rl::PpoSettings settings;
    sampled(settings);
    settings.recurrent = config.algorithm == "rippo";
    learner = std::make_unique<rl::PpoTrainer>(*model, comm, settings);
  }
  Trainer& trainer = *learner;
  trainer.setup();
  makeDirectory(config.out, comm);
  const auto dir = std::filesystem::path(config.out);
  const std::string checkpoint = (dir / "checkpoint.pt").string();

  History history;
  double trained_seconds = 0.0;
  if (config.resume && std::filesystem::exists(checkpoint)) {
    auto extra = history.tensors();
    extra["trained_seconds"] = torch::zeros({1}, torch::kFloat64);
    trainer.load(checkpoint, &extra);
    history.from(extra);
    trained_seconds = extra["trained_seconds"].item<double>();
    log.info("mfg train: resumed from {} at iteration {}", checkpoint, trainer.iteration());
  }
  const auto save = [&] {
    auto extra = history.tensors();
    extra["trained_seconds"] = torch::tensor(std::vector<double>{trained_seconds}, torch::kFloat64);
    trainer.save(checkpoint, extra);
  };
  const auto record = [&](double objective) {
    const auto ev = trainer.evaluate();
    if (!std::isfinite(ev.clairvoyant))
      throw DivergenceError("the evaluated exploitability is not finite at iteration " +
                            std::to_string(trainer.iteration()));
    history.iteration.push_back(static_cast<double>(trainer.iteration()));
    history.wall_seconds.push_back(trained_seconds);
    history.exploitability.push_back(ev.clairvoyant);
    history.ci_low.push_back(ev.ci_low);
    history.ci_high.push_back(ev.ci_high);
    history.non_anticipative.push_back(ev.has_exact ? ev.non_anticipative : std::nan(""));
    history.objective.push_back(objective);
    if (ev.has_exact)
      log.info("{:>8}  {:>14.6g}  [{:.6g}, {:.6g}]  {:>14.6g}  {:>10.2f}", trainer.iteration(), ev.clairvoyant,
               ev.ci_low, ev.ci_high, ev.non_anticipative, trained_seconds);
    else
      log.info("{:>8}  {:>14.6g}  [{:.6g}, {:.6g}]  {:>14}  {:>10.2f}", trainer.iteration(), ev.clairvoyant, ev.ci_low,
               ev.ci_high, "-", trained_seconds);
  };

  log.info("mfg train: model {} ({} states x {} actions, {} steps), {} with {} paths{}, {} iterations, {} rank(s) x {} "
           "thread(s)",
           model->name(), model->numStates(), model->numActions(), model->numSteps(), config.algorithm, config.paths,
           structural ? std::string()
                      : fmt::format(" ({} learners each, {} particles per sampled sequence)", config.learners,
                                    config.particles),
           config.iterations, world_size, threadsPerRank());
  log.info("{:>8}  {:>14}  {:>20}  {:>14}  {:>10}", "iter", "clairvoyant", "95% CI", "exact (tree)", "train [s]");

  // Stops: the time limit (clean: results are written), a signal (checkpoint only, exit
  // kExitPreempted so that the job script requeues), divergence (nothing new written, exit 3).
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  bool stopped = false;
  double boundary = elapsed(), longest = 0.0;
  try {
    if (history.iteration.empty()) record(std::nan(""));
    while (trainer.iteration() < config.iterations) {
      longest = std::max(longest, elapsed() - boundary);
      boundary = elapsed();
      stop_request.setDeadline(parallel::StopRequest::deadlineFor(longest));
      // One reduction per iteration: every rank stops at the same boundary, for a signal any rank
      // got or for rank 0's clock.
      const bool over = world_rank == 0 && config.time_limit > 0 && elapsed() >= config.time_limit;
      if (const auto decision = stop_request.agree(comm, over); decision.stop) {
        if (decision.signal > 0) {
          save();
          log.info("mfg train: stopped by signal {} at iteration {}; checkpoint written to {}; exiting with status {} "
                   "(rerun with --resume to continue)",
                   decision.signal, trainer.iteration(), checkpoint, parallel::kExitPreempted);
          return parallel::kExitPreempted;
        }
        stopped = true;
        log.info("time limit of {} s reached at iteration {}; writing the checkpoint and results", config.time_limit,
                 trainer.iteration());
        break;
      }
      const auto t0 = std::chrono::steady_clock::now();
      const double objective = trainer.iterate();
      trained_seconds += parallel::broadcast(
          comm, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      const long k = trainer.iteration();
      if (k % config.eval_every == 0 || k == config.iterations) record(objective);
      if (k % config.checkpoint_every == 0) save();
    }
    stop_request.setDeadline(0);
    if (history.iteration.empty() || history.iteration.back() != static_cast<double>(trainer.iteration()))
      record(std::nan(""));
  } catch (const DivergenceError& e) {
    const bool kept = std::filesystem::exists(checkpoint);
    log.error("mfg train: training diverged: {}. {}; no results were written. Lower --learning-rate, or rerun with "
              "--resume from the checkpoint.",
              e.what(),
              kept ? "The last good checkpoint is kept in " + checkpoint : std::string("No checkpoint had been written"));
    return kExitDiverged;
  }
  save();

  const int T = model->numSteps();
  std::vector<int> times;
  for (int t : {0, T / 4, T / 2, (3 * T) / 4, T - 1})
    if (times.empty() || times.back() != t) times.push_back(t);
  const auto snap = trainer.snapshot(model->noise() ? 4 : 1, times);
  std::optional<std::string> error;
  if (world_rank == 0) {
    try {
      writeTrainResult((dir / "result.h5").string(), *model, config, history, snap);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error(*e);
  nlohmann::json summary = {
      {"model", model->name()},
      {"parameters", parametersJson(*model)},
      {"algorithm", config.algorithm},
      {"iterations", trainer.iteration()},
      {"requested_iterations", config.iterations},
      {"stopped_by_time_limit", stopped},
      {"paths", config.paths},
      {"learning_rate", config.learning_rate},
      {"seed", config.seed},
      {"exploitability", history.exploitability.back()},
      {"exploitability_ci95", {history.ci_low.back(), history.ci_high.back()}},
      {"wall_seconds", trained_seconds},
      {"ranks", world_size},
      {"result", "result.h5"},
      {"checkpoint", "checkpoint.pt"},
  };
  if (!structural) {
    summary["particles"] = config.particles;
    summary["learners_per_path"] = config.learners;
  }
  if (!std::isnan(history.non_anticipative.back())) summary["non_anticipative_exploitability"] = history.non_anticipative.back();
  io::writeTextAtomically((dir / "summary.json").string(), summary.dump(2) + "\n", comm);
  log.info("final clairvoyant exploitability {:.6g} after {} iterations ({:.2f} s of training); wrote {}",
           history.exploitability.back(), trainer.iteration(), trained_seconds, dir.string());
  return 0;
}

}  // namespace mfg::cli
