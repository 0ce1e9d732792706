#pragma once
// The CLI's commands; main.cpp parses flags and calls these. Every command validates all of its
// input before it writes anything.
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/Config.hpp"

namespace mfg::cli {

void listModels(MPI_Comm comm);
/// Returns the exit status: 0, or parallel::kExitPreempted after a signal (checkpoint written).
int solve(const io::SolveConfig& config, MPI_Comm comm);

struct EvaluateConfig {
  std::string model;
  std::map<std::string, std::vector<double>> parameters;
  std::string policy;
  std::string out;  ///< JSON path, optional
};
void evaluate(const EvaluateConfig& config, MPI_Comm comm);

struct CertifyConfig {
  std::string model;
  std::map<std::string, std::vector<double>> parameters;
  std::string policy = "uniform";  ///< HDF5 file with /policy, or "uniform"
  int paths = 64;
  std::uint64_t seed = 0;
  std::string tree = "auto";       ///< exact | sampled | auto
  int branching = 2;
  int branch_depth = 2;
  int groups = 0;
  std::string out;                 ///< writes OUT.json and OUT.h5
};
void certify(const CertifyConfig& config, MPI_Comm comm);

struct TrainConfig {
  std::string model = "lq";
  std::map<std::string, std::vector<double>> parameters;
  std::string algorithm = "rspg";  ///< spg | rspg | ippo | rippo | momd
  long iterations = 100;
  int paths = 8;
  std::int64_t particles = 10000;  ///< ippo / rippo / momd: particles per sampled mean-field sequence
  int learners = 16;               ///< ippo / rippo / momd: learners per noise path
  double learning_rate = 1e-3;
  std::uint64_t seed = 0;
  int groups = 0;
  int eval_paths = 0;              ///< 0: the training paths' number
  long eval_every = 10;
  long checkpoint_every = 10;
  double time_limit = 0.0;         ///< seconds of wall time; 0: none
  bool resume = false;
  std::string state_encoding = "index";
  std::string out = "mfg-train";
  long inject_nan_at = -1;         ///< testing only: a NaN gradient at this iteration
};
/// Exit status of a run whose gradient, objective or parameters stopped being finite.
inline constexpr int kExitDiverged = 3;
/// Returns the exit status: 0, kExitDiverged, or parallel::kExitPreempted after a signal.
int train(const TrainConfig& config, MPI_Comm comm);

struct EquilibriumConfig {
  std::string model = "aiyagari";
  std::map<std::string, std::vector<double>> parameters;
  double tolerance = 1e-6;  ///< width of the final price bracket
  std::string out = "mfg-equilibrium";
};
/// Stationary equilibrium of a price-taking economy; writes OUT/result.h5 and OUT/summary.json.
void equilibrium(const EquilibriumConfig& config, MPI_Comm comm);

struct ReportAlmConfig {
  std::string dir;       ///< output directory of `mfg train` on krusell_smith
  long quarters = 10000;  ///< reported quarters, after the burn-in
  long burn_in = 1000;
  std::uint64_t seed = 0;  ///< of the aggregate shock path
  bool plots = true;
};
/// The aggregate law of motion of a trained policy (docs/methods.md §9): DIR/summary.json's
/// law_of_motion, DIR/alm.h5 (the shock path, K, the fitted path, wealth distributions) and plots.
void reportAlm(const ReportAlmConfig& config, MPI_Comm comm);

struct SolveAlmConfig {
  std::string model = "krusell_smith";
  std::map<std::string, std::vector<double>> parameters;
  int iterations = 100;      ///< outer (law-of-motion) iterations at most
  double tolerance = 1e-6;   ///< on the change of the four coefficients
  double damping = 0.5;      ///< weight of the fitted law in each update
  std::uint64_t seed = 0;    ///< of the aggregate shock path (the same path as report-alm's)
  long quarters = 10000;
  long burn_in = 1000;
  int aggregate_points = 6;  ///< grid of aggregate capital of the household problem
  double aggregate_span = 0.15;
  std::string out = "mfg-alm";
  bool plots = true;
};
/// Krusell & Smith's algorithm on the exact distribution (docs/methods.md §10.2): OUT/summary.json
/// (law_of_motion as report-alm writes it), OUT/alm.h5 (path, household policy) and plots.
void solveAlm(const SolveAlmConfig& config, MPI_Comm comm);

/// Figures of a result (an output directory of solve or train, or a certificate) in `formats`
/// ("png,pdf,svg" or a subset), drawn on rank 0; InputError on every rank for bad or missing data.
void plot(const std::string& path, const std::string& formats, MPI_Comm comm);
/// The figures of a run that just wrote its results to `path` (PNG and PDF, rank 0). Never throws:
/// a plotting failure is reported and leaves the results as they are.
void plotAfterRun(const std::string& path, MPI_Comm comm);

}  // namespace mfg::cli
