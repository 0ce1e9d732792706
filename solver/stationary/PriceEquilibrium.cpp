#include "solver/stationary/PriceEquilibrium.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>

#include "parallel/Collectives.hpp"
#include "solver/engine/ResourceCheck.hpp"
#include "solver/models/InputError.hpp"
#include "solver/stationary/StationarySolver.hpp"

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
      settings_(settings),
      lottery_(economy.savings(0.5 * (economy.priceBracket().first + economy.priceBracket().second)) != nullptr) {
  checkFits();
}

void PriceEquilibriumSolver::checkFits() const {
  const double mid = 0.5 * (economy_.priceBracket().first + economy_.priceBracket().second);
  const std::int64_t rows = lottery_ ? layout_.globalStates() : layout_.globalStates() * layout_.actions();
  const std::string size = std::to_string(layout_.globalStates()) + " states" +
                           (lottery_ ? std::string(", lottery choice") : " x " + std::to_string(layout_.actions()) + " actions");
  if (rows > static_cast<std::int64_t>(PETSC_MAX_INT))
    throw InputError("model '" + economy_.name() + "' (" + size + ") has " + std::to_string(rows) +
                     " matrix rows, more than PetscInt allows; use fewer asset points or a PETSc with 64-bit indices");
  double bytes = 0;
  const auto local_states = static_cast<double>(layout_.localStates());
  if (lottery_) {
    // Per state: up to three matrices at once with 2|E| + 1 entries per row (P_π, I − Pᵀ or
    // I − γP_π, and an ILU factor; AIJ: 12 bytes per entry, 8 per row), their rows while
    // assembling (16 per entry + 24), GMRES(40)'s basis and ~20 work vectors (8 each); and
    // on every rank the gathered value and its expectation (8 + 8 per global state).
    const double exo = static_cast<double>(economy_.savings(mid)->exogenous().size());
    const double nnz = 2 * exo + 1;
    bytes = (local_states * (3 * (12 * nnz + 8) + 16 * nnz + 24 + 60 * 8) +
             16.0 * static_cast<double>(layout_.globalStates())) * 1.2;
  } else {
    // One household problem at a time: the kernel (AIJ: 12 bytes per entry, 8 per row), its
    // rewards and greedy values (8 + 8 per row), the feasibility mask and preallocation counts
    // (1 + 16 per row while assembling); successors counted on the first state's first action.
    std::vector<Transition> row;
    economy_.household(mid)->transitions(0, 0, row);
    const double local_rows = local_states * static_cast<double>(layout_.actions());
    bytes = local_rows * (12.0 * static_cast<double>(row.size()) + 8 + 16 + 1 + 16) * 1.2;
  }
  const double available = availableBytesPerRank(layout_.comm());
  const bool too_big = parallel::max(layout_.comm(), bytes > available ? 1.0 : 0.0) > 0.0;
  const char* off = std::getenv("MFG_MEMORY_CHECK");
  if (too_big && !(off && std::string(off) == "off"))
    throw InputError("model '" + economy_.name() + "' (" + size + ") does not fit in memory: it needs about " +
                     humanBytes(bytes) + " per rank on " + std::to_string(layout_.size()) + " rank(s), with " +
                     humanBytes(available) + " per rank available (fewer asset points, more ranks, or "
                     "MFG_MEMORY_CHECK=off to try anyway)");
}

PriceStep PriceEquilibriumSolver::supplyAt(double price, std::vector<double>& policy, std::vector<double>& value,
                                           std::vector<double>& mu) const {
  const auto solver = makeHouseholdSolver(economy_, price, layout_, settings_.inner);
  PriceStep step{};
  step.price = price;
  step.policy_iterations = solver->bestResponse(policy, value);
  step.distribution_iterations = solver->stationaryDistribution(policy, mu);
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
  Equilibrium eq;
  eq.choice = lottery_ ? "lottery" : "grid";
  std::vector<double> policy, value, mu;
  PriceStep last{};
  int evaluations = 0;
  // What each bracket end of Brent's method found (its policy, value and distribution), so that
  // the final estimate, which is one of them, needs no second solve.
  struct Snapshot {
    PriceStep step;
    std::vector<double> policy, value, mu;
  };
  std::map<double, Snapshot> kept;
  // The relative gap log(supply / demand) at p, whose sign is that of supply − demand; every
  // rank computes the same number (sums are reduced). On the log scale the supply's steep rise
  // near the top of the bracket (households accumulate without bound as r approaches the time
  // preference rate) is nearly linear, so interpolation finds the root in a few prices; a
  // tiny floor keeps it finite when nothing is supplied.
  auto gap = [&](double p) {
    last = supplyAt(p, policy, value, mu);
    last.iteration = ++evaluations;
    last.seconds = parallel::broadcast(layout_.comm(), MPI_Wtime() - start);
    eq.history.push_back(last);
    if (progress) progress(last);
    return std::log((std::max(last.supply, 0.0) + 1e-12 * last.demand) / last.demand);
  };
  const double tol = settings_.tolerance;

  // Until a price on each side of the equilibrium is known: the secant through the last two
  // prices (both on the same side) extrapolated to a zero gap when that lands well inside the
  // open bracket, the midpoint otherwise, and always the midpoint after an extrapolation that
  // did not find the other side (so the bracket at least halves every second price).
  double a = 0, fa = 0, b = 0, fb = 0;
  bool below = false, above = false;
  double p_prev = 0, f_prev = 0, p_last = 0, f_last = 0;
  int tried = 0;
  bool extrapolated = false;
  while (!(below && above) && hi - lo >= tol && evaluations < settings_.max_iterations) {
    double next = 0.5 * (lo + hi);
    if (tried >= 2 && !extrapolated && f_last != f_prev) {
      const double secant = p_last - f_last * (p_last - p_prev) / (f_last - f_prev);
      const double margin = 0.01 * (hi - lo);
      if (std::isfinite(secant) && secant > lo + margin && secant < hi - margin) {
        next = secant;
        extrapolated = true;
      }
    } else {
      extrapolated = false;
    }
    const double f = gap(next);
    p_prev = p_last, f_prev = f_last, p_last = next, f_last = f, ++tried;
    // Too much supply: the price is above the equilibrium.
    if (f > 0) {
      hi = next;
      b = next, fb = f, above = true;
    } else {
      lo = next;
      a = next, fa = f, below = true;
    }
  }
  eq.at_bracket_end = !(below && above);

  if (below && above && fb != 0.0) {
    // Brent's method on [a, b], f(a) < 0 < f(b); b is the best estimate, [b, c] the bracket.
    double c = a, fc = fa, d = b - a, e = d;
    if (last.price == b) kept[b] = {last, policy, value, mu};
    while (evaluations < settings_.max_iterations) {
      if ((fb > 0) == (fc > 0)) {
        c = a, fc = fa;
        d = e = b - a;
      }
      if (std::abs(fc) < std::abs(fb)) {
        a = b, b = c, c = a;
        fa = fb, fb = fc, fc = fa;
      }
      const double tol1 = 2 * std::numeric_limits<double>::epsilon() * std::abs(b) + 0.5 * tol;
      const double xm = 0.5 * (c - b);
      if (std::abs(xm) <= tol1 || fb == 0.0) break;
      if (std::abs(e) >= tol1 && std::abs(fa) > std::abs(fb)) {
        // Inverse quadratic interpolation through a, b, c (the secant when a = c).
        double p, q, r;
        const double s = fb / fa;
        if (a == c) {
          p = 2 * xm * s;
          q = 1 - s;
        } else {
          q = fa / fc;
          r = fb / fc;
          p = s * (2 * xm * q * (q - r) - (b - a) * (r - 1));
          q = (q - 1) * (r - 1) * (s - 1);
        }
        if (p > 0) q = -q;
        p = std::abs(p);
        if (2 * p < std::min(3 * xm * q - std::abs(tol1 * q), std::abs(e * q))) {
          e = d;
          d = p / q;
        } else {
          d = e = xm;  // interpolation would leave the bracket or converge too slowly
        }
      } else {
        d = e = xm;
      }
      a = b, fa = fb;
      b += std::abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
      fb = gap(b);
      kept[b] = {last, policy, value, mu};
      std::erase_if(kept, [&](const auto& entry) { return entry.first != a && entry.first != b && entry.first != c; });
    }
    // The estimate b is a price already solved: take its state (the last price tried may be
    // another one), or solve it again when it was the bracket's first end.
    if (last.price != b) {
      if (auto it = kept.find(b); it != kept.end()) {
        last = it->second.step;
        policy = std::move(it->second.policy);
        value = std::move(it->second.value);
        mu = std::move(it->second.mu);
      } else {
        gap(b);
      }
    }
  }
  eq.price = last.price;
  eq.supply = last.supply;
  eq.demand = last.demand;
  eq.policy = policy;
  eq.value = value;
  eq.distribution = mu;

  // Exploitability of the final policy against the mean field it produces: μ^π implies a price
  // through the firms' demand; at that price, compare the best response with π itself.
  eq.implied_price = economy_.priceForSupply(eq.supply);
  // No supply (e.g. everyone at the borrowing limit) implies no finite price: nothing to compare.
  eq.exploitability = std::numeric_limits<double>::quiet_NaN();
  if (std::isfinite(eq.implied_price) && eq.implied_price > economy_.priceBracket().first) {
    const auto solver = makeHouseholdSolver(economy_, eq.implied_price, layout_, settings_.inner);
    std::vector<double> mu_pi = mu, v_pi = value, v_best = value, best = policy;
    solver->stationaryDistribution(policy, mu_pi);
    solver->evaluate(policy, v_pi);
    solver->bestResponse(best, v_best);
    std::vector<double> gaps(v_pi.size());
    for (std::size_t i = 0; i < gaps.size(); ++i) gaps[i] = v_best[i] - v_pi[i];
    eq.exploitability = globalDot(layout_.comm(), mu_pi, gaps);
  }

  double top_local = 0, top_holding = 0;
  for (std::int64_t s = 0; s < layout_.globalStates(); ++s) top_holding = std::max(top_holding, economy_.holding(s));
  for (std::int64_t i = 0; i < layout_.localStates(); ++i)
    if (economy_.holding(layout_.begin() + i) == top_holding) top_local += mu[static_cast<std::size_t>(i)];
  eq.top_cell_mass = parallel::sum(layout_.comm(), top_local);
  return eq;
}

}  // namespace mfg::stationary
