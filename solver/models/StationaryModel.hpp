#pragma once
// Infinite-horizon (stationary) models, docs/methods.md §8. A StationaryModel is a time-invariant
// discounted decision problem at fixed prices: its kernel and reward read neither t nor μ. A
// PriceTakingEconomy builds that problem for any value of one price and says how the price
// clears a market: the stationary equilibrium is the price at which the households' stationary
// holdings equal the firms' demand. Pure C++, like every model: no MPI, no PETSc.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "solver/models/Model.hpp"
#include "solver/models/Parameters.hpp"
#include "solver/models/SavingsProblem.hpp"

namespace mfg {

class StationaryModel {
 public:
  virtual ~StationaryModel() = default;

  virtual std::vector<std::int64_t> stateShape() const = 0;
  virtual std::vector<std::int64_t> actionShape() const = 0;
  virtual double discount() const = 0;  ///< γ < 1
  /// Kernel row P(.|s,a); entries may repeat a successor (they are added).
  virtual void transitions(std::int64_t s, std::int64_t a, std::vector<Transition>& out) const = 0;
  virtual double reward(std::int64_t s, std::int64_t a) const = 0;
  /// Whether a may be chosen in s. A best response never picks an infeasible action; a given
  /// policy that does is still evaluated, with the model's (very negative) reward for it. Action
  /// 0 must be feasible in every state.
  virtual bool feasible(std::int64_t /*s*/, std::int64_t /*a*/) const { return true; }

  std::int64_t numStates() const;
  std::int64_t numActions() const;
};

/// A named figure of an equilibrium (e.g. the wage), reported next to the price.
struct NamedValue {
  std::string name;
  double value;
};

class PriceTakingEconomy {
 public:
  virtual ~PriceTakingEconomy() = default;

  virtual std::string name() const = 0;
  /// What the price is, as a key of the results (e.g. "interest_rate").
  virtual std::string priceName() const = 0;
  /// The open interval in which the market-clearing price is searched.
  virtual std::pair<double, double> priceBracket() const = 0;
  /// The households' problem when the price is `price`, with the choice on a finite action set.
  virtual std::unique_ptr<StationaryModel> household(double price) const = 0;
  /// The same problem with a continuous next holding (lottery over the two neighbouring grid
  /// points), or nullptr when the economy does not pose it that way (or the user chose the grid).
  /// When it is not null, the equilibrium is solved with it: states are the same, policies are
  /// next holdings instead of action indices.
  virtual std::unique_ptr<SavingsProblem> savings(double /*price*/) const { return nullptr; }
  /// What one household in state s supplies to the market (e.g. its assets).
  virtual double holding(std::int64_t s) const = 0;
  /// The aggregate the firms demand at `price` (e.g. capital k(r)·L).
  virtual double demand(double price) const = 0;
  /// The price at which the firms would demand exactly `supply` (the inverse of demand()).
  virtual double priceForSupply(double supply) const = 0;
  /// Figures derived from the price and the aggregate supply (e.g. wage, savings rate).
  virtual std::vector<NamedValue> report(double price, double supply) const = 0;
  /// Named grids of the state coordinates (e.g. assets, income), written with the results.
  virtual std::vector<std::pair<std::string, std::vector<double>>> grids() const { return {}; }
  /// The state shape of every household problem (it does not depend on the price).
  virtual std::vector<std::int64_t> stateShape() const = 0;
  virtual std::vector<std::int64_t> actionShape() const = 0;

  const ParameterSet& parameters() const { return params_; }

 protected:
  explicit PriceTakingEconomy(ParameterSet params) : params_(std::move(params)) {}
  ParameterSet params_;
};

struct StationaryModelInfo {
  std::string name;
  std::string description;
  std::vector<ParameterSpec> parameters;
  std::function<std::unique_ptr<PriceTakingEconomy>(ParameterSet)> create;
};

/// The built-in economies with a stationary equilibrium (`mfg equilibrium`).
const std::vector<StationaryModelInfo>& builtinStationaryModels();
/// Builds one with the user's overrides; InputError names an unknown model, key or bad value.
std::unique_ptr<PriceTakingEconomy> makeEconomy(const std::string& name,
                                                const std::map<std::string, std::vector<double>>& overrides = {});

}  // namespace mfg
