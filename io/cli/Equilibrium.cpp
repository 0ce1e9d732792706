// `mfg equilibrium`: the stationary equilibrium of a price-taking economy (docs/methods.md §8).
#include <sys/resource.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/ResultFile.hpp"
#include "io/cli/CommandUtil.hpp"
#include "io/cli/Commands.hpp"
#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/StationaryModel.hpp"
#include "solver/stationary/PriceEquilibrium.hpp"

namespace mfg::cli {

namespace {

std::vector<hsize_t> hdf5Shape(const std::vector<std::int64_t>& shape) {
  return {shape.begin(), shape.end()};
}

/// result.h5. Per-state arrays are gathered and written whole: they have |S| entries, against
/// the kernel's |S||A| rows that stay distributed.
void writeEquilibrium(const std::string& path, const PriceTakingEconomy& economy,
                      const stationary::PriceEquilibriumSolver& solver, const stationary::Equilibrium& eq,
                      const std::vector<NamedValue>& figures, double tolerance) {
  const auto& layout = solver.layout();
  const MPI_Comm comm = layout.comm();
  const auto shape = hdf5Shape(economy.stateShape());
  std::vector<double> policy_local(eq.policy.begin(), eq.policy.end()), policy, mu, value;
  parallel::allGather(layout, policy_local, 1, policy);
  parallel::allGather(layout, eq.distribution, 1, mu);
  parallel::allGather(layout, eq.value, 1, value);

  const std::string tmp = io::temporaryName(path, comm);
  {
    io::Hid file = io::openParallel(tmp, comm, true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    io::writeSerial(file, "/policy", policy, shape);
    io::writeSerial(file, "/stationary_distribution", mu, shape);
    io::writeSerial(file, "/value", value, shape);
    auto group = [&](const char* name) {
      return io::Hid(io::checked(H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                     H5Gclose);
    };
    {
      io::Hid prices = group("/prices");
      io::writeAttribute(prices, economy.priceName(), std::vector<double>{eq.price});
      for (const auto& f : figures)
        if (f.name == "wage") io::writeAttribute(prices, f.name, std::vector<double>{f.value});
    }
    {
      io::Hid aggregates = group("/aggregates");
      for (const auto& f : figures) io::writeAttribute(aggregates, f.name, std::vector<double>{f.value});
      io::writeAttribute(aggregates, "supply", std::vector<double>{eq.supply});
      io::writeAttribute(aggregates, "demand", std::vector<double>{eq.demand});
      io::writeAttribute(aggregates, "exploitability", std::vector<double>{eq.exploitability});
      io::writeAttribute(aggregates, "implied_" + economy.priceName(), std::vector<double>{eq.implied_price});
      io::writeAttribute(aggregates, "top_cell_mass", std::vector<double>{eq.top_cell_mass});
    }
    {
      io::Hid grids = group("/grids");
      for (const auto& [name, values] : economy.grids()) io::writeSerial(file, "/grids/" + name, values);
    }
    {
      io::Hid history = group("/history");
      std::vector<double> price, supply, demand, seconds, pi_its, mu_its;
      for (const auto& h : eq.history) {
        price.push_back(h.price);
        supply.push_back(h.supply);
        demand.push_back(h.demand);
        seconds.push_back(h.seconds);
        pi_its.push_back(h.policy_iterations);
        mu_its.push_back(static_cast<double>(h.distribution_iterations));
      }
      io::writeSerial(file, "/history/" + economy.priceName(), price);
      io::writeSerial(file, "/history/supply", supply);
      io::writeSerial(file, "/history/demand", demand);
      io::writeSerial(file, "/history/wall_seconds", seconds);
      io::writeSerial(file, "/history/policy_iterations", pi_its);
      io::writeSerial(file, "/history/distribution_iterations", mu_its);
    }
    io::writeAttribute(file, "model", economy.name());
    io::writeAttribute(file, "method", std::string("bisection then Brent on the price; policy iteration (KSP), ") +
                                           (eq.choice == "lottery" ? "next assets by lottery between grid points"
                                                                   : "next assets on the grid") +
                                           "; stationary distribution by KSP and power iteration");
    io::writeAttribute(file, "choice", eq.choice);
    io::writeAttribute(file, "ranks", std::vector<std::int64_t>{layout.size()});
    io::writeAttribute(file, "iterations", std::vector<std::int64_t>{static_cast<std::int64_t>(eq.history.size())});
    io::writeAttribute(file, "tolerance", std::vector<double>{tolerance});
    io::writeAttribute(file, "state_shape", economy.stateShape());
    io::writeAttribute(file, "action_shape", economy.actionShape());
    io::Hid params = group("/parameters");
    for (const auto& [key, v] : economy.parameters().values()) io::writeAttribute(params, key, v);
  }  // every handle closes here, collectively, before the rename
  io::renameOnRoot(tmp, path, comm);
}

}  // namespace

void equilibrium(const EquilibriumConfig& config, MPI_Comm comm) {
  io::Logger log(comm);
  if (!(config.tolerance > 0.0 && config.tolerance <= 0.1))
    throw InputError("tolerance = " + std::to_string(config.tolerance) + " is out of range (0, 0.1]");
  const auto economy = makeEconomy(config.model, config.parameters);
  stationary::EquilibriumSettings settings;
  settings.tolerance = config.tolerance;
  const stationary::PriceEquilibriumSolver solver(*economy, comm, settings);
  makeDirectory(config.out, comm);

  const auto& layout = solver.layout();
  const auto [lo, hi] = economy->priceBracket();
  const std::string choices = solver.lottery() ? std::string("next holding by lottery")
                                              : std::to_string(layout.actions()) + " actions";
  log.info("mfg equilibrium: model {} ({} states, {}), {} in ({:.6g}, {:.6g}), tolerance {:g}, {} rank(s)",
           economy->name(), layout.globalStates(), choices, economy->priceName(), lo, hi, config.tolerance,
           layout.size());
  log.info("{:>5}  {:>12}  {:>14}  {:>14}  {:>12}  {:>6}  {:>8}  {:>9}", "iter", economy->priceName(), "supply",
           "demand", "gap", "PI its", "mu its", "wall [s]");
  const auto eq = solver.solve([&](const stationary::PriceStep& step) {
    log.info("{:>5}  {:>12.8f}  {:>14.8g}  {:>14.8g}  {:>12.4e}  {:>6}  {:>8}  {:>9.3f}", step.iteration, step.price,
             step.supply, step.demand, step.supply - step.demand, step.policy_iterations,
             step.distribution_iterations, step.seconds);
  });
  const double wall = eq.history.empty() ? 0.0 : eq.history.back().seconds;
  if (eq.at_bracket_end)
    log.info("mfg equilibrium: warning: the supply never crossed the demand inside ({:.6g}, {:.6g}); the result "
             "lies at one end of the bracket (e.g. no income risk, or an asset grid too short)", lo, hi);
  if (std::isnan(eq.exploitability))
    log.info("mfg equilibrium: warning: the final supply {:.6g} implies no finite {}; the exploitability is "
             "undefined (null in summary.json)", eq.supply, economy->priceName());
  const auto figures = economy->report(eq.price, eq.supply);

  const std::string h5 = (std::filesystem::path(config.out) / "result.h5").string();
  writeEquilibrium(h5, *economy, solver, eq, figures, config.tolerance);
  nlohmann::json summary = {
      {"model", economy->name()},
      {"parameters", parametersJson(economy->parameters())},
      {economy->priceName(), eq.price},
      {"supply", eq.supply},
      {"demand", eq.demand},
      {"exploitability", eq.exploitability},
      {"implied_" + economy->priceName(), eq.implied_price},
      {"top_cell_mass", eq.top_cell_mass},
      {"at_bracket_end", eq.at_bracket_end},
      {"iterations", eq.history.size()},
      {"tolerance", config.tolerance},
      {"states", layout.globalStates()},
      {"actions", layout.actions()},
      {"choice", eq.choice},
      {"wall_seconds", wall},
      {"ranks", layout.size()},
      {"result", "result.h5"},
  };
  for (const auto& f : figures) summary[f.name] = f.value;
  // Peak resident memory of the busiest rank and of all ranks together (getrusage's high-water
  // mark, which includes MPI, PETSc and the libraries, so it is what a job must request).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double peak = static_cast<double>(usage.ru_maxrss) * 1024.0;
  const double peak_max = parallel::max(comm, peak), peak_sum = parallel::sum(comm, peak);
  summary["memory"] = {{"peak_rss_bytes_max_rank", peak_max},
                       {"peak_rss_bytes_all_ranks", peak_sum},
                       {"bytes_per_state_all_ranks", peak_sum / static_cast<double>(layout.globalStates())}};
  // CPU time of the busiest rank over the whole process: on a shared machine, where the wall
  // time also counts waiting for a core, this is the figure to compare.
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  summary["cpu_seconds_max_rank"] = parallel::max(comm, cpu);
  const std::string json = (std::filesystem::path(config.out) / "summary.json").string();
  io::writeTextAtomically(json, summary.dump(2) + "\n", comm);
  std::string line;
  for (const auto& f : figures) line += fmt::format(", {} {:.6g}", f.name, f.value);
  log.info("{} {:.8f}{}, exploitability {:.3e}, top-cell mass {:.3e}; wrote {} and {}", economy->priceName(), eq.price,
           line, eq.exploitability, eq.top_cell_mass, h5, json);
}

}  // namespace mfg::cli
