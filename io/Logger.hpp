#pragma once
// The one place that prints: rank 0 of the communicator writes, other ranks stay silent.
#include <fmt/core.h>
#include <mpi.h>

#include <cstdio>

namespace mfg::io {

class Logger {
 public:
  explicit Logger(MPI_Comm comm) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    root_ = rank == 0;
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const {
    if (root_) {
      fmt::print(stdout, f, std::forward<Args>(args)...);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    }
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const {
    if (root_) {
      fmt::print(stderr, f, std::forward<Args>(args)...);
      std::fputc('\n', stderr);
      std::fflush(stderr);
    }
  }
  bool isRoot() const { return root_; }

 private:
  bool root_ = true;
};

}  // namespace mfg::io
