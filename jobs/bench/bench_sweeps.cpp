// bench_sweeps: how close the exact engine's sweeps come to the machine's memory bandwidth.
//
// One MPI run measures, on MPI_COMM_WORLD:
//   1. STREAM triad a[i] = b[i] + s*c[i], every rank on its own arrays at the same time; the
//      aggregate figure counts 3 arrays x 8 B per element (McCalpin's convention: the
//      write-allocate read of a[] is not counted);
//   2. the raw kernel operations on classic/crowd_motion (length = width = L): MatMultTranspose
//      (forward, μ_{t+1} = P^T (μ_t π_t)) and MatMult (backward, P V_{t+1}) on a KernelMatrix built
//      and assembled here exactly as the engine builds its own;
//   3. full sweeps through the engine's public API: ExactEngine::forward(uniform) and
//      ExactEngine::bestResponse / evaluate against that flow, reported per step.
// Bandwidth is the traffic a CSR matvec cannot avoid: per nonzero 8 B value + sizeof(PetscInt)
// column index, the row pointers, the input vector read once and the output vector written once.
// Sweep steps are charged the same bytes, so their ratio to STREAM shows the engine's overhead
// on top of the matvec (rewards, gathers, copies).
//
// Rank 0 prints a table and, with --out FILE, writes JSON (to FILE.tmp.<pid>, then renamed).
#include <mpi.h>
#include <petscmat.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "parallel/Collectives.hpp"
#include "parallel/StateLayout.hpp"
#include "solver/engine/ExactEngine.hpp"
#include "solver/engine/KernelMatrix.hpp"
#include "solver/engine/PetscObjects.hpp"
#include "solver/engine/PetscSession.hpp"
#include "solver/engine/Tabular.hpp"
#include "solver/models/Registry.hpp"

namespace {

constexpr const char* kModel = "classic/crowd_motion";

struct Options {
  long size = 1000;
  long horizon = 3;  // the model's T: T + 1 decision steps
  int repeat = 5;
  long stream_n = 40'000'000;  // doubles per array per rank
  int stream_reps = 10;
  std::string out;
  std::string petsc_options;
  bool help = false;
  std::string error;
};

const char* kUsage =
    "usage: mpirun -n N bench_sweeps [options]\n"
    "  --size L             grid length = width of classic/crowd_motion (default 1000: 10^6 states)\n"
    "  --steps T            the model's T (last decision step; T+1 steps per sweep; default 3)\n"
    "  --repeat R           timed repetitions of every operation and sweep (default 5)\n"
    "  --stream-n N         STREAM array length per rank, in doubles (default 4e7)\n"
    "  --stream-reps K      STREAM repetitions, best one reported (default 10)\n"
    "  --petsc-options STR  PETSc options, e.g. \"-mfg_kernel_mat_type baij\"\n"
    "  --out FILE           write the results as JSON (rank 0; temp file then rename)\n"
    "  --help               this text\n";

bool parseLong(const std::string& s, long lo, long hi, long& v) {
  try {
    std::size_t used = 0;
    const double d = std::stod(s, &used);  // accepts 4e7
    if (used != s.size() || d != std::floor(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi))
      return false;
    v = static_cast<long>(d);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc && o.error.empty(); ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      continue;
    }
    if (i + 1 >= argc) {
      o.error = flag == "--size" || flag == "--steps" || flag == "--repeat" || flag == "--out" ||
                        flag == "--stream-n" || flag == "--stream-reps" || flag == "--petsc-options"
                    ? "flag " + flag + " needs a value"
                    : "unknown flag " + flag;
      break;
    }
    const std::string value = argv[++i];
    long v = 0;
    auto number = [&](long lo, long hi, long& dst) {
      if (parseLong(value, lo, hi, v))
        dst = v;
      else
        o.error = flag + " wants an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                  "], got '" + value + "'";
    };
    long tmp = 0;
    if (flag == "--size") {
      number(1, 20000, o.size);
    } else if (flag == "--steps") {
      number(0, 10000, o.horizon);
    } else if (flag == "--repeat") {
      number(1, 1000, tmp);
      o.repeat = static_cast<int>(tmp);
    } else if (flag == "--stream-n") {
      number(1000, 2'000'000'000L, o.stream_n);
    } else if (flag == "--stream-reps") {
      number(1, 1000, tmp);
      o.stream_reps = static_cast<int>(tmp);
    } else if (flag == "--out") {
      o.out = value;
    } else if (flag == "--petsc-options") {
      o.petsc_options = value;
    } else {
      o.error = "unknown flag " + flag;
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/// Current resident set of this process in MiB (VmRSS), or 0 where /proc is not there.
double rssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

/// Runs `op` after a barrier; the time is the slowest rank's.
double timed(MPI_Comm comm, const std::function<void()>& op) {
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  op();
  return mfg::parallel::max(comm, MPI_Wtime() - t0);
}

struct Timing {
  double best = 0.0, median = 0.0;
};

Timing summarise(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  Timing r;
  r.best = t.front();
  r.median = t.size() % 2 ? t[t.size() / 2] : 0.5 * (t[t.size() / 2 - 1] + t[t.size() / 2]);
  return r;
}

/// `reps` timed runs of `op` after one untimed warm-up run.
Timing measure(MPI_Comm comm, int reps, const std::function<void()>& op) {
  op();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) t.push_back(timed(comm, op));
  return summarise(t);
}

// ---------------------------------------------------------------------------------------------
// STREAM triad

struct StreamResult {
  double best_s = 0.0;   // slowest rank's time of the best repetition
  double gbs = 0.0;      // aggregate over ranks, 24 B per element
  double check = 0.0;    // keeps the stores alive; must equal the expected value
  bool ok = false;
};

class MappedArray {
 public:
  explicit MappedArray(long n) : bytes_(static_cast<std::size_t>(n) * sizeof(double)) {
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("STREAM: cannot map " + std::to_string(bytes_) + " bytes");
    p_ = static_cast<double*>(p);
  }
  ~MappedArray() { ::munmap(p_, bytes_); }
  MappedArray(const MappedArray&) = delete;
  MappedArray& operator=(const MappedArray&) = delete;
  double* data() const { return p_; }
  double& operator[](long i) const { return p_[i]; }

 private:
  std::size_t bytes_;
  double* p_ = nullptr;
};

__attribute__((noinline)) void triad(double* __restrict a, const double* __restrict b,
                                     const double* __restrict c, double s, long n) {
  for (long i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

StreamResult stream(MPI_Comm comm, long n, int reps) {
  StreamResult r;
  // The arrays are mapped directly rather than malloc'ed: Open MPI disables malloc's trimming and
  // mmap, so freed heap memory would stay resident and hide the kernel's footprint measured next.
  // First touch by this rank (pinned by mpirun) places the pages on its own memory.
  MappedArray a(n), b(n), c(n);
  for (long i = 0; i < n; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  const double s = 3.0;
  triad(a.data(), b.data(), c.data(), s, n);  // warm-up
  r.best_s = 1e300;
  for (int k = 0; k < reps; ++k) r.best_s = std::min(r.best_s, timed(comm, [&] { triad(a.data(), b.data(), c.data(), s, n); }));
  int size = 1;
  MPI_Comm_size(comm, &size);
  r.gbs = 3.0 * 8.0 * static_cast<double>(n) * size / r.best_s / 1e9;
  r.check = a[n / 2] + a[n - 1];
  r.ok = mfg::parallel::sum(comm, r.check == 14.0 ? 0.0 : 1.0) == 0.0;
  return r;
}

// ---------------------------------------------------------------------------------------------
// JSON (flat values only: numbers, strings, nested objects)

class Json {
 public:
  Json& num(const std::string& k, double v) {
    std::ostringstream os;
    os.precision(10);
    if (std::isfinite(v))
      os << v;
    else
      os << "null";
    return raw(k, os.str());
  }
  Json& integer(const std::string& k, long long v) { return raw(k, std::to_string(v)); }
  Json& boolean(const std::string& k, bool v) { return raw(k, v ? "true" : "false"); }
  Json& str(const std::string& k, const std::string& v) { return raw(k, quote(v)); }
  Json& obj(const std::string& k, const Json& v) { return raw(k, v.text()); }
  std::string text() const {
    std::string s = "{";
    for (std::size_t i = 0; i < items_.size(); ++i) s += (i ? ", " : "") + items_[i];
    return s + "}";
  }

 private:
  static std::string quote(const std::string& v) {
    std::string q = "\"";
    for (char ch : v) {
      if (ch == '"' || ch == '\\') q += '\\';
      if (static_cast<unsigned char>(ch) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", ch);
        q += buf;
        continue;
      }
      q += ch;
    }
    return q + "\"";
  }
  Json& raw(const std::string& k, const std::string& v) {
    items_.push_back(quote(k) + ": " + v);
    return *this;
  }
  std::vector<std::string> items_;
};

void writeAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw std::runtime_error("cannot open " + tmp + " for writing");
    f << text << '\n';
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

// ---------------------------------------------------------------------------------------------

struct Rate {
  double seconds = 0.0, median = 0.0, gbs = 0.0, ratio = 0.0;
};

Rate rate(const Timing& t, double per, double bytes, double stream_gbs) {
  Rate r;
  r.seconds = t.best / per;
  r.median = t.median / per;
  r.gbs = bytes / r.seconds / 1e9;
  r.ratio = r.gbs / stream_gbs;
  return r;
}

Json rateJson(const Rate& r, const std::string& unit) {
  Json j;
  j.num("best_s" + unit, r.seconds).num("median_s" + unit, r.median).num("gbs", r.gbs).num("ratio_to_stream", r.ratio);
  return j;
}

int run(const Options& opt) {
  MPI_Comm comm = MPI_COMM_WORLD;
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const bool root = rank == 0;

  // 1. STREAM triad (arrays freed before the model is built).
  const StreamResult st = stream(comm, opt.stream_n, opt.stream_reps);
  if (!st.ok) throw std::runtime_error("STREAM check failed");
  if (root)
    std::printf("STREAM triad: %.2f GB/s aggregate over %d rank(s) (%ld doubles/array/rank, best of %d, "
                "24 B/element counted; %.2f GB/s with the write-allocate read)\n",
                st.gbs, size, opt.stream_n, opt.stream_reps, st.gbs * 4.0 / 3.0);

  // 2. The model.
  double t0 = MPI_Wtime();
  const auto model = mfg::makeModel(kModel, {{"length", {static_cast<double>(opt.size)}},
                                             {"width", {static_cast<double>(opt.size)}},
                                             {"T", {static_cast<double>(opt.horizon)}}});
  const double model_s = mfg::parallel::max(comm, MPI_Wtime() - t0);
  const std::int64_t nS = model->numStates(), nA = model->numActions();
  const int steps = model->numSteps();
  const mfg::parallel::StateLayout layout(comm, nS, nA);

  // 3. Raw kernel operations on a KernelMatrix of our own, assembled with μ_0.
  double raw_build_s = 0, raw_assemble_s = 0, nnz = 0, rss_kernel = 0;
  double mass_in = 0, mass_out = 0, ghost_sum = 0, ghost_max = 0;
  std::string mat_type;
  Timing t_multT, t_mult, t_reward;
  {
    const double rss0 = rssMiB();
    t0 = MPI_Wtime();
    mfg::KernelMatrix kernel(*model, layout);
    raw_build_s = mfg::parallel::max(comm, MPI_Wtime() - t0);

    const auto mu0 = model->initialDistribution();  // global, as a MeanFieldView wants
    std::vector<double> L, stats;
    mfg::MeanFieldView view;
    view.t = 0;
    view.mu = mu0;
    if (model->usesStateAction()) {
      L.resize(static_cast<std::size_t>(nS * nA));
      for (std::size_t r = 0; r < L.size(); ++r) L[r] = mu0[r / nA] / static_cast<double>(nA);
      view.L = L;
    }
    model->aggregate(view, stats);
    view.stats = stats;
    t0 = MPI_Wtime();
    kernel.assemble(view);
    raw_assemble_s = mfg::parallel::max(comm, MPI_Wtime() - t0);
    rss_kernel = mfg::parallel::sum(comm, rssMiB() - rss0);

    Mat P = kernel.mat();
    MatInfo info;
    MFG_PETSC_CALL(MatGetInfo(P, MAT_GLOBAL_SUM, &info));
    nnz = info.nz_used;
    MatType type = nullptr;
    MFG_PETSC_CALL(MatGetType(P, &type));
    mat_type = type ? type : "?";
    if (static_cast<double>(mfg::parallel::sum(comm, static_cast<double>(kernel.localNonzeros()))) != nnz)
      throw std::runtime_error("PETSc's nonzero count differs from the kernel's pattern");
    // Ghost values: the columns of a rank's off-diagonal block, i.e. the entries of V_{t+1} it
    // receives in a MatMult (and the partial sums it sends in a MatMultTranspose) every step.
    double ghosts = 0.0;
    if (size > 1) {
      Mat diag = nullptr, off = nullptr;
      const PetscInt* garray = nullptr;
      PetscInt off_rows = 0, off_cols = 0;
      MFG_PETSC_CALL(MatMPIAIJGetSeqAIJ(P, &diag, &off, &garray));
      MFG_PETSC_CALL(MatGetSize(off, &off_rows, &off_cols));
      ghosts = static_cast<double>(off_cols);
    }
    ghost_sum = mfg::parallel::sum(comm, ghosts);
    ghost_max = mfg::parallel::max(comm, ghosts);

    mfg::PetscVec states, rows;
    MFG_PETSC_CALL(MatCreateVecs(P, states.out(), rows.out()));
    // Forward input: μ_0(s) π(a|s) with π uniform; backward input: some V_{t+1}.
    {
      PetscScalar* x = nullptr;
      MFG_PETSC_CALL(VecGetArrayWrite(rows, &x));
      for (std::int64_t r = 0; r < layout.localRows(); ++r) x[r] = mu0[layout.begin() + r / nA] / static_cast<double>(nA);
      MFG_PETSC_CALL(VecRestoreArrayWrite(rows, &x));
      MFG_PETSC_CALL(VecGetArrayWrite(states, &x));
      for (std::int64_t s = 0; s < layout.localStates(); ++s) x[s] = 1.0 + 1e-6 * static_cast<double>((layout.begin() + s) % 977);
      MFG_PETSC_CALL(VecRestoreArrayWrite(states, &x));
    }
    MFG_PETSC_CALL(VecSum(rows, &mass_in));
    mfg::PetscVec mu_next, q;
    MFG_PETSC_CALL(VecDuplicate(states, mu_next.out()));
    MFG_PETSC_CALL(VecDuplicate(rows, q.out()));
    t_multT = measure(comm, opt.repeat, [&] { MFG_PETSC_CALL(MatMultTranspose(P, rows, mu_next)); });
    t_mult = measure(comm, opt.repeat, [&] { MFG_PETSC_CALL(MatMult(P, states, q)); });
    // The model's reward over the owned rows, as every backward step evaluates it (R_t(s,a)).
    std::vector<double> R(static_cast<std::size_t>(layout.localRows()));
    t_reward = measure(comm, opt.repeat, [&] {
      for (std::size_t r = 0; r < R.size(); ++r)
        R[r] = model->reward(view, layout.begin() + static_cast<std::int64_t>(r) / nA,
                             static_cast<std::int64_t>(r) % nA);
    });
    MFG_PETSC_CALL(VecSum(mu_next, &mass_out));
  }

  // Bytes one matvec must move (same for MatMult and MatMultTranspose).
  const double rows_g = static_cast<double>(nS * nA), cols_g = static_cast<double>(nS);
  const double idx = sizeof(PetscInt);
  const double csr_bytes = nnz * (8.0 + idx) + (rows_g + size) * idx;
  const double vec_bytes = (rows_g + cols_g) * 8.0;
  const double bytes = csr_bytes + vec_bytes;
  // KernelMatrix keeps its own CSR (row_start_, cols_, vals_) beside PETSc's.
  const double copy_bytes = nnz * (8.0 + idx) + (rows_g + size) * idx;

  // 4. Full sweeps through the engine.
  t0 = MPI_Wtime();
  mfg::ExactEngine engine(*model, comm);
  const double engine_s = mfg::parallel::max(comm, MPI_Wtime() - t0);
  const mfg::Policy uniform = mfg::Policy::uniform(engine.layout(), steps);
  mfg::MeanFieldFlow flow;
  const Timing t_fwd = measure(comm, opt.repeat, [&] { flow = engine.forward(uniform); });
  double flow_mass_local = 0.0;
  for (double m : flow.mu.back()) flow_mass_local += m;
  const double flow_mass = mfg::parallel::sum(comm, flow_mass_local);
  mfg::Values vals;
  const Timing t_br = measure(comm, opt.repeat, [&] { engine.bestResponse(flow, uniform, vals); });
  // Σ_s μ_0(s) V_0(s), computed here from the model's μ_0 so as to depend on no engine helper.
  const auto mu0_all = model->initialDistribution();
  const auto weigh = [&](const std::vector<double>& v) {
    double local = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) local += mu0_all[engine.layout().begin() + i] * v[i];
    return mfg::parallel::sum(comm, local);
  };
  const double v0_best = weigh(vals.V[0]);
  const Timing t_ev = measure(comm, opt.repeat, [&] { engine.evaluate(uniform, flow, uniform, vals); });
  const double v0_uniform = weigh(vals.V[0]);
  const double rss_end_max = mfg::parallel::max(comm, rssMiB());
  const double rss_end_sum = mfg::parallel::sum(comm, rssMiB());

  const Rate r_multT = rate(t_multT, 1, bytes, st.gbs), r_mult = rate(t_mult, 1, bytes, st.gbs);
  const Rate r_fwd = rate(t_fwd, steps, bytes, st.gbs), r_br = rate(t_br, steps, bytes, st.gbs),
             r_ev = rate(t_ev, steps, bytes, st.gbs);

  if (root) {
    std::printf("model %s: L = %ld (%lld states x %lld actions = %.0f rows), T = %ld (%d steps), %d rank(s), "
                "PETSc %s\n",
                kModel, opt.size, static_cast<long long>(nS), static_cast<long long>(nA), rows_g, opt.horizon,
                steps, size, mat_type.c_str());
    std::printf("kernel: %.0f nonzeros (%.2f per row), CSR %.1f MB (+ vectors %.1f MB) = %.1f MB per matvec"
                "\n",
                nnz, nnz / rows_g, csr_bytes / 1e6, vec_bytes / 1e6, bytes / 1e6);
    std::printf("ghost values per matvec: %.0f on all ranks, %.0f on the rank with most (%.1f kB)\n", ghost_sum,
                ghost_max, ghost_max * 8.0 / 1e3);
    std::printf("kernel memory: PETSc CSR %.1f MB + the KernelMatrix's own copy of pattern and values %.1f MB; "
                "resident growth while one KernelMatrix is built and assembled %.0f MiB (all ranks)\n",
                csr_bytes / 1e6, copy_bytes / 1e6, rss_kernel);
    std::printf("setup: model %.2f s, kernel pattern %.2f s, assemble %.2f s, engine %.2f s; final RSS %.0f MiB "
                "(largest rank), %.0f MiB (all ranks)\n",
                model_s, raw_build_s, raw_assemble_s, engine_s, rss_end_max, rss_end_sum);
    std::printf("\n%-34s %12s %12s %9s %9s\n", "operation (best of R, per step)", "time [ms]", "median [ms]",
                "GB/s", "/STREAM");
    auto line = [](const char* name, const Rate& r) {
      std::printf("%-34s %12.2f %12.2f %9.2f %9.3f\n", name, r.seconds * 1e3, r.median * 1e3, r.gbs, r.ratio);
    };
    line("raw MatMultTranspose (forward)", r_multT);
    line("raw MatMult (backward)", r_mult);
    line("engine.forward, per step", r_fwd);
    line("engine.bestResponse, per step", r_br);
    line("engine.evaluate, per step", r_ev);
    std::printf("%-34s %12.2f %12.2f %9s %9s\n", "model.reward, all rows (no matvec)", t_reward.best * 1e3,
                t_reward.median * 1e3, "-", "-");
    std::printf("%-34s %12s %12s %9.2f %9.3f\n", "STREAM triad (aggregate)", "", "", st.gbs, 1.0);
    std::printf("\nchecks: mass of P^T x = %.15f (input %.15f); mass of mu_T = %.15f; "
                "V*_0 = %.6f, V^uniform_0 = %.6f\n",
                mass_out, mass_in, flow_mass, v0_best, v0_uniform);
    std::fflush(stdout);
  }

  if (root && !opt.out.empty()) {
    Json stream_j;
    stream_j.num("triad_gbs", st.gbs)
        .num("triad_gbs_with_write_allocate", st.gbs * 4.0 / 3.0)
        .num("best_s", st.best_s)
        .integer("elements_per_rank", opt.stream_n)
        .integer("reps", opt.stream_reps)
        .integer("bytes_per_element", 24)
        .str("note", "a[i] = b[i] + s*c[i], all ranks concurrently on their own arrays; aggregate counts "
                     "3 arrays x 8 B per element (write-allocate traffic not counted)");
    Json matrix_j;
    matrix_j.str("type", mat_type)
        .num("rows", rows_g)
        .num("cols", cols_g)
        .num("nonzeros", nnz)
        .num("nonzeros_per_row", nnz / rows_g)
        .integer("petsc_int_bytes", sizeof(PetscInt))
        .num("csr_bytes", csr_bytes)
        .num("vector_bytes", vec_bytes)
        .num("kernel_rss_mib_all_ranks", rss_kernel)
        .num("ghost_values_all_ranks", ghost_sum)
        .num("ghost_values_max_rank", ghost_max)
        .num("kernel_own_copy_bytes", copy_bytes)
        .num("final_rss_mib_max_rank", rss_end_max)
        .num("final_rss_mib_all_ranks", rss_end_sum);
    Json raw_j;
    Json reward_j;
    reward_j.num("best_s", t_reward.best).num("median_s", t_reward.median);
    raw_j.obj("matmult_transpose_forward", rateJson(r_multT, ""))
        .obj("matmult_backward", rateJson(r_mult, ""))
        .obj("model_reward_all_rows", reward_j);
    Json sweeps_j;
    sweeps_j.obj("forward", rateJson(r_fwd, "_per_step"))
        .obj("backward_best_response", rateJson(r_br, "_per_step"))
        .obj("backward_evaluate", rateJson(r_ev, "_per_step"));
    Json setup_j;
    setup_j.num("model_s", model_s)
        .num("kernel_pattern_s", raw_build_s)
        .num("kernel_assemble_s", raw_assemble_s)
        .num("engine_s", engine_s);
    Json checks_j;
    checks_j.num("matmult_transpose_mass_in", mass_in)
        .num("matmult_transpose_mass_out", mass_out)
        .num("forward_final_mass", flow_mass)
        .num("best_response_value", v0_best)
        .num("uniform_value", v0_uniform);
    Json j;
    j.str("benchmark", "bench_sweeps")
        .str("model", kModel)
        .integer("size", opt.size)
        .integer("T", opt.horizon)
        .integer("steps", steps)
        .integer("ranks", size)
        .integer("repeat", opt.repeat)
        .integer("states", nS)
        .integer("actions", nA)
        .str("petsc_options", opt.petsc_options)
        .num("bytes_per_matvec", bytes)
        .str("bytes_note", "per matvec: nonzeros x (8 B value + PetscInt column) + row pointers (one per "
                           "row + one per rank) + input and output vectors once each (8 B/entry); sweep "
                           "steps are charged the same bytes")
        .obj("stream", stream_j)
        .obj("matrix", matrix_j)
        .obj("raw", raw_j)
        .obj("sweeps", sweeps_j)
        .obj("setup", setup_j)
        .obj("checks", checks_j);
    writeAtomically(opt.out, j.text());
    std::printf("wrote %s\n", opt.out.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  int status = 0;
  {
    mfg::PetscSession petsc(opt.petsc_options);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (opt.help || !opt.error.empty()) {
      if (rank == 0) {
        if (!opt.error.empty()) std::fprintf(stderr, "bench_sweeps: error: %s\n", opt.error.c_str());
        std::fputs(kUsage, opt.help && opt.error.empty() ? stdout : stderr);
      }
      status = opt.error.empty() ? 0 : 2;
    } else {
      try {
        status = run(opt);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_sweeps: error on rank %d: %s\n", rank, e.what());
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
      }
    }
  }
  return status;
}
