#pragma once
// The plots of each command's results. Each function reads and validates its input first
// (InputError naming the file and the problem), then writes its figures next to the results and
// returns the files written.
//
//   solve  DIR/result.h5   exploitability      exploitability (log) against iterations
//                          mean_field          μ_t, time × state (models without common noise)
//                          mean_field_path<j>  μ along two scenario-tree paths (models with it)
//                          mean_field_maps     μ_t as 2-D maps at a few times (2-D state spaces)
//                          policy_t<t>         π_t(a|s), state × action
//   train  DIR/result.h5   exploitability      clairvoyant (log) against training wall time, with
//                                              its 95% band and the exact non-anticipative curve
//                          mean_field_path<j>  μ on each stored evaluation path
//                          policy_t<t>         π_t on the first path at the stored times
//   equilibrium DIR/result.h5  wealth_distribution, savings_policy, price_search (EquilibriumPlots.cpp)
//   certify BASE.h5        BASE_per_state      per-state gaps of both bounds
//                          BASE_unit_values    distributions of the per-path / per-unit values
#include <string>
#include <vector>

#include "io/plot/Figure.hpp"

namespace mfg::io::plot {

std::vector<std::string> plotSolveResult(const std::string& dir, const Formats& formats);
std::vector<std::string> plotTrainResult(const std::string& dir, const Formats& formats);
std::vector<std::string> plotEquilibriumResult(const std::string& dir, const Formats& formats);
/// `base` is the certificate's path prefix (BASE, BASE.json or BASE.h5 are accepted).
std::vector<std::string> plotCertificate(const std::string& base, const Formats& formats);
/// Recognises what `path` is (a solve, train or equilibrium output directory, or a certificate)
/// and plots it.
std::vector<std::string> plotResults(const std::string& path, const Formats& formats);

}  // namespace mfg::io::plot
