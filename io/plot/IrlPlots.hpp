#pragma once
// The figures of `mfg irl`: for each true agent type, the experts' mean-field flow beside the flow
// induced by the learned reward (OUT/irl_type<k>_flows), and the true reward beside the learned one
// along the experts' flow at t = 0 (OUT/irl_type<k>_reward). Rewards are identified only up to
// potential shaping and a constant, so both are drawn centred on their mean.
#include <mpi.h>

#include <string>

#include "solver/irl/IrlScore.hpp"
#include "solver/models/Model.hpp"

namespace mfg::io::plot {

/// Collective; rank 0 draws PNG and PDF files into `dir`. Returns nothing; failures to draw are
/// reported by exception like the other plots.
void plotIrl(const std::string& dir, const Model& model, const irl::IrlScore& score, MPI_Comm comm);

}  // namespace mfg::io::plot
