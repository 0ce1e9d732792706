// `mfg solve-alm --model krusell_smith`: the exact method for the economy with aggregate shocks
// (docs/methods.md §10.2). Draws the same seeded shock path as report-alm, runs solver/alm's fixed
// point on the perceived law of motion, and writes OUT/summary.json (law_of_motion in report-alm's
// layout), OUT/alm.h5 (the path, the household policy, the iterations) and the two figures.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/AlmOutput.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/Commands.hpp"
#include "parallel/Collectives.hpp"
#include "solver/alm/AlmSolver.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "solver/noise/ScenarioTree.hpp"

namespace mfg::cli {

namespace {

constexpr long kMaxQuarters = 1'000'000;

template <class T>
void checkRange(const std::string& flag, T value, T low, T high, bool open_low = false) {
  const bool ok = (open_low ? value > low : value >= low) && value <= high;
  if (!ok)
    throw InputError(flag + " = " + std::to_string(value) + " is out of range " + (open_low ? "(" : "[") +
                     std::to_string(low) + ", " + std::to_string(high) + "]");
}

void writeHousehold(hid_t file, const alm::Economy& e, const alm::AlmResult& r) {
  io::Hid group(io::checked(H5Gcreate2(file, "/household", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                H5Gclose);
  const auto& p = r.household.policy;
  io::writeSerial(file, "/household/capital_grid", p.capital());
  io::writeSerial(file, "/household/aggregate_grid", p.aggregate());
  io::writeSerial(file, "/household/capital_next", p.values(), {2, p.aggregate().size(), p.capital().size(), 2});
  io::writeSerial(file, "/household/economy", {e.alpha, e.beta, e.delta, e.labour, e.z[0], e.z[1], e.u[0], e.u[1]});
  io::writeSerial(file, "/household/perceived_law",
                  {r.perceived.intercept[0], r.perceived.slope[0], r.perceived.intercept[1], r.perceived.slope[1]});
  io::writeAttribute(group, "layout", std::string("capital_next[z][K_j][k_i][eps]: z 0 bad 1 good, eps 0 unemployed "
                                                  "1 employed; linear in K between aggregate_grid points; economy = "
                                                  "(alpha, beta, delta, labour, z_bad, z_good, u_bad, u_good); "
                                                  "perceived_law = (a_bad, b_bad, a_good, b_good)"));
  // The outer iterations: perceived and fitted coefficients (a_bad, b_bad, a_good, b_good) and the change.
  io::Hid history(io::checked(H5Gcreate2(file, "/history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                  H5Gclose);
  std::vector<double> perceived, fitted, change;
  for (const auto& h : r.history) {
    perceived.insert(perceived.end(), {h.perceived.intercept[0], h.perceived.slope[0], h.perceived.intercept[1],
                                       h.perceived.slope[1]});
    fitted.insert(fitted.end(), {h.fitted.bad.intercept, h.fitted.bad.slope, h.fitted.good.intercept,
                                 h.fitted.good.slope});
    change.push_back(h.change);
  }
  const hsize_t n = r.history.size();
  io::writeSerial(file, "/history/perceived", perceived, {n, 4});
  io::writeSerial(file, "/history/fitted", fitted, {n, 4});
  io::writeSerial(file, "/history/change", change);
}

}  // namespace

void solveAlm(const SolveAlmConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  const double start = MPI_Wtime();
  if (config.model != "krusell_smith")
    throw InputError("--model = '" + config.model + "': solve-alm solves krusell_smith only");
  checkRange("--iterations", config.iterations, 1, 100000);
  checkRange("--tolerance", config.tolerance, 0.0, 1.0, true);
  checkRange("--damping", config.damping, 0.0, 1.0, true);
  checkRange("--quarters", config.quarters, 10L, kMaxQuarters);
  checkRange("--burn-in", config.burn_in, 0L, kMaxQuarters);
  checkRange("--aggregate-points", config.aggregate_points, 2, 1000);
  checkRange("--aggregate-span", config.aggregate_span, 0.0, 1.0, true);
  if (config.out.empty()) throw InputError("--out is required");
  const auto model = makeModel(config.model, config.parameters);
  const auto economy = alm::Economy::of(model->parameters());

  // The shock path of report-alm for the same seed: z_t is the first entry of the noise pair.
  const long B = config.burn_in, Q = config.quarters, total = B + Q;
  const auto noise = ScenarioTree::sampleHistories(*model->noise(), static_cast<int>(total), 1, config.seed).front();
  std::vector<int> regimes;
  std::vector<double> z;
  for (long t = 0; t <= total; ++t) {
    z.push_back(noise[static_cast<std::size_t>(t)][0]);
    regimes.push_back(economy.regime(z.back()));
  }
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);

  alm::AlmOptions options;
  options.max_iterations = config.iterations;
  options.tolerance = config.tolerance;
  options.damping = config.damping;
  options.aggregate_points = config.aggregate_points;
  options.aggregate_span = config.aggregate_span;
  options.burn_in = B;
  options.snapshot_steps = {static_cast<int>(B), static_cast<int>(B + Q / 2), static_cast<int>(total)};
  options.progress = [&log](const alm::AlmIteration& h) {
    log.info("  iteration {:3d}: perceived bad {:.6f} + {:.6f} log K, good {:.6f} + {:.6f} log K -> fitted bad "
             "{:.6f} + {:.6f}, good {:.6f} + {:.6f}; change {:.2e} (household: {} Euler iterations; K in [{:.4f}, "
             "{:.4f}]; {:.1f} s)",
             h.iteration, h.perceived.intercept[0], h.perceived.slope[0], h.perceived.intercept[1],
             h.perceived.slope[1], h.fitted.bad.intercept, h.fitted.bad.slope, h.fitted.good.intercept,
             h.fitted.good.slope, h.change, h.household_iterations, h.min_K, h.max_K, h.seconds);
  };
  log.info("mfg solve-alm: krusell_smith ({} capital points x 2, {} aggregate capital points within +-{:.0f} %), {} "
           "quarters after a burn-in of {}, seed {}, damping {}, tolerance {:g}, {} rank(s)",
           economy.capital.size(), config.aggregate_points, 100.0 * config.aggregate_span, Q, B, config.seed,
           config.damping, config.tolerance, ranks);
  alm::AlmResult result;
  try {
    result = alm::solveAlm(economy, model->initialDistribution(noise.front()), regimes, options, comm);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("the law of motion cannot be fitted on this path (") + e.what() +
                     "); raise --quarters so that both regimes occur");
  }
  const double wall = parallel::broadcast(comm, MPI_Wtime() - start);
  const auto& law = result.law;
  const auto& grid = result.household.policy.aggregate();
  log.info("{} after {} iteration(s) ({:.1f} s)", result.converged ? "converged" : "NOT converged",
           result.history.size(), wall);
  log.info("  bad times:  log K' = {:.6f} + {:.6f} log K   R^2 = {:.8f}   (Krusell-Smith 1998: 0.085 + 0.965 log K)",
           law.bad.intercept, law.bad.slope, law.bad.r2);
  log.info("  good times: log K' = {:.6f} + {:.6f} log K   R^2 = {:.8f}   (Krusell-Smith 1998: 0.095 + 0.962 log K)",
           law.good.intercept, law.good.slope, law.good.r2);
  log.info("  Den Haan: max {:.4f} %, mean {:.4f} %; K: mean {:.5g}, sd {:.4g}", law.den_haan_max_pct,
           law.den_haan_mean_pct, law.mean_K, law.sd_K);
  if (result.path.min_K < grid.front() || result.path.max_K > grid.back())
    log.info("mfg: warning: K left the aggregate grid [{:.4f}, {:.4f}] (simulated [{:.4f}, {:.4f}]); the policy was "
             "extrapolated linearly in K there; widen --aggregate-span",
             grid.front(), grid.back(), result.path.min_K, result.path.max_K);

  makeDirectory(config.out, comm);
  const auto dir = std::filesystem::path(config.out);
  AlmPathData data;
  data.z = z;
  data.K = result.path.K;
  data.burn_in = B;
  data.quarters = Q;
  data.capital_grid = economy.capital;
  data.wealth = wealthRows(result.path.snapshots, economy.capital.size());
  data.dates = result.path.snapshot_steps;
  std::optional<std::string> error;
  if (log.isRoot()) {
    try {
      const std::string path = (dir / "alm.h5").string(), tmp = path + ".partial";
      {
        io::Hid file = io::openParallel(tmp, MPI_COMM_SELF, true);
        if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
        writeAlmPath(file, data, law);
        writeHousehold(file, economy, result);
        io::writeAttribute(file, "model", std::string("krusell_smith"));
        io::writeAttribute(file, "method", std::string("solve-alm"));
        io::writeAttribute(file, "seed", std::vector<std::int64_t>{static_cast<std::int64_t>(config.seed)});
      }
      std::filesystem::rename(tmp, path);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error(*e);

  long bad_quarters = 0;
  for (long t = B; t < total; ++t) bad_quarters += regimes[static_cast<std::size_t>(t)] == 0 ? 1 : 0;
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : result.history)
    history.push_back({{"iteration", h.iteration},
                       {"perceived", {h.perceived.intercept[0], h.perceived.slope[0], h.perceived.intercept[1],
                                      h.perceived.slope[1]}},
                       {"fitted", {h.fitted.bad.intercept, h.fitted.bad.slope, h.fitted.good.intercept,
                                   h.fitted.good.slope}},
                       {"change", h.change},
                       {"household_iterations", h.household_iterations},
                       {"seconds", h.seconds}});
  const nlohmann::json summary = {
      {"model", model->name()},
      {"parameters", parametersJson(*model)},
      {"method", "Krusell-Smith fixed point on the perceived law of motion; household by the endogenous grid "
                 "method; exact distribution on the (k, eps) grid along one shock path"},
      {"law_of_motion", lawOfMotionJson(law)},
      {"perceived_law", {{"bad", {{"intercept", result.perceived.intercept[0]}, {"slope", result.perceived.slope[0]}}},
                         {"good", {{"intercept", result.perceived.intercept[1]}, {"slope", result.perceived.slope[1]}}}}},
      {"converged", result.converged},
      {"outer_iterations", result.history.size()},
      {"tolerance", config.tolerance},
      {"damping", config.damping},
      {"history", history},
      {"household",
       {{"method", "endogenous grid method"},
        {"iterations", result.household.iterations},
        {"last_change", result.household.change},
        {"converged", result.household.converged},
        {"aggregate_grid", grid}}},
      {"simulation",
       {{"quarters", Q},
        {"burn_in", B},
        {"seed", config.seed},
        {"bad_quarters", bad_quarters},
        {"good_quarters", Q - bad_quarters},
        {"min_K", result.path.min_K},
        {"max_K", result.path.max_K},
        {"max_mass_error", result.path.max_mass_error},
        {"max_unemployment_error", result.path.max_unemployment_error},
        {"file", "alm.h5"}}},
      {"ranks", ranks},
      {"wall_seconds", wall}};
  io::writeTextAtomically((dir / "summary.json").string(), summary.dump(2) + "\n", comm);
  log.info("wrote {} and {}", (dir / "summary.json").string(), (dir / "alm.h5").string());

  if (!config.plots || !log.isRoot()) return;
  try {
    const auto files = plotAlm(config.out, model->name(), data, law, economy.z[1]);
    log.info("plots: wrote {} file(s) in {}", files.size(), config.out);
  } catch (const std::exception& e) {
    log.error("mfg: warning: the results are written, but plotting them failed: {}", e.what());
  }
}

}  // namespace mfg::cli
