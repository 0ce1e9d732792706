#pragma once
// Charts of a model's mean-field flow and policy, shared by the solve, train and certify plots.
// Product state spaces (e.g. macro's wealth × income, crowd_motion's grid) are shown by their
// first coordinate's marginal in time × state heatmaps, and as full 2-D maps at a few times.
#include <string>
#include <vector>

#include "io/plot/Charts.hpp"
#include "io/plot/ModelContext.hpp"

namespace mfg::io::plot {

/// μ_0..μ_T of one path (each `context.states` values, row-major over the state shape) as a
/// time × state heatmap of the first state coordinate's marginal, annotated with `markers`.
Heatmap flowHeatmap(const ModelContext& context, const std::vector<const double*>& mu, const std::string& title,
                    std::vector<Marker> markers);
/// π_t(a|s) (context.states × context.actions values) as a state × action heatmap; for product
/// states the first state coordinate, averaged uniformly over the others.
Heatmap policyHeatmap(const ModelContext& context, const double* pi, const std::string& title,
                      std::vector<Marker> markers);
/// Up to four 2-D maps μ_t over a 2-D state space at `times`, side by side with one colour scale.
void drawStateMaps(const ModelContext& context, const std::vector<const double*>& mu, const std::vector<int>& times,
                   const std::string& title);
/// 0, T/4, T/2, 3T/4, T without repeats (T = last index).
std::vector<int> sampleTimes(int last);
/// 0, T/3, 2T/3, T without repeats: the times of the 2-D maps.
std::vector<int> mapTimes(int last);

}  // namespace mfg::io::plot
