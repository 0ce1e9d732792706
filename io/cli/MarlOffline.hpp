#pragma once
// `mfg marl offline`: offline MARL from an episode dataset (InSPO, its ablations and baselines),
// with the exact return of the learned joint policy on the game the data came from.
#include <mpi.h>

#include <cstdint>
#include <string>

namespace mfg::cli {

struct MarlOfflineConfig {
  std::string method = "inspo";  ///< inspo | inspo-simultaneous | bc | vdn-cql | vdn
  std::string game;
  std::string dataset;
  double alpha = 0.001;          ///< InSPO: KL weight; vdn-cql: the conservative weight (default 1 there)
  bool alpha_given = false;
  double beta = 0.0001;
  double gamma = 0.99;
  int iterations = 50;
  std::uint64_t seed = 0;
  std::string out = "mfg-offline";
};

/// Writes OUT/policy.h5, OUT/result.h5 and OUT/summary.json.
void marlOffline(const MarlOfflineConfig& config, MPI_Comm comm);

}  // namespace mfg::cli
