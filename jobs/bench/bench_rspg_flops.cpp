// RSPG's own speed against the machine: the single-precision GEMM rate measured on the network's
// shapes with every rank multiplying at once (the ranks share the machine's cores and caches as a
// training run does), then per model the seconds of an RSPG iteration, its parts (rollout, exact
// evaluation, the network's backward pass) and its network floating-point work, so that the
// iteration can be read against the time that work alone would take at the measured rate.
//
//   mpirun -np 2 bench_rspg_flops [--models lq,beach_bar,macro] [--iterations lq=60,beach_bar=60,macro=4]
//                                 [--paths 8] [--out DIR]
//
// Writes DIR/rspg_flops.txt and DIR/rspg_flops.png (seconds per iteration and its GEMM floor per
// model). See jobs/bench/README.md.
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <torch/torch.h>

#include "io/plot/Charts.hpp"
#include "solver/engine/PetscSession.hpp"
#include "solver/learn/PolicyGradient.hpp"
#include "solver/models/Registry.hpp"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::vector<std::string> split(const std::string& text, char by) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, by);)
    if (!item.empty()) out.push_back(item);
  return out;
}

/// Single-precision GEMM rate of one rank, [rows, H] × [H, H] as the trunk's second layer (forward)
/// and its two backward products, all ranks multiplying at the same time: GFLOP/s of this rank.
double gemmRate(std::int64_t rows, std::int64_t H) {
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({rows, H}), w = torch::randn({H, H}), g = torch::randn({rows, H});
  for (int k = 0; k < 3; ++k) torch::mm(x, w.t());
  MPI_Barrier(MPI_COMM_WORLD);
  const int reps = static_cast<int>(std::max<std::int64_t>(20, (std::int64_t{1} << 24) / rows));
  const auto start = Clock::now();
  for (int k = 0; k < reps; ++k) {
    torch::mm(x, w.t());  // forward
    torch::mm(g, w);      // ∂/∂x
    torch::mm(g.t(), x);  // ∂/∂W
  }
  const double seconds = since(start);
  return 3.0 * reps * 2.0 * static_cast<double>(rows) * static_cast<double>(H * H) / seconds / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  std::string models = "lq,beach_bar,macro", iteration_list = "lq=60,beach_bar=60,macro=4", out = "rspg-flops";
  int paths = 8;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_rspg_flops: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--models") models = value();
    else if (arg == "--iterations") iteration_list = value();
    else if (arg == "--paths") paths = std::stoi(value());
    else if (arg == "--out") out = value();
    else if (arg == "-h" || arg == "--help") {
      std::puts("usage: mpirun -np R bench_rspg_flops [--models a,b] [--iterations a=K,b=K] [--paths N] [--out DIR]");
      return 0;
    } else {
      std::fprintf(stderr, "bench_rspg_flops: unknown option %s (see --help)\n", arg.c_str());
      return 2;
    }
  }
  std::map<std::string, long> iterations;
  for (const auto& item : split(iteration_list, ',')) {
    const auto eq = item.find('=');
    if (eq != std::string::npos) iterations[item.substr(0, eq)] = std::stol(item.substr(eq + 1));
  }

  mfg::PetscSession petsc("");
  torch::set_num_threads(1);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::int64_t H = mfg::NetworkConfig{}.hidden;

  // The rate of the machine with every rank at work, summed over ranks.
  std::ostringstream table;
  std::map<std::int64_t, double> rate;
  for (std::int64_t rows : {std::int64_t{512}, std::int64_t{4096}, std::int64_t{32768}}) {
    double mine = gemmRate(rows, H), total = 0.0;
    MPI_Allreduce(&mine, &total, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    rate[rows] = total;
    table << fmt::format("sgemm [{} x {}] x [{} x {}] (forward and both backward products), {} rank(s) at once: "
                         "{:.1f} GFLOP/s in all\n",
                         rows, H, H, H, ranks, total);
  }
  const double peak = std::max({rate[512], rate[4096], rate[32768]});
  table << fmt::format("\n{:<10} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9}\n", "model", "iters", "s/iter",
                       "rollout", "evaluate", "gradient", "GFLOP/it", "floor [s]", "of rate");

  mfg::io::plot::LineChart chart;
  chart.title = fmt::format("RSPG: seconds per iteration ({} ranks, {} paths)", ranks, paths);
  chart.x_label = "model (1 lq, 2 beach_bar, 3 macro, in the order given)";
  chart.y_label = "seconds per iteration";
  chart.log_y = true;
  mfg::io::plot::Series measured{{}, {}, "measured", mfg::io::plot::kBlue, true};
  mfg::io::plot::Series floor{{}, {}, "network GEMM work at the measured sgemm rate", mfg::io::plot::kRed, true};
  mfg::io::plot::Series rollout{{}, {}, "rollout (network and forward pass)", mfg::io::plot::kGreen, true, true};
  mfg::io::plot::Series gradient{{}, {}, "network backward pass", mfg::io::plot::kOrange, true, true};
  int position = 0;
  for (const auto& name : split(models, ',')) {
    ++position;
    const auto model = mfg::makeModel(name, {});
    mfg::TrainSettings settings;
    settings.recurrent = true;
    settings.paths = paths;
    settings.iterations = iterations.count(name) ? iterations[name] : 20;
    mfg::PolicyGradientTrainer trainer(*model, MPI_COMM_WORLD, settings);
    trainer.setup();
    trainer.iterate();  // warm-up: first-touch allocations, kernel patterns
    const auto before = trainer.phases();
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();
    for (long k = 1; k < settings.iterations; ++k) trainer.iterate();
    const double per_iteration = since(start) / static_cast<double>(std::max(1L, settings.iterations - 1));
    const auto after = trainer.phases();
    const double done = static_cast<double>(std::max(1L, settings.iterations - 1));
    // Phases of the slowest rank: the iteration waits for it at the allreduce.
    double parts[3] = {(after.rollout - before.rollout) / done, (after.evaluation - before.evaluation) / done,
                       (after.gradient - before.gradient) / done};
    MPI_Allreduce(MPI_IN_PLACE, parts, 3, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    // The trunk's GEMM work: T · N · |S| rows over all ranks, each [H] → [H] → [heads]; the rollout's
    // forward pass and a backward pass of twice its work (no second forward evaluation).
    const bool beta = name == "macro" || name == "krusell_smith";
    const double heads = beta ? 2.0 : static_cast<double>(model->numActions());
    const double rows = static_cast<double>(model->numSteps()) * paths * static_cast<double>(model->numStates());
    const double forward = rows * 2.0 * static_cast<double>(H) * (static_cast<double>(H) + heads);
    const double flops = 3.0 * forward;
    const double floor_seconds = flops / (peak * 1e9);
    table << fmt::format("{:<10} {:>6} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>10.3f} {:>10.4f} {:>8.0f}%\n", name,
                         settings.iterations - 1, per_iteration, parts[0], parts[1], parts[2], flops / 1e9,
                         floor_seconds, 100.0 * floor_seconds / per_iteration);
    measured.x.push_back(position);
    measured.y.push_back(per_iteration);
    floor.x.push_back(position);
    floor.y.push_back(floor_seconds);
    rollout.x.push_back(position);
    rollout.y.push_back(parts[0]);
    gradient.x.push_back(position);
    gradient.y.push_back(parts[2]);
  }
  if (rank == 0) {
    table << fmt::format("\n'of rate': the network's GEMM work at {:.1f} GFLOP/s (the best measured above) as a share "
                         "of the measured iteration.\n",
                         peak);
    fs::create_directories(out);
    std::ofstream(fs::path(out) / "rspg_flops.txt") << table.str();
    std::cout << table.str();
    chart.series = {measured, floor, rollout, gradient};
    for (const auto& f : mfg::io::plot::render((fs::path(out) / "rspg_flops").string(),
                                               mfg::io::plot::Formats::parse("png,pdf"), {1000, 620},
                                               [&] { mfg::io::plot::draw(chart); }))
      std::cout << "wrote " << f << "\n";
  }
  return 0;
}
