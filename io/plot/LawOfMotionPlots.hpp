#pragma once
// The figures of `mfg report-alm` (docs/methods.md §9), drawn from what the report has just
// computed: aggregate capital along the simulated shock path with the fitted law of motion iterated
// along the same shocks (Den Haan's path), and the wealth distribution at a few dates.
//
//   DIR/alm_capital   K_t (simulated) and exp(log K̂_t) (fitted law), against the quarter
//   DIR/alm_wealth    the cumulative distribution of capital at the chosen dates
#include <string>
#include <vector>

#include "io/plot/Figure.hpp"

namespace mfg::io::plot {

struct LawOfMotionFigureData {
  std::string model;
  std::vector<double> quarters, K, K_fitted;  ///< the reported window (after the burn-in)
  std::vector<double> good;                   ///< 1 in good quarters, 0 in bad ones (same length)
  std::vector<double> capital_grid;
  std::vector<std::vector<double>> wealth;  ///< marginal mass on capital_grid at each date
  std::vector<int> dates;
};

std::vector<std::string> plotLawOfMotion(const std::string& dir, const LawOfMotionFigureData& data,
                                         const Formats& formats);

}  // namespace mfg::io::plot
