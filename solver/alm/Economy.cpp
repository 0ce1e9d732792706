#include "solver/alm/Economy.hpp"

#include <cmath>
#include <stdexcept>

namespace mfg::alm {

Economy Economy::of(const ParameterSet& p) {
  Economy e;
  e.alpha = p.real("alpha");
  e.beta = p.real("beta");
  e.delta = p.real("delta");
  e.labour = p.real("labour");
  e.z = {p.real("z_bad"), p.real("z_good")};
  e.u = {p.real("u_bad"), p.real("u_good")};
  e.employment = macro::employmentTransition(macro::kKrusellSmithChain, e.u);
  e.capital = macro::capitalGrid(p);
  return e;
}

Prices Economy::prices(int zi, double K) const {
  const double zv = z[static_cast<std::size_t>(zi)];
  const double kl = K / aggregateLabour(zi);
  return {alpha * zv * std::pow(kl, alpha - 1.0), (1.0 - alpha) * zv * std::pow(kl, alpha)};
}

double Economy::steadyStateCapital(double L) const {
  return L * std::pow(alpha / (1.0 / beta - 1.0 + delta), 1.0 / (1.0 - alpha));
}

int Economy::regime(double zvalue) const {
  if (zvalue == z[0]) return 0;
  if (zvalue == z[1]) return 1;
  throw std::logic_error("krusell_smith: a shock value is neither z_bad nor z_good");
}

}  // namespace mfg::alm
