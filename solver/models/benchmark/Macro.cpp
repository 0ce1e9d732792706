// macro: a heterogeneous-agent economy (wealth × income) with an aggregate TFP shock z_t
// (docs/models.md §1.3, MFAX's "endogenous" model). Prices come from the mean field, so the wealth an
// agent reaches, and hence the kernel's sparsity pattern, moves with μ_t and z_t.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "solver/models/BasicModel.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/benchmark/BenchmarkModels.hpp"

namespace mfg::benchmark {
namespace {

/// numpy.geomspace(start, stop, n): 10 ** linspace(log10 start, log10 stop, n), endpoints exact.
std::vector<double> geomspace(double start, double stop, std::int64_t n) {
  std::vector<double> g(static_cast<std::size_t>(n));
  if (n == 1) return {start};
  const double lo = std::log10(start), hi = std::log10(stop), step = (hi - lo) / static_cast<double>(n - 1);
  for (std::int64_t i = 0; i < n; ++i) g[i] = std::pow(10.0, lo + static_cast<double>(i) * step);
  g.front() = start;
  g.back() = stop;
  return g;
}

/// z_{t+1} = ρ z_t + ν ξ_t with z_0 = 0, ξ ~ N(0,1): sampled only.
class Ar1 final : public NoiseProcess {
 public:
  Ar1(double rho, double nu) : rho_(rho), nu_(nu) {}
  bool finite() const override { return false; }
  std::vector<NoiseOutcome> initial() const override { return {{{0.0}, 1.0}}; }
  std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>&) const override {
    throw InputError("macro's AR(1) shock is continuous and can only be sampled; set noise_points to an odd "
                     "number >= 3 to discretise it on a Rouwenhorst chain");
  }
  std::vector<double> sampleInitial(std::mt19937_64&) const override { return {0.0}; }
  std::vector<double> sampleNext(const std::vector<std::vector<double>>& history,
                                 std::mt19937_64& rng) const override {
    // Box–Muller from the raw generator output, so that paths are the same on every platform.
    const double u1 = 1.0 - uniform01(rng), u2 = uniform01(rng);
    const double xi = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    return {rho_ * history.back()[0] + nu_ * xi};
  }

 private:
  double rho_, nu_;
};

/// The same AR(1) on Rouwenhorst's n-point chain: grid ±ν/√(1−ρ²)·√(n−1), p = q = (1+ρ)/2,
/// z_0 = 0 (the middle point; n is odd).
class Rouwenhorst final : public NoiseProcess {
 public:
  Rouwenhorst(double rho, double nu, int n) : grid_(static_cast<std::size_t>(n)) {
    const double psi = nu / std::sqrt(1.0 - rho * rho) * std::sqrt(static_cast<double>(n - 1));
    for (int i = 0; i < n; ++i) grid_[i] = -psi + 2.0 * psi * static_cast<double>(i) / static_cast<double>(n - 1);
    grid_[static_cast<std::size_t>(n / 2)] = 0.0;
    const double p = (1.0 + rho) / 2.0, q = p;
    std::vector<std::vector<double>> P = {{p, 1.0 - p}, {1.0 - q, q}};
    for (int m = 3; m <= n; ++m) {
      std::vector<std::vector<double>> R(m, std::vector<double>(m, 0.0));
      for (int i = 0; i < m - 1; ++i)
        for (int j = 0; j < m - 1; ++j) {
          R[i][j] += p * P[i][j];
          R[i][j + 1] += (1.0 - p) * P[i][j];
          R[i + 1][j] += (1.0 - q) * P[i][j];
          R[i + 1][j + 1] += q * P[i][j];
        }
      for (int i = 1; i < m - 1; ++i)
        for (double& v : R[i]) v /= 2.0;
      P = std::move(R);
    }
    P_ = std::move(P);
  }
  std::vector<NoiseOutcome> initial() const override { return {{{0.0}, 1.0}}; }
  std::vector<NoiseOutcome> next(const std::vector<std::vector<double>>& history) const override {
    const std::size_t i = index(history.back()[0]);
    std::vector<NoiseOutcome> out;
    for (std::size_t j = 0; j < grid_.size(); ++j)
      if (P_[i][j] > 0.0) out.push_back({{grid_[j]}, P_[i][j]});
    return out;
  }

 private:
  std::size_t index(double z) const {
    for (std::size_t i = 0; i < grid_.size(); ++i)
      if (grid_[i] == z) return i;
    throw std::logic_error("macro: z is not a point of the Rouwenhorst grid");
  }
  std::vector<double> grid_;
  std::vector<std::vector<double>> P_;
};

class Macro final : public BasicModel {
 public:
  explicit Macro(ParameterSet p) : BasicModel("macro", std::move(p)) {
    steps_ = static_cast<int>(params_.integer("T"));
    gamma_ = params_.real("gamma");
    alpha_ = params_.real("alpha");
    sigma_ = params_.real("sigma");
    const auto na = params_.integer("wealth_points"), ny = params_.integer("income_points");
    const auto nu_points = params_.integer("action_points");
    wealth_ = geomspace(0.25, 99.25, na);
    for (double& a : wealth_) a = std::max(a - 0.25, 0.0);
    income_ = geomspace(0.35, 2.25, ny);
    for (double& y : income_) y -= 0.25;
    for (std::int64_t k = 0; k < nu_points; ++k)
      share_.push_back((static_cast<double>(k) + 0.5) / static_cast<double>(nu_points));
    state_shape_ = {na, ny};
    action_shape_ = {nu_points};
    uniformInitial();
    cellTable();

    const double rho = params_.real("rho_z"), nu = params_.real("nu");
    const auto points = params_.integer("noise_points");
    if (points != 0 && (points < 3 || points % 2 == 0))
      throw InputError("macro: noise_points = " + std::to_string(points) +
                       " is invalid (valid: 0 for the continuous AR(1) shock, or an odd number >= 3)");
    if (nu > 0.0) {
      if (points == 0) noise_ = std::make_unique<Ar1>(rho, nu);
      else noise_ = std::make_unique<Rouwenhorst>(rho, nu, static_cast<int>(points));
    }
  }

  const NoiseProcess* noise() const override { return noise_.get(); }
  std::vector<double> actionValues() const override { return share_; }  // consumption shares
  bool kernelDependsOnMeanField() const override { return true; }
  bool kernelDependsOnNoise() const override { return noise_ != nullptr; }
  bool dynamicSupport() const override { return true; }

  // stats = (K, L, r_t, w_t).
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    const std::size_t ny = income_.size();
    double K = 0.0, L = 0.0;
    for (std::size_t s = 0; s < v.mu.size(); ++s) {
      K += v.mu[s] * wealth_[s / ny];
      L += v.mu[s] * income_[s % ny];
    }
    const double tfp = std::exp(v.z.empty() ? 0.0 : v.z[0]);
    stats = {K, L, tfp * alpha_ * std::pow(L / (K + 1e-6), 1.0 - alpha_),
             tfp * (1.0 - alpha_) * std::pow(K / (L + 1e-6), alpha_)};
  }

  double cashOnHand(const MeanFieldView& v, std::int64_t s) const {
    const std::size_t ny = income_.size();
    return (1.0 + v.stats[2]) * wealth_[static_cast<std::size_t>(s) / ny] + v.stats[3] * income_[static_cast<std::size_t>(s) % ny];
  }

  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>&) const override {
    throw std::logic_error("macro has a dynamic support");
  }

  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const auto ny = static_cast<std::int64_t>(income_.size());
    const auto na = static_cast<std::int64_t>(wealth_.size());
    const std::int64_t iy = s % ny;
    const double next = (1.0 - share_[static_cast<std::size_t>(a)]) * cashOnHand(v, s);
    // Linear split of a' between its neighbouring grid points; all mass at the top when a' ≥ a_max.
    std::int64_t lo = na - 1, hi = na - 1;
    double w_hi = 0.0;
    if (next < wealth_.back()) {
      lo = gridCell(next);
      hi = lo + 1;
      w_hi = (next - wealth_[lo]) / (wealth_[hi] - wealth_[lo]);
    }
    // Emitted in ascending successor order (all of wealth point lo before hi), so the engine
    // need not sort the row.
    out.clear();
    constexpr double kMove[3] = {0.1, 0.8, 0.1};
    for (int side = 0; side < (w_hi > 0.0 ? 2 : 1); ++side) {
      const std::int64_t i = side == 0 ? lo : hi;
      const double w = side == 0 ? 1.0 - w_hi : w_hi;
      for (int k = -1; k <= 1; ++k) out.push_back({i * ny + clampIndex(iy + k, 0, ny - 1), kMove[k + 1] * w});
    }
  }

  /// The cell [a_i, a_{i+1}) that holds x (0 ≤ x < a_max), without a log or a binary search in
  /// every kernel row (the costliest part of one): the grid is geometric in y = 4x + 1, so the
  /// exponent and the top mantissa bits of y pick a bucket narrower than a cell, whose first cell
  /// is tabulated (cellTable); one or two exact comparisons then finish.
  std::int64_t gridCell(double x) const {
    const auto last = static_cast<std::int64_t>(wealth_.size()) - 2;
    const std::size_t key = bucket(4.0 * x + 1.0);
    std::int64_t i = key < cell_table_.size() ? cell_table_[key] : last;
    while (i > 0 && wealth_[i] > x) --i;
    while (i < last && wealth_[i + 1] <= x) ++i;
    return i;
  }
  std::size_t bucket(double y) const {  // y ≥ 1
    const int shift = 52 - bucket_bits_;
    return static_cast<std::size_t>((std::bit_cast<std::uint64_t>(y) >> shift) - (std::bit_cast<std::uint64_t>(1.0) >> shift));
  }
  /// cell_table_[k]: the cell of the smallest x in bucket k. y = 4x + 1 < 512 covers a_max = 99;
  /// a bucket spans at most log2(1 + 2^-bits) in log2 y, chosen below half a cell's log2(ratio).
  void cellTable() {
    const auto na = static_cast<std::int64_t>(wealth_.size());
    const auto last = na - 2;
    const double cell_log2 = std::log2(99.25 / 0.25) / static_cast<double>(na - 1);
    bucket_bits_ = std::clamp(static_cast<int>(std::ceil(-std::log2(cell_log2 / 2.0 / 1.5))), 8, 20);
    const std::size_t buckets = bucket(512.0);
    cell_table_.resize(buckets);
    const int shift = 52 - bucket_bits_;
    const auto base = std::bit_cast<std::uint64_t>(1.0) >> shift;
    for (std::size_t k = 0; k < buckets; ++k) {
      const double x = (std::bit_cast<double>((base + k) << shift) - 1.0) / 4.0;
      const auto above = std::upper_bound(wealth_.begin(), wealth_.end(), x) - wealth_.begin();
      cell_table_[k] = static_cast<std::int32_t>(std::clamp<std::int64_t>(above - 1, 0, last));
    }
  }

  double utility(double c) const {
    if (sigma_ == 1.0) return std::log(c);
    if (sigma_ == 2.0) return -1.0 / c;  // the default; pow is the costliest call of a row
    return std::pow(c, 1.0 - sigma_) / (1.0 - sigma_);
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double x = cashOnHand(v, s);
    if (v.t == steps_ - 1) return utility(x);
    return utility(share_[static_cast<std::size_t>(a)] * x);
  }

  std::vector<double> observation(const MeanFieldView& v) const override {
    std::vector<double> stats;
    aggregate(v, stats);
    return {stats[2], stats[3]};
  }

 private:
  double alpha_, sigma_;
  int bucket_bits_ = 8;
  std::vector<std::int32_t> cell_table_;
  std::vector<double> wealth_, income_, share_;
  std::unique_ptr<NoiseProcess> noise_;
};

}  // namespace

ModelInfo macro() {
  return {"macro",
          "heterogeneous-agent economy: wealth × income, consumption share, prices from the mean field, "
          "AR(1) TFP shock",
          {{"T", ParamKind::Integer, {128}, 1, 100000, "number of decision steps"},
           {"gamma", ParamKind::Real, {0.95}, 0, 1, "discount factor"},
           {"wealth_points", ParamKind::Integer, {200}, 2, 1e8, "points of the wealth grid geomspace(0.25, 99.25) - 0.25"},
           {"income_points", ParamKind::Integer, {5}, 1, 1e6, "points of the income grid geomspace(0.35, 2.25) - 0.25"},
           {"action_points", ParamKind::Integer, {20}, 1, 1e6, "consumption shares (bin midpoints of [0, 1])"},
           {"alpha", ParamKind::Real, {0.36}, 0, 1, "capital share α"},
           {"sigma", ParamKind::Real, {2.0}, 1e-6, 100, "relative risk aversion σ (1: log utility)"},
           {"rho_z", ParamKind::Real, {0.9}, -0.9999, 0.9999, "persistence of the TFP shock"},
           {"nu", ParamKind::Real, {0.03}, 0, 10, "volatility of the TFP shock (0: no shock)"},
           {"noise_points", ParamKind::Integer, {0}, 0, 1001,
            "0: continuous AR(1) shock (sampled); odd n >= 3: Rouwenhorst chain with n points"}},
          [](ParameterSet p) { return std::make_unique<Macro>(std::move(p)); }};
}

}  // namespace mfg::benchmark
