// The small MFGs of the inverse-RL benchmark (docs/models.md §3): malware, investment, sis.
// The definition (docs/models.md §3) fixes their dynamics and rewards but not the horizon, discount or μ_0; here they follow
// the conventions of §1 (decision steps t = 0..T-1, discount gamma) with μ_0 uniform, and T and
// gamma are parameters.
#include "solver/models/BasicModel.hpp"
#include "solver/models/Registry.hpp"

namespace mfg {
namespace {

constexpr double kMaxHorizon = 100000;

std::vector<ParameterSpec> withHorizon(std::vector<ParameterSpec> specs) {
  specs.insert(specs.begin(),
               {{"T", ParamKind::Integer, {10}, 1, kMaxHorizon, "number of decision steps"},
                {"gamma", ParamKind::Real, {0.9}, 0, 1, "discount factor"}});
  return specs;
}

class IrlModel : public BasicModel {
 protected:
  IrlModel(std::string name, ParameterSet p, std::int64_t states, std::int64_t actions)
      : BasicModel(std::move(name), std::move(p)) {
    state_shape_ = {states};
    action_shape_ = {actions};
    steps_ = static_cast<int>(params_.integer("T"));
    gamma_ = params_.real("gamma");
    uniformInitial();
  }
  // stats[0] = ⟨μ_t⟩ = Σ_s s μ_t(s).
  void aggregate(const MeanFieldView& v, std::vector<double>& stats) const override {
    stats.assign(1, meanState(v.mu));
  }
};

class Malware final : public IrlModel {
 public:
  explicit Malware(ParameterSet p) : IrlModel("malware", std::move(p), 10, 2) {
    k_ = params_.real("k");
    l_ = params_.real("l");
  }
  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    if (a == 1) cols.push_back(0);
    else for (std::int64_t j = s; j < 10; ++j) cols.push_back(j);
  }
  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.clear();
    if (a == 1) out.push_back({0, 1.0});
    else for (std::int64_t j = s; j < 10; ++j) out.push_back({j, 1.0 / static_cast<double>(10 - s)});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    return -(k_ + v.stats[0] / 10.0) * static_cast<double>(s) / 10.0 - l_ * static_cast<double>(a);
  }

 private:
  double k_, l_;
};

class Investment final : public IrlModel {
 public:
  explicit Investment(ParameterSet p) : IrlModel("investment", std::move(p), 10, 2) {
    d_ = params_.real("d");
    c_ = params_.real("c");
    l_ = params_.real("l");
  }
  bool kernelDependsOnMeanField() const override { return true; }
  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    if (a == 0) cols.push_back(s);
    else for (std::int64_t j = s; j < 10; ++j) cols.push_back(j);
  }
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.clear();
    if (a == 0) {
      out.push_back({s, 1.0});
      return;
    }
    const std::int64_t top = v.stats[0] < 4.0 ? 9 : s + (10 - s) / 2;
    for (std::int64_t j = s; j <= top; ++j) out.push_back({j, 1.0 / static_cast<double>(top - s + 1)});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    return d_ * static_cast<double>(s) / 10.0 - c_ * v.stats[0] / 10.0 - l_ * static_cast<double>(a);
  }

 private:
  double d_, c_, l_;
};

class Sis final : public IrlModel {
 public:
  explicit Sis(ParameterSet p) : IrlModel("sis", std::move(p), 2, 2) {
    beta_ = params_.real("beta");
    c_inf_ = params_.real("c_inf");
  }
  bool kernelDependsOnMeanField() const override { return true; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override { cols = {0, 1}; }
  // States {0: susceptible, 1: infected}; actions {0: distance, 1: go out}.
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    if (s == 1) out = {{0, 0.3}, {1, 0.7}};
    else if (a == 1) out = {{0, 1.0 - beta_ * v.mu[1]}, {1, beta_ * v.mu[1]}};
    else out = {{0, 1.0}, {1, 0.0}};
  }
  double reward(const MeanFieldView&, std::int64_t s, std::int64_t a) const override {
    return (a == 0 ? -0.5 : -1.0) - c_inf_ * static_cast<double>(s);
  }

 private:
  double beta_, c_inf_;
};

}  // namespace

std::vector<ModelInfo> irlModels() {
  return {
      {"malware", "risk levels {0..9}; repairing (a = 1) resets to 0, else the risk drifts up",
       withHorizon({{"k", ParamKind::Real, {0.2}, -1e6, 1e6, "base cost of risk"},
                    {"l", ParamKind::Real, {0.5}, -1e6, 1e6, "cost of repair"}}),
       [](ParameterSet p) { return std::make_unique<Malware>(std::move(p)); }},
      {"investment", "quality levels {0..9}; investing (a = 1) raises quality, less so when ⟨μ⟩ ≥ 4",
       withHorizon({{"d", ParamKind::Real, {0.3}, -1e6, 1e6, "value of quality"},
                    {"c", ParamKind::Real, {0.2}, -1e6, 1e6, "cost of the others' quality"},
                    {"l", ParamKind::Real, {0.2}, -1e6, 1e6, "cost of investing"}}),
       [](ParameterSet p) { return std::make_unique<Investment>(std::move(p)); }},
      {"sis", "states {susceptible, infected}; actions {distance, go out}; recovery 0.3",
       withHorizon({{"beta", ParamKind::Real, {0.81}, 0, 1, "infection rate per infected share"},
                    {"c_inf", ParamKind::Real, {1.0}, -1e6, 1e6, "cost per step infected"}}),
       [](ParameterSet p) { return std::make_unique<Sis>(std::move(p)); }},
  };
}

}  // namespace mfg
