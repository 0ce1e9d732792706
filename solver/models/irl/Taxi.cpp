// taxi: a synthetic spatial taxi-pricing MFG for the inverse-RL benchmark (docs/models.md §3.4).
// The IRL papers' taxi model is built on private trip data that the project does not have; this
// model only keeps its shape: zones on a grid, a price level as the action, and a chance of a ride
// that falls in the price and in the number of drivers waiting in the same zone. Every number in
// it (the demand map included) is made up and follows from the parameters alone.
//
// The mean field is read only at the driver's own zone (ride chance and congestion), so the engine
// never gathers μ across ranks; aggregate() is left empty for that reason.
#include <algorithm>
#include <cmath>

#include "solver/models/BasicModel.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/irl/IrlModels.hpp"

namespace mfg::irl {
namespace {

class Taxi final : public BasicModel {
 public:
  explicit Taxi(ParameterSet p) : BasicModel("taxi", std::move(p)) {
    width_ = params_.integer("width");
    height_ = params_.integer("height");
    zones_ = width_ * height_;
    prices_ = params_.list("prices");
    const double elasticity = params_.real("elasticity");
    crowding_ = params_.real("crowding");
    base_demand_ = params_.real("base_demand");
    hotspot_demand_ = params_.real("hotspot_demand");
    income_weight_ = params_.real("income_weight");
    idle_cost_ = params_.real("idle_cost");
    congestion_cost_ = params_.real("congestion_cost");
    state_shape_ = {width_, height_};
    action_shape_ = {static_cast<std::int64_t>(prices_.size())};
    steps_ = static_cast<int>(params_.integer("T"));
    gamma_ = params_.real("gamma");
    uniformInitial();

    for (double price : prices_) price_factor_.push_back(std::exp(-elasticity * price));

    // Ride destinations: every offset at Manhattan distance 1..radius, equally likely.
    const auto radius = params_.integer("ride_radius");
    for (std::int64_t dx = -radius; dx <= radius; ++dx) {
      const std::int64_t reach = radius - std::abs(dx);
      for (std::int64_t dy = -reach; dy <= reach; ++dy)
        if (dx != 0 || dy != 0) offsets_.push_back({dx, dy});
    }
    ride_share_ = 1.0 / static_cast<double>(offsets_.size());

    // Hot spots at (u, v) in the unit square; a zone's centre is ((x + ½)/W, (y + ½)/H). The
    // Gaussian bump factors into an x part and a y part, so the map is stored in O(W + H) per hot
    // spot instead of O(|S|) (a large grid is refused by the engine's resource check, not here).
    const auto& spots = params_.list("hotspots");
    if (spots.size() % 2 != 0)
      throw InputError("parameter 'hotspots' of model 'taxi' must list (u, v) pairs: " +
                       std::to_string(spots.size()) + " values given");
    const double width = params_.real("hotspot_width");
    const auto bump = [width](double d) { return std::exp(-d * d / (2.0 * width * width)); };
    for (std::size_t h = 0; h + 1 < spots.size(); h += 2) {
      std::vector<double> gx(static_cast<std::size_t>(width_)), gy(static_cast<std::size_t>(height_));
      for (std::int64_t x = 0; x < width_; ++x)
        gx[x] = bump((static_cast<double>(x) + 0.5) / static_cast<double>(width_) - spots[h]);
      for (std::int64_t y = 0; y < height_; ++y)
        gy[y] = bump((static_cast<double>(y) + 0.5) / static_cast<double>(height_) - spots[h + 1]);
      hot_x_.push_back(std::move(gx));
      hot_y_.push_back(std::move(gy));
    }
  }

  bool kernelDependsOnMeanField() const override { return true; }
  bool readsMeanFieldAtOwnStateOnly() const override { return true; }
  std::vector<double> actionValues() const override { return prices_; }

  // Exact: staying (no ride, or a clipped ride) and every clipped destination, whatever q is.
  void support(std::int64_t s, std::int64_t, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    cols.push_back(s);
    for (const auto& off : offsets_) cols.push_back(destination(s, off));
    normaliseSupport(cols);
  }

  // Stay with 1 - q; otherwise a ride to one of the offsets, clipped at the border (so border
  // zones may appear more than once; the engine adds repeated successors).
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    const double q = rideProb(demand(s), density(v, s), a);
    out.clear();
    out.push_back({s, 1.0 - q});
    const double each = q * ride_share_;
    for (const auto& off : offsets_) out.push_back({destination(s, off), each});
  }

  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    const double d = density(v, s);
    return rewardOf(rideProb(demand(s), d, a), d, a);
  }

  // The demand map and the density are computed once per zone instead of once per price.
  void rewardBlock(const MeanFieldView& v, std::int64_t first, std::int64_t last, double* out) const override {
    const auto A = static_cast<std::int64_t>(prices_.size());
    for (std::int64_t s = first; s < last; ++s) {
      const double base = demand(s), d = density(v, s);
      for (std::int64_t a = 0; a < A; ++a) out[(s - first) * A + a] = rewardOf(rideProb(base, d, a), d, a);
    }
  }

 private:
  struct Offset {
    std::int64_t dx, dy;
  };

  /// Flat index z = x·H + y (the last dimension fastest).
  std::int64_t destination(std::int64_t s, const Offset& off) const {
    const std::int64_t x = clampIndex(s / height_ + off.dx, 0, width_ - 1);
    const std::int64_t y = clampIndex(s % height_ + off.dy, 0, height_ - 1);
    return x * height_ + y;
  }
  /// base(z) = base_demand + hotspot_demand · Σ_h exp(-|centre(z) - spot_h|² / (2 width²)).
  double demand(std::int64_t s) const {
    const std::int64_t x = s / height_, y = s % height_;
    double hot = 0.0;
    for (std::size_t h = 0; h < hot_x_.size(); ++h) hot += hot_x_[h][x] * hot_y_[h][y];
    return base_demand_ + hotspot_demand_ * hot;
  }
  /// μ_t(z)·|S|: drivers in the zone relative to a uniform spread (1 under uniform μ).
  double density(const MeanFieldView& v, std::int64_t s) const { return v.mu[s] * static_cast<double>(zones_); }
  /// q = base(z) · exp(-elasticity · p_a) / (1 + crowding · density), clipped to [0, 1].
  double rideProb(double base, double density, std::int64_t a) const {
    return std::clamp(base * price_factor_[a] / (1.0 + crowding_ * density), 0.0, 1.0);
  }
  /// Expected fare, minus the cost of waiting without a ride and of crowding.
  double rewardOf(double q, double density, std::int64_t a) const {
    return income_weight_ * q * prices_[a] - idle_cost_ * (1.0 - q) - congestion_cost_ * density;
  }

  std::int64_t width_, height_, zones_;
  std::vector<double> prices_, price_factor_;
  double crowding_, base_demand_, hotspot_demand_, income_weight_, idle_cost_, congestion_cost_;
  std::vector<Offset> offsets_;
  double ride_share_;
  std::vector<std::vector<double>> hot_x_, hot_y_;  ///< per hot spot, the bump's x and y factors
};

}  // namespace

ModelInfo taxi() {
  return {"taxi",
          "synthetic (made-up demand, no data) taxi pricing: zones on a width x height grid, actions = price levels; a ride (chance "
          "falling in price and in drivers per zone) moves the driver within ride_radius, else it stays",
          withHorizon({
              {"width", ParamKind::Integer, {100}, 1, 10000, "zones along x (state (x, y), flat x·height + y)"},
              {"height", ParamKind::Integer, {100}, 1, 10000, "zones along y"},
              {"prices", ParamKind::RealList, {0.5, 1.0, 1.5}, 0, 1000, "price levels (one action each)"},
              {"elasticity", ParamKind::Real, {1.0}, 0, 100, "ride chance ∝ exp(-elasticity · price)"},
              {"crowding", ParamKind::Real, {0.5}, 0, 1e6, "ride chance / (1 + crowding · μ(z)|S|)"},
              {"base_demand", ParamKind::Real, {0.4}, 0, 1, "demand level away from hot spots"},
              {"hotspot_demand", ParamKind::Real, {1.2}, 0, 10, "extra demand at a hot spot's centre"},
              {"hotspots", ParamKind::RealList, {0.25, 0.3, 0.7, 0.25, 0.45, 0.75}, 0, 1,
               "hot-spot centres (u, v) in the unit square, as pairs"},
              {"hotspot_width", ParamKind::Real, {0.1}, 1e-3, 10, "Gaussian width of a hot spot (unit square)"},
              {"ride_radius", ParamKind::Integer, {2}, 1, 50, "a ride goes uniformly to a zone 1..radius away (Manhattan)"},
              {"income_weight", ParamKind::Real, {1.0}, -1e6, 1e6, "weight of the expected fare q · price"},
              {"idle_cost", ParamKind::Real, {0.5}, -1e6, 1e6, "cost of a step without a ride, × (1 - q)"},
              {"congestion_cost", ParamKind::Real, {0.1}, -1e6, 1e6, "cost per unit of μ(z)|S| in the own zone"},
          }),
          [](ParameterSet p) { return std::make_unique<Taxi>(std::move(p)); }};
}

}  // namespace mfg::irl
