// `mfg plot PATH` and the plots that solve, train and certify write after their results.
// Figures are drawn on rank 0 (io/plot, PLplot); the outcome is shared so every rank agrees on
// the exit status.
#include <filesystem>
#include <optional>

#include "io/Logger.hpp"
#include "io/cli/Commands.hpp"
#include "io/plot/ResultPlots.hpp"
#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

/// Where the figures went: the folder, and how many files of which kinds.
void reportWritten(const io::Logger& log, const std::vector<std::string>& files) {
  if (files.empty()) return;
  const auto folder = std::filesystem::path(files.front()).parent_path().string();
  log.info("plots: wrote {} file(s) in {}", files.size(), folder.empty() ? std::string(".") : folder);
  for (const auto& f : files) log.info("  {}", std::filesystem::path(f).filename().string());
}

}  // namespace

void plot(const std::string& path, const std::string& formats, MPI_Comm comm) {
  io::Logger log(comm);
  const auto parsed = io::plot::Formats::parse(formats);  // the same answer on every rank
  std::optional<std::string> input_error, other_error;
  if (log.isRoot()) {
    try {
      reportWritten(log, io::plot::plotResults(path, parsed));
    } catch (const InputError& e) {
      input_error = e.what();
    } catch (const std::exception& e) {
      other_error = e.what();
    }
  }
  if (auto e = parallel::firstError(comm, input_error)) throw InputError(*e);
  if (auto e = parallel::firstError(comm, other_error)) throw std::runtime_error("plot: " + *e);
}

void plotAfterRun(const std::string& path, MPI_Comm comm) {
  io::Logger log(comm);
  if (!log.isRoot()) return;
  // The results are complete on disk by now; a figure that cannot be drawn is reported and the
  // command still succeeds, since `mfg plot PATH` can draw them later.
  try {
    reportWritten(log, io::plot::plotResults(path, io::plot::Formats{}));
  } catch (const std::exception& e) {
    log.error("mfg: warning: the results are written, but plotting them failed: {} (retry with `mfg plot {}`)",
              e.what(), path);
  }
}

}  // namespace mfg::cli
