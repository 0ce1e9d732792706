#include "io/cli/Threads.hpp"

#include <dlfcn.h>
#include <torch/torch.h>

#include <cstdlib>

namespace mfg::cli {

int threadsPerRank() {
  for (const char* name : {"MFG_THREADS", "SLURM_CPUS_PER_TASK"})
    if (const char* v = std::getenv(name)) {
      const int n = std::atoi(v);
      if (n >= 1) return n;
    }
  return 1;
}

void setThreads(int n) {
  torch::set_num_threads(n);
  limitBlasThreads(n);
}

void limitBlasThreads(int n) {
  // OpenBLAS (Debian's libblas.so.3 alternative) keeps its own pool; it is found at run time
  // because the reference BLAS, which has no pool, may be the one installed.
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(n);
}

}  // namespace mfg::cli
