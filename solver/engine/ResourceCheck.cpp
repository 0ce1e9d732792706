#include "solver/engine/ResourceCheck.hpp"

#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "solver/models/InputError.hpp"

namespace mfg {

namespace {

// How many arrays of each size are alive at the peak of a run: tables of [decision nodes × local
// rows] (the policy, OMD's y or FP's averaged policy, Q^π, Q*, rewards, the next policy, the
// gathered result, PETSc's work vectors) and flows of [nodes × local states] (μ, V^π, V*, FP's
// averaged flow). Calibrated on OMD solves of classic/crowd_motion: the peak resident memory at 2.5e5
// and 1e6 states was 0.70 and 2.2 GiB, against this estimate's 0.78 and 2.4 GiB.
constexpr double kRowTables = 10.0;
constexpr double kStateFlows = 4.0;
// Kernels that depend on (t, z) only are cached up to this many bytes per rank (KernelMatrix).
constexpr double kKernelCacheBudget = 256.0 * (1 << 20);

double kernelBytes(const ResourceEstimate& e, std::int64_t local_states) {
  const double rows = static_cast<double>(local_states) * static_cast<double>(e.actions);
  // AIJ storage: a value and a column index per entry, row offsets and PETSc's bookkeeping.
  return rows * static_cast<double>(e.row_entries) * (sizeof(PetscScalar) + sizeof(PetscInt)) +
         rows * 4.0 * sizeof(PetscInt);
}

/// The cgroup's memory limit left to use, or +inf when there is none.
double cgroupBytesLeft() {
  const auto read = [](const char* path) -> double {
    std::ifstream in(path);
    std::string word;
    if (!(in >> word) || word == "max") return std::numeric_limits<double>::infinity();
    try {
      return std::stod(word);
    } catch (...) {
      return std::numeric_limits<double>::infinity();
    }
  };
  double left = std::numeric_limits<double>::infinity();
  const double v2 = read("/sys/fs/cgroup/memory.max");
  if (std::isfinite(v2)) left = v2 - read("/sys/fs/cgroup/memory.current");
  const double v1 = read("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  if (std::isfinite(v1) && v1 < 1e18) left = std::min(left, v1 - read("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
  return left;
}

/// MemAvailable of /proc/meminfo in bytes (+inf when it cannot be read).
double memAvailable() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double kib = 0.0;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024.0;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace

double ResourceEstimate::bytesPerRank(std::int64_t local_states) const {
  const double n = static_cast<double>(local_states);
  const double rows = n * static_cast<double>(actions);
  double bytes = kernelBytes(*this, local_states);
  bytes += std::min(kKernelCacheBudget, static_cast<double>(std::max<std::int64_t>(decision_nodes - 1, 0)) * bytes);
  bytes += kRowTables * static_cast<double>(decision_nodes) * rows * sizeof(double);
  bytes += kStateFlows * static_cast<double>(nodes) * n * sizeof(double);
  // μ_0 is built whole on every rank (Model::initialDistribution), once per root at a time.
  bytes += 2.0 * static_cast<double>(states) * sizeof(double);
  return bytes;
}

double ResourceEstimate::bytesPerRank(int ranks) const {
  return bytesPerRank(static_cast<std::int64_t>((states + ranks - 1) / ranks));
}

std::int64_t ResourceEstimate::ranksNeeded(double bytes_per_rank) const {
  // bytesPerRank(p) does not grow with p: bisect for the smallest p that fits. With a state per
  // rank only what every rank holds whatever the split is left; if even that does not fit, none does.
  std::int64_t lo = 1, hi = std::max<std::int64_t>(states, 1);
  const auto fits = [&](std::int64_t p) { return bytesPerRank((states + p - 1) / p) <= bytes_per_rank; };
  if (!fits(hi)) return -1;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

ResourceEstimate estimateResources(const Model& model, const ScenarioTree& tree) {
  ResourceEstimate e;
  e.states = model.numStates();
  e.actions = model.numActions();
  e.nodes = static_cast<std::int64_t>(tree.size());
  e.decision_nodes = tree.decisionNodes();
  if (model.dynamicSupport()) {
    // Successors move with prices or noise and are known only once a mean field is: assume rows
    // of a few entries (an interpolated next grid point times a few exogenous states).
    e.row_entries = 8;
    return e;
  }
  // Successors of up to 64 states spread over the space, every action (up to 16 of them).
  std::vector<std::int64_t> cols;
  const std::int64_t samples = std::min<std::int64_t>(e.states, 64);
  for (std::int64_t k = 0; k < samples; ++k) {
    const std::int64_t s = samples > 1 ? k * (e.states - 1) / (samples - 1) : 0;
    for (std::int64_t a = 0; a < std::min<std::int64_t>(e.actions, 16); ++a) {
      cols.clear();
      model.support(s, a, cols);
      e.row_entries = std::max(e.row_entries, static_cast<std::int64_t>(cols.size()));
    }
  }
  e.row_entries = std::max<std::int64_t>(e.row_entries, 1);
  return e;
}

double availableBytesPerRank(MPI_Comm comm) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local_ranks = 1;
  MPI_Comm_size(node, &local_ranks);
  MPI_Comm_free(&node);
  double mine = std::min(memAvailable(), cgroupBytesLeft()) / local_ranks;
  double least = mine;
  MPI_Allreduce(&mine, &least, 1, MPI_DOUBLE, MPI_MIN, comm);
  return least;
}

std::string humanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) {
    bytes /= 1024.0;
    ++u;
  }
  std::ostringstream out;
  out.precision(3);
  out << bytes << " " << units[u];
  return out.str();
}

void checkResources(const Model& model, const ScenarioTree& tree, MPI_Comm comm) {
  const ResourceEstimate e = estimateResources(model, tree);
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  std::ostringstream what;
  what << "model '" << model.name() << "' (" << e.states << " states x " << e.actions << " actions, " << e.nodes
       << " scenario-tree nodes)";
  const double need = e.bytesPerRank(ranks);
  const double have = availableBytesPerRank(comm);
  const std::int64_t needed = e.ranksNeeded(have);
  std::ostringstream memory;
  memory << "about " << humanBytes(need) << " per rank on " << ranks << " rank(s) (" << humanBytes(need * ranks)
         << " in all), with " << humanBytes(have) << " per rank available on this node";
  if (needed < 0)
    memory << "; no number of ranks with " << humanBytes(have)
           << " each is enough, since every rank holds the initial distribution whole";
  else if (need > have)
    memory << "; it would need at least " << needed << " ranks with " << humanBytes(have) << " each";

  // Global indices: rows s·|A| + a and columns s of the kernel matrix, entries of a rank's block.
  const double max_index = static_cast<double>(PETSC_MAX_INT);
  const double rows = static_cast<double>(e.states) * static_cast<double>(e.actions);
  const double local_entries =
      std::ceil(static_cast<double>(e.states) / ranks) * static_cast<double>(e.actions) * static_cast<double>(e.row_entries);
  if (rows > max_index || local_entries > max_index) {
    std::ostringstream msg;
    msg.precision(4);
    msg << what.str() << " is too large for this PETSc's " << 8 * sizeof(PetscInt) << "-bit indices (largest index "
        << PETSC_MAX_INT << "): its kernel has " << rows << " rows and about " << local_entries << " entries per rank on "
        << ranks << " rank(s); use a PETSc built with 64-bit indices (Debian: petsc64-dev) or a smaller model. "
        << "Memory: " << memory.str();
    throw InputError(msg.str());
  }
  const char* check = std::getenv("MFG_MEMORY_CHECK");
  if (check && std::string(check) == "off") return;
  if (need <= have) return;
  throw InputError(what.str() + " does not fit in memory: it needs " + memory.str() +
                   " (set MFG_MEMORY_CHECK=off to try anyway)");
}

}  // namespace mfg
