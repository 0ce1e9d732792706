// `mfg report-alm DIR`: the aggregate law of motion of a trained krusell_smith policy
// (docs/methods.md §10.1). Rebuilds the model from DIR/summary.json and the network from
// DIR/checkpoint.pt, simulates the mean field along one long seeded shock path, and writes the
// regression and Den Haan statistics into DIR/summary.json under `law_of_motion`, the path into
// DIR/alm.h5 and the figures DIR/alm_capital and DIR/alm_wealth.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/Commands.hpp"
#include "io/cli/Threads.hpp"
#include "io/cli/AlmOutput.hpp"
#include "parallel/Collectives.hpp"
#include "solver/aggregate/AggregateSimulation.hpp"
#include "solver/aggregate/LawOfMotion.hpp"
#include "solver/learn/PolicyGradient.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "solver/models/macro/KrusellSmith.hpp"
#include "solver/noise/ScenarioTree.hpp"

namespace mfg::cli {

namespace {

constexpr long kMaxQuarters = 1'000'000;

nlohmann::json readSummary(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError("'" + file.string() + "': no such file (report-alm needs the output directory of `mfg train`)");
  try {
    auto j = nlohmann::json::parse(in);
    if (!j.is_object()) throw InputError("'" + file.string() + "' is not a JSON object");
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw InputError("'" + file.string() + "' is not valid JSON (" + e.what() + ")");
  }
}

/// The model's parameters as `train` recorded them (numbers, booleans, lists) as --set overrides.
std::map<std::string, std::vector<double>> recordedParameters(const nlohmann::json& summary, const std::string& file) {
  std::map<std::string, std::vector<double>> out;
  if (!summary.contains("parameters") || !summary["parameters"].is_object())
    throw InputError("'" + file + "' has no object 'parameters'");
  for (const auto& [key, value] : summary["parameters"].items()) {
    std::vector<double> v;
    const std::function<void(const nlohmann::json&)> add = [&](const nlohmann::json& x) {
      if (x.is_boolean()) v.push_back(x.get<bool>() ? 1.0 : 0.0);
      else if (x.is_number()) v.push_back(x.get<double>());
      else if (x.is_array()) for (const auto& y : x) add(y);
      else throw InputError("'" + file + "': parameter '" + key + "' is neither a number, a boolean nor a list");
    };
    add(value);
    out[key] = std::move(v);
  }
  return out;
}

void writeAlmFile(const std::string& path, const ReportAlmConfig& config, const AlmPathData& data,
                  const LawOfMotion& law) {
  const std::string tmp = path + ".partial";
  {
    io::Hid file = io::openParallel(tmp, MPI_COMM_SELF, true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    writeAlmPath(file, data, law);
    io::writeAttribute(file, "model", std::string("krusell_smith"));
    io::writeAttribute(file, "checkpoint", std::string("checkpoint.pt"));
    io::writeAttribute(file, "seed", std::vector<std::int64_t>{static_cast<std::int64_t>(config.seed)});
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

void reportAlm(const ReportAlmConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const double start = MPI_Wtime();
  if (config.quarters < 10 || config.quarters > kMaxQuarters)
    throw InputError("--quarters = " + std::to_string(config.quarters) + " is out of range [10, " +
                     std::to_string(kMaxQuarters) + "]");
  if (config.burn_in < 0 || config.burn_in > kMaxQuarters)
    throw InputError("--burn-in = " + std::to_string(config.burn_in) + " is out of range [0, " +
                     std::to_string(kMaxQuarters) + "]");
  const auto dir = std::filesystem::path(config.dir);
  if (!std::filesystem::is_directory(dir)) throw InputError("'" + config.dir + "' is not a directory");
  const auto summary_file = dir / "summary.json";
  nlohmann::json summary = readSummary(summary_file);
  const std::string name = summary.value("model", std::string());
  if (name != "krusell_smith")
    throw InputError("'" + summary_file.string() + "' belongs to a run of model '" + name +
                     "'; report-alm needs a `mfg train` run of krusell_smith");
  const auto checkpoint = dir / "checkpoint.pt";
  if (!std::filesystem::is_regular_file(checkpoint))
    throw InputError("'" + checkpoint.string() + "': no such file (report-alm needs the checkpoint of `mfg train`)");
  const auto model = makeModel(name, recordedParameters(summary, summary_file.string()));

  setThreads(threadsPerRank());
  PolicyGradientTrainer trainer(*model, comm, PolicyGradientTrainer::settingsOf(checkpoint.string()));
  trainer.setup();
  trainer.loadPolicy(checkpoint.string());

  // One seeded path of the common noise; z_t is the first entry of the model's noise value.
  const long total = config.burn_in + config.quarters;
  const auto noise = ScenarioTree::sampleHistories(*model->noise(), static_cast<int>(total), 1, config.seed).front();
  const long B = config.burn_in, Q = config.quarters;
  const std::vector<int> dates{static_cast<int>(B), static_cast<int>(B + Q / 2), static_cast<int>(total)};
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  log.info("mfg report-alm: {} (checkpoint of {} at iteration {}), {} quarters after a burn-in of {}, seed {}, {} rank(s)",
           config.dir, summary.value("algorithm", std::string("?")), trainer.iteration(), Q, B, config.seed, ranks);

  AggregateSimulation simulation(*model, comm);
  const auto decide = trainer.sequentialRule(simulation.layout());
  const SimulatedPath path = simulation.run(noise, decide, dates);

  const double z_good = model->parameters().real("z_good");
  std::vector<double> z, K;
  for (long t = 0; t <= total; ++t) {
    z.push_back(noise[static_cast<std::size_t>(t)][0]);
    K.push_back(path.stats[static_cast<std::size_t>(t)][0]);
  }
  const std::vector<double> window(K.begin() + B, K.end());
  std::vector<bool> good;
  for (long t = B; t <= total; ++t) good.push_back(z[static_cast<std::size_t>(t)] == z_good);
  LawOfMotion law;
  try {
    law = lawOfMotion(window, good);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("the law of motion cannot be fitted on this path (") + e.what() +
                     "); raise --quarters so that both regimes occur");
  }
  long bad_quarters = 0;
  for (std::size_t t = 0; t + 1 < good.size(); ++t) bad_quarters += good[t] ? 0 : 1;
  const double wall = parallel::broadcast(comm, MPI_Wtime() - start);

  log.info("  bad times:  log K' = {:.6f} + {:.6f} log K   R^2 = {:.8f}   ({} quarters; Krusell-Smith 1998: 0.085 + "
           "0.965 log K, R^2 0.999998)",
           law.bad.intercept, law.bad.slope, law.bad.r2, law.bad.observations);
  log.info("  good times: log K' = {:.6f} + {:.6f} log K   R^2 = {:.8f}   ({} quarters; Krusell-Smith 1998: 0.095 + "
           "0.962 log K)",
           law.good.intercept, law.good.slope, law.good.r2, law.good.observations);
  log.info("  Den Haan: max |log K - log K_fitted| = {:.4f} %, mean {:.4f} %; K: mean {:.5g}, sd {:.4g} ({:.1f} s)",
           law.den_haan_max_pct, law.den_haan_mean_pct, law.mean_K, law.sd_K, wall);

  // Wealth: the capital marginal of μ at the snapshot dates.
  AlmPathData data;
  data.z = z;
  data.K = K;
  data.burn_in = B;
  data.quarters = Q;
  data.capital_grid = macro::capitalGrid(model->parameters());
  data.wealth = wealthRows(path.snapshots, data.capital_grid.size());
  data.dates = path.snapshot_steps;
  std::optional<std::string> error;
  if (log.isRoot()) {
    try {
      writeAlmFile((dir / "alm.h5").string(), config, data, law);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error(*e);

  summary["law_of_motion"] = lawOfMotionJson(law);
  summary["law_of_motion_simulation"] = {{"quarters", Q},
                                         {"burn_in", B},
                                         {"seed", config.seed},
                                         {"bad_quarters", bad_quarters},
                                         {"good_quarters", Q - bad_quarters},
                                         {"file", "alm.h5"},
                                         {"ranks", ranks},
                                         {"wall_seconds", wall}};
  io::writeTextAtomically(summary_file.string(), summary.dump(2) + "\n", comm);
  log.info("wrote {} (law_of_motion) and {}", summary_file.string(), (dir / "alm.h5").string());

  if (!config.plots || !log.isRoot()) return;
  // The results are on disk; a figure that cannot be drawn is a warning, not a failure.
  try {
    const auto files = plotAlm(config.dir, name, data, law, z_good);
    log.info("plots: wrote {} file(s) in {}", files.size(), config.dir);
  } catch (const std::exception& e) {
    log.error("mfg: warning: the law of motion is written, but plotting it failed: {}", e.what());
  }
}

}  // namespace mfg::cli
