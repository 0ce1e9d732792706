#pragma once
// Common shape of the tabular solvers of docs/methods.md §3: setup() evaluates the initial policy,
// each iterate() makes one update and records the exact exploitability of the new policy and the
// wall time since setup began.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "solver/engine/ExactEngine.hpp"

namespace mfg {

class TabularSolver {
 public:
  explicit TabularSolver(ExactEngine& engine) : engine_(engine) {}
  virtual ~TabularSolver() = default;

  virtual std::string name() const = 0;
  virtual std::map<std::string, double> settings() const = 0;

  void setup();
  void iterate();
  void solve(int iterations);

  /// A per-state table of the solver's state: one vector per slice of the owned states' values,
  /// `block` values per state (|A| or 1).
  struct StateTable {
    std::string name;
    std::vector<std::vector<double>>* slices;
    int block;
  };
  /// What a checkpoint holds to continue bit for bit: the policy and the algorithm's accumulators.
  /// A table may be empty (FP's averages before the first update).
  virtual std::vector<StateTable> stateTables();
  /// Continues from a checkpoint whose tables were just loaded into stateTables(): restores the
  /// iteration and histories and re-evaluates the policy (a pure function of it).
  void resume(int iteration, std::vector<double> exploitability, std::vector<double> wall_seconds);

  const Policy& policy() const { return policy_; }
  const ExploitabilityResult& current() const { return current_; }
  int iterations() const { return iteration_; }
  /// History, entry 0 for the initial policy, entry k after iteration k.
  const std::vector<double>& exploitabilityHistory() const { return exploitability_; }
  const std::vector<double>& wallSecondsHistory() const { return wall_seconds_; }

 protected:
  virtual void initialise() = 0;  ///< sets policy_ at iteration 0
  virtual void update() = 0;      ///< moves policy_ using current_ (the evaluation of policy_)

  ExactEngine& engine_;
  Policy policy_;
  ExploitabilityResult current_;
  int iteration_ = 0;

 private:
  void record();
  double start_ = 0.0;
  std::vector<double> exploitability_, wall_seconds_;
};

/// "fp", "omd" or "fixed-point" with its settings (learning_rate for omd, damping for fixed-point).
std::unique_ptr<TabularSolver> makeTabularSolver(const std::string& algorithm, ExactEngine& engine,
                                                 const std::map<std::string, double>& settings);

}  // namespace mfg
