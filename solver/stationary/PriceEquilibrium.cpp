#include "solver/stationary/PriceEquilibrium.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "parallel/Collectives.hpp"
#include "solver/engine/ResourceCheck.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::stationary {

namespace {

std::int64_t product(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

}  // namespace

PriceEquilibriumSolver::PriceEquilibriumSolver(const PriceTakingEconomy& economy, MPI_Comm comm,
                                               EquilibriumSettings settings)
    : economy_(economy),
      layout_(comm, product(economy.stateShape()), product(economy.actionShape())),
      settings_(settings) {
  checkFits();
}

void PriceEquilibriumSolver::checkFits() const {
  const std::int64_t rows = layout_.globalStates() * layout_.actions();
  const std::string size = std::to_string(layout_.globalStates()) + " states x " +
                           std::to_string(layout_.actions()) + " actions";
  if (rows > static_cast<std::int64_t>(PETSC_MAX_INT))
    throw InputError("model '" + economy_.name() + "' (" + size + ") has " + std::to_string(rows) +
                     " kernel rows, more than PetscInt allows; use fewer asset points or a PETSc with 64-bit indices");
  // One household problem at a time: the kernel (AIJ: 12 bytes per entry, 8 per row), its
  // rewards and greedy values (8 + 8 per row), the feasibility mask and preallocation counts
  // (1 + 16 per row while assembling); successors counted on the first state's first action.
  std::vector<Transition> row;
  economy_.household(0.5 * (economy_.priceBracket().first + economy_.priceBracket().second))->transitions(0, 0, row);
  const double local_rows = static_cast<double>(layout_.localStates()) * static_cast<double>(layout_.actions());
  const double bytes = local_rows * (12.0 * static_cast<double>(row.size()) + 8 + 16 + 1 + 16) * 1.2;
  const double available = availableBytesPerRank(layout_.comm());
  const bool too_big = parallel::max(layout_.comm(), bytes > available ? 1.0 : 0.0) > 0.0;
  const char* off = std::getenv("MFG_MEMORY_CHECK");
  if (too_big && !(off && std::string(off) == "off"))
    throw InputError("model '" + economy_.name() + "' (" + size + ") does not fit in memory: it needs about " +
                     humanBytes(bytes) + " per rank on " + std::to_string(layout_.size()) + " rank(s), with " +
                     humanBytes(available) + " per rank available (fewer asset points, more ranks, or "
                     "MFG_MEMORY_CHECK=off to try anyway)");
}

PriceStep PriceEquilibriumSolver::supplyAt(double price, std::vector<std::int64_t>& policy,
                                           std::vector<double>& value, std::vector<double>& mu) const {
  const auto household = economy_.household(price);
  const StationarySolver solver(*household, layout_, settings_.inner);
  PriceStep step{};
  step.price = price;
  step.policy_iterations = solver.bestResponse(policy, value);
  step.distribution_iterations = solver.stationaryDistribution(policy, mu);
  double local = 0;
  for (std::int64_t i = 0; i < layout_.localStates(); ++i)
    local += mu[static_cast<std::size_t>(i)] * economy_.holding(layout_.begin() + i);
  step.supply = parallel::sum(layout_.comm(), local);
  step.demand = economy_.demand(price);
  return step;
}

Equilibrium PriceEquilibriumSolver::solve(const std::function<void(const PriceStep&)>& progress) const {
  const double start = MPI_Wtime();
  auto [lo, hi] = economy_.priceBracket();
  const double lo0 = lo, hi0 = hi;
  Equilibrium eq;
  std::vector<std::int64_t> policy;
  std::vector<double> value, mu;
  PriceStep last{};
  for (int it = 1; it <= settings_.max_iterations; ++it) {
    const double mid = 0.5 * (lo + hi);
    last = supplyAt(mid, policy, value, mu);
    last.iteration = it;
    last.seconds = parallel::broadcast(layout_.comm(), MPI_Wtime() - start);
    eq.history.push_back(last);
    if (progress) progress(last);
    // Too much supply: the price is above the equilibrium.
    (last.supply > last.demand ? hi : lo) = mid;
    if (hi - lo < settings_.tolerance) break;
  }
  eq.price = last.price;
  eq.supply = last.supply;
  eq.demand = last.demand;
  eq.at_bracket_end = lo == lo0 || hi == hi0;
  eq.policy = policy;
  eq.value = value;
  eq.distribution = mu;

  // Exploitability of the final policy against the mean field it produces: μ^π implies a price
  // through the firms' demand; at that price, compare the best response with π itself.
  eq.implied_price = economy_.priceForSupply(eq.supply);
  // No supply (e.g. everyone at the borrowing limit) implies no finite price: nothing to compare.
  eq.exploitability = std::numeric_limits<double>::quiet_NaN();
  if (std::isfinite(eq.implied_price) && eq.implied_price > economy_.priceBracket().first) {
    const auto household = economy_.household(eq.implied_price);
    const StationarySolver solver(*household, layout_, settings_.inner);
    std::vector<double> mu_pi = mu, v_pi = value, v_best = value;
    std::vector<std::int64_t> best = policy;
    solver.stationaryDistribution(policy, mu_pi);
    solver.evaluate(policy, v_pi);
    solver.bestResponse(best, v_best);
    std::vector<double> gap(v_pi.size());
    for (std::size_t i = 0; i < gap.size(); ++i) gap[i] = v_best[i] - v_pi[i];
    eq.exploitability = globalDot(layout_.comm(), mu_pi, gap);
  }

  double top_local = 0, top_holding = 0;
  for (std::int64_t s = 0; s < layout_.globalStates(); ++s) top_holding = std::max(top_holding, economy_.holding(s));
  for (std::int64_t i = 0; i < layout_.localStates(); ++i)
    if (economy_.holding(layout_.begin() + i) == top_holding) top_local += mu[static_cast<std::size_t>(i)];
  eq.top_cell_mass = parallel::sum(layout_.comm(), top_local);
  return eq;
}

}  // namespace mfg::stationary
