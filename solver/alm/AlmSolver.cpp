#include "solver/alm/AlmSolver.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mfg::alm {

AlmResult solveAlm(const Economy& economy, const std::vector<double>& mu0, const std::vector<int>& regimes,
                   const AlmOptions& options, MPI_Comm comm) {
  const double start = MPI_Wtime();
  if (options.burn_in < 0 || options.burn_in + 2 >= static_cast<long>(regimes.size()))
    throw std::invalid_argument("the shock path is shorter than the burn-in");
  const auto grid = aggregateGrid(economy, options.aggregate_points, options.aggregate_span);
  const ExactDistribution distribution(economy, comm);
  const auto B = static_cast<std::size_t>(options.burn_in);
  std::vector<bool> good;
  for (std::size_t t = B; t < regimes.size(); ++t) good.push_back(regimes[t] == 1);

  AlmResult result;
  result.perceived = options.initial;
  for (int it = 1; it <= options.max_iterations; ++it) {
    // The previous policy is a good start: the law moves less and less between iterations.
    result.household = solveHousehold(economy, result.perceived, grid,
                                      it == 1 ? nullptr : &result.household.policy, options.household);
    result.path = distribution.run(mu0, regimes, result.household.policy, options.snapshot_steps);
    const std::vector<double> window(result.path.K.begin() + static_cast<std::ptrdiff_t>(B), result.path.K.end());
    result.law = lawOfMotion(window, good);

    AlmIteration record;
    record.iteration = it;
    record.perceived = result.perceived;
    record.fitted = result.law;
    record.fitted.fitted_log_K.clear();  // the history keeps coefficients, not paths
    const LogLinearFit* fit[2] = {&result.law.bad, &result.law.good};
    for (std::size_t z = 0; z < 2; ++z)
      record.change = std::max({record.change, std::abs(fit[z]->intercept - result.perceived.intercept[z]),
                                std::abs(fit[z]->slope - result.perceived.slope[z])});
    record.household_iterations = result.household.iterations;
    record.household_change = result.household.change;
    record.min_K = result.path.min_K;
    record.max_K = result.path.max_K;
    record.seconds = MPI_Wtime() - start;
    result.history.push_back(record);
    if (options.progress) options.progress(record);
    if (record.change < options.tolerance) {
      result.converged = true;
      break;
    }
    if (it == options.max_iterations) break;  // keep the law the reported path was simulated with
    const double w = options.damping;
    for (std::size_t z = 0; z < 2; ++z) {
      result.perceived.intercept[z] = (1.0 - w) * result.perceived.intercept[z] + w * fit[z]->intercept;
      result.perceived.slope[z] = (1.0 - w) * result.perceived.slope[z] + w * fit[z]->slope;
    }
  }
  return result;
}

}  // namespace mfg::alm
