// krusell_smith: Krusell & Smith (1998), docs/models.md §4.2. See KrusellSmith.hpp for why the
// common noise of step t is the pair (z_t, z_{t+1}).
#include "solver/models/macro/KrusellSmith.hpp"

#include <cmath>
#include <stdexcept>

#include "solver/models/BasicModel.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::macro {

EmploymentTransition employmentTransition(const std::array<std::array<double, 4>, 4>& chain,
                                          const std::array<double, 2>& unemployment) {
  EmploymentTransition tr{};
  for (int z = 0; z < 2; ++z) {
    const int from_u = 2 * z;  // row (z, u)
    for (int zn = 0; zn < 2; ++zn) {
      const double pz = chain[from_u][2 * zn] + chain[from_u][2 * zn + 1];  // π(z'|z)
      if (!(pz > 0.0)) throw InputError("krusell_smith: the aggregate transition π(z'|z) has a zero entry");
      tr.aggregate[z][zn] = pz;
      const double uu = chain[from_u][2 * zn] / pz;  // p(u'|u, z, z') as printed
      const double eu = (unemployment[zn] - unemployment[z] * uu) / (1.0 - unemployment[z]);
      if (!(eu >= 0.0 && eu <= 1.0))
        throw InputError("krusell_smith: with u_bad = " + std::to_string(unemployment[0]) + " and u_good = " +
                         std::to_string(unemployment[1]) + " the employed agents' job-loss probability after z " +
                         (z ? "good" : "bad") + " -> " + (zn ? "good" : "bad") + " would be " + std::to_string(eu) +
                         " (outside [0, 1]); choose unemployment rates closer to 0.10 and 0.04");
      tr.unemployed[z][zn][0] = uu;
      tr.unemployed[z][zn][1] = 1.0 - uu;
      tr.employed[z][zn][0] = eu;
      tr.employed[z][zn][1] = 1.0 - eu;
    }
  }
  return tr;
}

std::vector<double> capitalGrid(const ParameterSet& parameters) {
  const auto n = parameters.integer("capital_points");
  const double kmax = parameters.real("capital_max"), curvature = parameters.real("capital_curvature");
  std::vector<double> grid;
  for (std::int64_t i = 0; i < n; ++i)
    grid.push_back(kmax * std::pow(static_cast<double>(i) / static_cast<double>(n - 1), curvature));
  grid.back() = kmax;
  return grid;
}

namespace {

/// The common noise of step t as the pair (z_t, z_{t+1}) of productivities: a Markov chain on
/// pairs whose next value is (z_{t+1}, z_{t+2}), z_{t+2} ~ π(·|z_{t+1}).
class ShockPairs final : public NoiseProcess {
 public:
  ShockPairs(std::array<double, 2> z, const EmploymentTransition& tr, int initial_state) : z_(z) {
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) P_[i][j] = tr.aggregate[i][j];
    if (initial_state < 0) {
      // The stationary law of the two-state chain.
      const double good = P_[0][1] / (P_[0][1] + P_[1][0]);
      initial_ = {1.0 - good, good};
    } else {
      initial_ = {initial_state == 0 ? 1.0 : 0.0, initial_state == 1 ? 1.0 : 0.0};
    }
  }
  std::vector<NoiseOutcome> initial() const override {
    std::vector<NoiseOutcome> out;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        if (initial_[i] > 0.0) out.push_back({{z_[i], z_[j]}, initial_[i] * P_[i][j]});
    return out;
  }
  std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>& history) const override {
    const double now = history.back().at(1);
    const int i = index(now);
    return {{{now, z_[0]}, P_[i][0]}, {{now, z_[1]}, P_[i][1]}};
  }

 private:
  int index(double z) const {
    if (z == z_[0]) return 0;
    if (z == z_[1]) return 1;
    throw std::logic_error("krusell_smith: z is neither z_bad nor z_good");
  }
  std::array<double, 2> z_;
  double P_[2][2];
  std::array<double, 2> initial_;
};

class KrusellSmith final : public BasicModel {
 public:
  explicit KrusellSmith(ParameterSet p) : BasicModel("krusell_smith", std::move(p)) {
    steps_ = static_cast<int>(params_.integer("T"));
    gamma_ = params_.real("beta");
    alpha_ = params_.real("alpha");
    delta_ = params_.real("delta");
    labour_ = params_.real("labour");
    floor_ = params_.real("consumption_floor");
    terminal_value_ = params_.boolean("terminal_value");
    z_ = {params_.real("z_bad"), params_.real("z_good")};
    if (!(z_[0] < z_[1]))
      throw InputError("krusell_smith: z_bad = " + std::to_string(z_[0]) + " must be below z_good = " +
                       std::to_string(z_[1]));
    unemployment_ = {params_.real("u_bad"), params_.real("u_good")};
    employment_ = employmentTransition(kKrusellSmithChain, unemployment_);

    const auto nk = params_.integer("capital_points");
    const double kmax = params_.real("capital_max");
    curvature_ = params_.real("capital_curvature");
    capital_ = capitalGrid(params_);
    const auto na = params_.integer("action_points");
    const double share_curvature = params_.real("share_curvature");
    for (std::int64_t a = 0; a < na; ++a)
      share_.push_back(std::pow((static_cast<double>(a) + 0.5) / static_cast<double>(na), share_curvature));
    state_shape_ = {nk, 2};
    action_shape_ = {na};

    // Deterministic steady state at z = 1: r = 1/β − 1 + δ, k/ℓ = (α/r)^{1/(1−α)}.
    const double r_ss = 1.0 / gamma_ - 1.0 + delta_;
    capital_per_labour_ = std::pow(alpha_ / r_ss, 1.0 / (1.0 - alpha_));
    wage_ss_ = (1.0 - alpha_) * std::pow(capital_per_labour_, alpha_);
    const double good = employment_.aggregate[0][1] / (employment_.aggregate[0][1] + employment_.aggregate[1][0]);
    mean_unemployment_ = (1.0 - good) * unemployment_[0] + good * unemployment_[1];
    reference_capital_ = capital_per_labour_ * labour_ * (1.0 - mean_unemployment_);
    if (!(reference_capital_ < kmax))
      throw InputError("krusell_smith: capital_max = " + std::to_string(kmax) +
                       " is below the steady-state capital " + std::to_string(reference_capital_) +
                       " (valid: well above it, e.g. 10x)");

    const auto initial = params_.integer("initial_state");
    noise_ = std::make_unique<ShockPairs>(z_, employment_, static_cast<int>(initial));
  }

  const NoiseProcess* noise() const override { return noise_.get(); }
  std::vector<double> actionValues() const override { return share_; }
  bool kernelDependsOnMeanField() const override { return true; }
  bool kernelDependsOnNoise() const override { return true; }
  bool dynamicSupport() const override { return true; }

  /// μ_0 with z_0 = z0[0]: everyone at the steady-state capital of z_0's employment (split between
  /// its two grid points), a share u_{z_0} of them unemployed.
  std::vector<double> initialDistribution(const std::vector<double>& z0) const override {
    const double u = z0.empty() ? mean_unemployment_ : unemployment_[static_cast<std::size_t>(index(z0[0]))];
    const double k = capital_per_labour_ * labour_ * (1.0 - u);
    std::vector<double> mu(capital_.size() * 2, 0.0);
    const auto [lo, w_hi] = split(k);
    for (int eps = 0; eps < 2; ++eps) {
      const double pe = eps == 0 ? u : 1.0 - u;
      mu[static_cast<std::size_t>(2 * lo + eps)] += (1.0 - w_hi) * pe;
      if (w_hi > 0.0) mu[static_cast<std::size_t>(2 * (lo + 1) + eps)] += w_hi * pe;
    }
    return mu;
  }
  std::vector<double> initialDistribution() const override { return initialDistribution(std::vector<double>{}); }

  // stats = (K, L, r, w) with L = ℓ̃ (1 − u_{z_t}).
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    double K = 0.0;
    for (std::size_t s = 0; s < v.mu.size(); ++s) K += v.mu[s] * capital_[s / 2];
    const int zi = v.z.empty() ? 1 : index(v.z[0]);
    const double z = z_[static_cast<std::size_t>(zi)];
    const double L = labour_ * (1.0 - unemployment_[static_cast<std::size_t>(zi)]);
    stats = {K, L, alpha_ * z * std::pow(K / L, alpha_ - 1.0), (1.0 - alpha_) * z * std::pow(K / L, alpha_)};
  }

  double cashOnHand(const MeanFieldView& v, std::int64_t s) const {
    const double k = capital_[static_cast<std::size_t>(s / 2)];
    return (1.0 + v.stats[2] - delta_) * k + v.stats[3] * labour_ * static_cast<double>(s % 2);
  }

  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>&) const override {
    throw std::logic_error("krusell_smith has a dynamic support");
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const int eps = static_cast<int>(s % 2);
    if (v.z.size() != 2) throw std::logic_error("krusell_smith: the kernel needs the noise pair (z_t, z_{t+1})");
    const int zi = index(v.z[0]), zn = index(v.z[1]);
    const double next = (1.0 - share_[static_cast<std::size_t>(a)]) * cashOnHand(v, s);
    const auto [lo, w_hi] = split(next);
    // Ascending successors: (lo, u), (lo, e), then (lo + 1, u), (lo + 1, e).
    out.clear();
    for (int side = 0; side < (w_hi > 0.0 ? 2 : 1); ++side) {
      const double w = side == 0 ? 1.0 - w_hi : w_hi;
      for (int en = 0; en < 2; ++en) out.push_back({2 * (lo + side) + en, w * employment_(zi, zn, eps, en)});
    }
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double x = cashOnHand(v, s);
    const double u = share_[static_cast<std::size_t>(a)];
    double r = std::log(std::max(u * x, floor_));
    if (terminal_value_ && v.t == steps_ - 1) r += gamma_ * continuationValue((1.0 - u) * x);
    return r;
  }

  /// o_t = (±1 for good / bad z_t, 10 log(K_t / K̄)), K̄ the steady-state capital at the mean
  /// unemployment rate: both of order one for a network, and z_{t+1} is not shown.
  std::vector<double> observation(const MeanFieldView& v) const override {
    std::vector<double> stats(v.stats.begin(), v.stats.end());
    if (stats.empty()) aggregate(v, stats);
    const double good = v.z.empty() ? 0.0 : (index(v.z[0]) == 1 ? 1.0 : -1.0);
    return {good, 10.0 * std::log(std::max(stats[0], 1e-12) / reference_capital_)};
  }

 private:
  int index(double z) const {
    if (z == z_[0]) return 0;
    if (z == z_[1]) return 1;
    throw std::logic_error("krusell_smith: z is neither z_bad nor z_good");
  }

  /// The grid cell [k_lo, k_lo+1) holding k and the weight of k_lo+1 (linear split, which keeps
  /// the mean); all mass at the top point when k ≥ capital_max.
  std::pair<std::int64_t, double> split(double k) const {
    const auto n = static_cast<std::int64_t>(capital_.size());
    if (!(k < capital_.back())) return {n - 1, 0.0};
    if (k <= 0.0) return {0, 0.0};
    auto i = static_cast<std::int64_t>(std::pow(k / capital_.back(), 1.0 / curvature_) * static_cast<double>(n - 1));
    i = clampIndex(i, 0, n - 2);
    while (i > 0 && capital_[static_cast<std::size_t>(i)] > k) --i;
    while (i < n - 2 && capital_[static_cast<std::size_t>(i + 1)] <= k) ++i;
    const double lo = capital_[static_cast<std::size_t>(i)], hi = capital_[static_cast<std::size_t>(i + 1)];
    return {i, (k - lo) / (hi - lo)};
  }

  /// What capital k' left at the horizon is worth: consuming its steady-state permanent income
  /// (1/β − 1) k' + w̄ ℓ̃ (1 − ū) forever, log(·)/(1 − β). It stands in for the truncated future.
  double continuationValue(double k) const {
    const double income = (1.0 / gamma_ - 1.0) * k + wage_ss_ * labour_ * (1.0 - mean_unemployment_);
    return std::log(income) / (1.0 - gamma_);
  }

  double alpha_, delta_, labour_, floor_, curvature_;
  bool terminal_value_;
  std::array<double, 2> z_, unemployment_;
  EmploymentTransition employment_;
  double capital_per_labour_ = 0, wage_ss_ = 0, mean_unemployment_ = 0, reference_capital_ = 0;
  std::vector<double> capital_, share_;
  std::unique_ptr<NoiseProcess> noise_;
};

}  // namespace

ModelInfo krusellSmith() {
  return {"krusell_smith",
          "Krusell-Smith economy: capital x employment, consumption share, prices from K and z, two-state "
          "productivity shock with unemployment u_z (quarterly, infinite horizon truncated at T)",
          {{"T", ParamKind::Integer, {400}, 1, 1000000, "decision steps (quarters); beta^T = 0.018 at the default"},
           {"beta", ParamKind::Real, {0.99}, 0.5, 0.9999, "discount factor per quarter"},
           {"alpha", ParamKind::Real, {0.36}, 0.01, 0.99, "capital share"},
           {"delta", ParamKind::Real, {0.025}, 0, 1, "depreciation per quarter"},
           {"z_bad", ParamKind::Real, {0.99}, 1e-3, 100, "productivity in bad times"},
           {"z_good", ParamKind::Real, {1.01}, 1e-3, 100, "productivity in good times"},
           {"u_bad", ParamKind::Real, {0.10}, 0, 0.99, "unemployment rate in bad times"},
           {"u_good", ParamKind::Real, {0.04}, 0, 0.99, "unemployment rate in good times"},
           {"labour", ParamKind::Real, {0.3271}, 1e-6, 100, "labour supplied by an employed agent"},
           {"capital_points", ParamKind::Integer, {100}, 2, 1e8, "points of the capital grid"},
           {"capital_max", ParamKind::Real, {100.0}, 1e-6, 1e9, "top of the capital grid"},
           {"capital_curvature", ParamKind::Real, {2.0}, 1, 10,
            "grid k_i = capital_max (i/(n-1))^curvature (dense near 0)"},
           {"action_points", ParamKind::Integer, {40}, 2, 1e6, "consumption shares of cash on hand"},
           {"share_curvature", ParamKind::Real, {2.0}, 1, 10,
            "share of action a: ((a + 1/2)/n)^curvature (dense near small shares)"},
           {"consumption_floor", ParamKind::Real, {1e-3}, 1e-12, 1, "utility is log(max(c, floor))"},
           {"terminal_value", ParamKind::Boolean, {1}, 0, 1,
            "add beta * (value of consuming k' 's steady-state permanent income forever) at t = T-1"},
           {"initial_state", ParamKind::Integer, {-1}, -1, 1,
            "z_0: -1 drawn from the chain's stationary law, 0 bad, 1 good"}},
          [](ParameterSet p) { return std::make_unique<KrusellSmith>(std::move(p)); }};
}

}  // namespace mfg::macro
