#include "parallel/Collectives.hpp"

namespace mfg::parallel {

double sum(MPI_Comm comm, double local) {
  double out = 0.0;
  MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_SUM, comm);
  return out;
}

double max(MPI_Comm comm, double local) {
  double out = 0.0;
  MPI_Allreduce(&local, &out, 1, MPI_DOUBLE, MPI_MAX, comm);
  return out;
}

void allGather(const StateLayout& layout, std::span<const double> local, int block,
               std::vector<double>& global) {
  const auto& off = layout.offsets();
  std::vector<int> counts(layout.size()), displs(layout.size());
  for (int r = 0; r < layout.size(); ++r) {
    counts[r] = static_cast<int>((off[r + 1] - off[r]) * block);
    displs[r] = static_cast<int>(off[r] * block);
  }
  global.resize(static_cast<std::size_t>(layout.globalStates() * block));
  MPI_Allgatherv(local.data(), counts[layout.rank()], MPI_DOUBLE, global.data(), counts.data(),
                 displs.data(), MPI_DOUBLE, layout.comm());
}

std::optional<std::string> firstError(MPI_Comm comm, const std::optional<std::string>& local) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int mine = local ? rank : size, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return std::nullopt;
  int length = rank == first ? static_cast<int>(local->size()) : 0;
  MPI_Bcast(&length, 1, MPI_INT, first, comm);
  std::string message(static_cast<std::size_t>(length), '\0');
  if (rank == first) message = *local;
  MPI_Bcast(message.data(), length, MPI_CHAR, first, comm);
  return message;
}

double broadcast(MPI_Comm comm, double value) {
  MPI_Bcast(&value, 1, MPI_DOUBLE, 0, comm);
  return value;
}

}  // namespace mfg::parallel
