// The small MFGs of the inverse-RL benchmark (docs/models.md §3): malware, investment, sis; the
// synthetic taxi lives in Taxi.cpp.
// The definition (docs/models.md §3) fixes their dynamics and rewards but not the horizon, discount or μ_0; here they follow
// the conventions of §1 (decision steps t = 0..T-1, discount gamma) with μ_0 uniform, and T and
// gamma are parameters.
// Each model also has dynamics parameters (repair_prob, drift_span; threshold; recovery) whose
// defaults give the published dynamics bit for bit; transferDynamics() names the changed values
// under which a learned reward is tested. They never touch the reward parameters.
#include "solver/models/irl/IrlModels.hpp"

#include "solver/models/BasicModel.hpp"
#include "solver/models/InputError.hpp"

namespace mfg {

namespace irl {

std::vector<ParameterSpec> withHorizon(std::vector<ParameterSpec> specs) {
  specs.insert(specs.begin(),
               {{"T", ParamKind::Integer, {10}, 1, kMaxHorizon, "number of decision steps"},
                {"gamma", ParamKind::Real, {0.9}, 0, 1, "discount factor"}});
  return specs;
}

}  // namespace irl

namespace {

using irl::withHorizon;

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
    repair_prob_ = params_.real("repair_prob");
    drift_span_ = params_.integer("drift_span");
  }
  // A repair that fails (probability 1 - repair_prob) leaves the agent to the no-repair drift.
  // The drift entries are left out when repair_prob = 1 (and the repair entry when it is 0), so
  // that the defaults give exactly the published rows and sparsity pattern.
  void support(std::int64_t s, std::int64_t a, std::vector<std::int64_t>& cols) const override {
    cols.clear();
    if (a == 1 && repair_prob_ > 0.0) cols.push_back(0);
    if (a == 0 || repair_prob_ < 1.0)
      for (std::int64_t j = s; j <= driftTop(s); ++j) cols.push_back(j);
    normaliseSupport(cols);  // s = 0 reaches 0 both ways
  }
  void transitions(const MeanFieldView&, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    out.clear();
    const double repaired = a == 1 ? repair_prob_ : 0.0;
    if (repaired > 0.0) out.push_back({0, repaired});
    if (repaired == 1.0) return;
    const std::int64_t top = driftTop(s);
    // Without a repair the factor is 1.0 and each entry the published 1/(10 - s), bit for bit.
    const double each = (1.0 - repaired) * (1.0 / static_cast<double>(top - s + 1));
    for (std::int64_t j = s; j <= top; ++j) out.push_back({j, each});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    return -(k_ + v.stats[0] / 10.0) * static_cast<double>(s) / 10.0 - l_ * static_cast<double>(a);
  }

 private:
  /// The highest risk the drift reaches from s: s + drift_span - 1, capped at 9.
  std::int64_t driftTop(std::int64_t s) const { return std::min<std::int64_t>(9, s + drift_span_ - 1); }

  double k_, l_, repair_prob_;
  std::int64_t drift_span_;
};

class Investment final : public IrlModel {
 public:
  explicit Investment(ParameterSet p) : IrlModel("investment", std::move(p), 10, 2) {
    d_ = params_.real("d");
    c_ = params_.real("c");
    l_ = params_.real("l");
    threshold_ = params_.real("threshold");
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
    const std::int64_t top = v.stats[0] < threshold_ ? 9 : s + (10 - s) / 2;
    for (std::int64_t j = s; j <= top; ++j) out.push_back({j, 1.0 / static_cast<double>(top - s + 1)});
  }
  double reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const override {
    return d_ * static_cast<double>(s) / 10.0 - c_ * v.stats[0] / 10.0 - l_ * static_cast<double>(a);
  }

 private:
  double d_, c_, l_, threshold_;
};

class Sis final : public IrlModel {
 public:
  explicit Sis(ParameterSet p) : IrlModel("sis", std::move(p), 2, 2) {
    beta_ = params_.real("beta");
    c_inf_ = params_.real("c_inf");
    recovery_ = params_.real("recovery");
  }
  bool kernelDependsOnMeanField() const override { return true; }
  void support(std::int64_t, std::int64_t, std::vector<std::int64_t>& cols) const override { cols = {0, 1}; }
  // States {0: susceptible, 1: infected}; actions {0: distance, 1: go out}.
  void transitions(const MeanFieldView& v, std::int64_t s, std::int64_t a,
                   std::vector<Transition>& out) const override {
    if (s == 1) out = {{0, recovery_}, {1, 1.0 - recovery_}};  // 1 - 0.3 is the double 0.7
    else if (a == 1) out = {{0, 1.0 - beta_ * v.mu[1]}, {1, beta_ * v.mu[1]}};
    else out = {{0, 1.0}, {1, 0.0}};
  }
  double reward(const MeanFieldView&, std::int64_t s, std::int64_t a) const override {
    return (a == 0 ? -0.5 : -1.0) - c_inf_ * static_cast<double>(s);
  }

 private:
  double beta_, c_inf_, recovery_;
};

}  // namespace

std::vector<ModelInfo> irlModels() {
  return {
      {"malware", "risk levels {0..9}; repairing (a = 1) resets to 0, else the risk drifts up",
       withHorizon({{"k", ParamKind::Real, {0.2}, -1e6, 1e6, "base cost of risk"},
                    {"l", ParamKind::Real, {0.5}, -1e6, 1e6, "cost of repair"},
                    {"repair_prob", ParamKind::Real, {1.0}, 0, 1, "probability that a repair resets to 0 (else drift)"},
                    {"drift_span", ParamKind::Integer, {10}, 1, 10, "without repair s' is uniform on {s..min(9, s+span-1)}"}}),
       [](ParameterSet p) { return std::make_unique<Malware>(std::move(p)); }},
      {"investment", "quality levels {0..9}; investing (a = 1) raises quality, less so when ⟨μ⟩ ≥ threshold (4)",
       withHorizon({{"d", ParamKind::Real, {0.3}, -1e6, 1e6, "value of quality"},
                    {"c", ParamKind::Real, {0.2}, -1e6, 1e6, "cost of the others' quality"},
                    {"l", ParamKind::Real, {0.2}, -1e6, 1e6, "cost of investing"},
                    {"threshold", ParamKind::Real, {4.0}, 0, 10, "investing is fully effective while ⟨μ⟩ < threshold"}}),
       [](ParameterSet p) { return std::make_unique<Investment>(std::move(p)); }},
      {"sis", "states {susceptible, infected}; actions {distance, go out}; recovery probability 0.3",
       withHorizon({{"beta", ParamKind::Real, {0.81}, 0, 1, "infection rate per infected share"},
                    {"c_inf", ParamKind::Real, {1.0}, -1e6, 1e6, "cost per step infected"},
                    {"recovery", ParamKind::Real, {0.3}, 0, 1, "probability that an infected agent recovers"}}),
       [](ParameterSet p) { return std::make_unique<Sis>(std::move(p)); }},
      irl::taxi(),
  };
}

std::map<std::string, std::vector<double>> transferDynamics(const std::string& model) {
  // Failed repairs and a slower drift; fully effective investment up to a higher mean quality; half
  // the recovery rate; longer taxi rides. Each changes only the kernel.
  static const std::map<std::string, std::map<std::string, std::vector<double>>> changed = {
      {"malware", {{"repair_prob", {0.7}}, {"drift_span", {4}}}},
      {"investment", {{"threshold", {6.0}}}},
      {"sis", {{"recovery", {0.15}}}},
      {"taxi", {{"ride_radius", {4}}}},
  };
  const auto it = changed.find(model);
  if (it != changed.end()) return it->second;
  std::string valid;
  for (const auto& [name, overrides] : changed) valid += (valid.empty() ? "" : ", ") + name;
  throw InputError("model '" + model + "' has no changed dynamics for transfer (models with them: " + valid + ")");
}

}  // namespace mfg
