#include "solver/irl/networks/IrlScoring.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "parallel/Collectives.hpp"
#include "solver/irl/RewardTableModel.hpp"
#include "solver/irl/SoftEquilibrium.hpp"
#include "solver/models/Registry.hpp"

namespace mfg::irl {

namespace {

GlobalTable gather(const parallel::StateLayout& layout, const std::vector<std::vector<double>>& local, int block) {
  GlobalTable out(local.size());
  for (std::size_t t = 0; t < local.size(); ++t) parallel::allGather(layout, local[t], block, out[t]);
  return out;
}

/// r_t(s, a) of a model along a flow (global arrays), t = 0..T-1.
GlobalTable rewardAlong(const Model& model, const GlobalTable& flow) {
  const std::int64_t S = model.numStates(), A = model.numActions();
  GlobalTable out(static_cast<std::size_t>(model.numSteps()));
  std::vector<double> stats;
  for (int t = 0; t < model.numSteps(); ++t) {
    MeanFieldView v;
    v.t = t;
    v.mu = flow[static_cast<std::size_t>(t)];
    v.mu_next = flow[static_cast<std::size_t>(t + 1)];
    model.aggregate(v, stats);
    v.stats = stats;
    out[static_cast<std::size_t>(t)].resize(static_cast<std::size_t>(S * A));
    model.rewardBlock(v, 0, S, out[static_cast<std::size_t>(t)].data());
  }
  return out;
}

double trueReturn(ExactEngine& truth, const Policy& pi, const MeanFieldFlow& flow) {
  const auto values = truth.evaluate(pi, flow, pi);
  return truth.weightByInitial(truth.tree().roots()[0], values.V[0]);
}

struct Solved {
  Policy policy;
  MeanFieldFlow flow;
  int iterations = 0;
  bool converged = true;
  double residual = 0.0;
};

/// The soft equilibrium induced by the learned reward for context m on the dynamics of `truth_model`.
Solved learnedEquilibrium(IrlLearner& learner, const Model& truth_model, const torch::Tensor& m, double beta,
                          MPI_Comm comm, GlobalTable& reward_along) {
  RewardTableModel table(truth_model);
  ExactEngine engine(table, comm);
  const auto& layout = engine.layout();
  GlobalTable global;
  const auto refill = [&](const MeanFieldFlow& flow) {
    global = gather(layout, flow.mu, 1);
    table.setTable(learner.rewardTable(m, global, layout.begin(), layout.end()), layout.begin());
  };
  SoftEquilibriumSettings settings;
  settings.temperature = beta;
  auto eq = solveSoftEquilibrium(engine, settings, refill);
  const auto flow = gather(layout, eq.flow.mu, 1);
  reward_along = learner.rewardTable(m, flow, 0, truth_model.numStates());
  return {std::move(eq.policy), std::move(eq.flow), eq.iterations, eq.converged, eq.residual};
}

/// The flow of the cloned policy: π_t reads μ_t, so the flow is built a step at a time.
Solved clonedEquilibrium(IrlLearner& learner, ExactEngine& truth) {
  const auto& layout = truth.layout();
  Solved out;
  out.policy = Policy::uniform(layout, truth.policySlices());
  for (int t = 0; t < truth.steps(); ++t) {
    const auto flow = gather(layout, truth.forward(out.policy).mu, 1);
    out.policy.pi[static_cast<std::size_t>(t)] = learner.clonedPolicy(flow, t, layout.begin(), layout.end());
  }
  out.flow = truth.forward(out.policy);
  return out;
}

EquilibriumComparison compare(IrlLearner& learner, const Model& truth_model, const torch::Tensor& m, double beta,
                              MPI_Comm comm) {
  EquilibriumComparison c;
  ExactEngine truth(truth_model, comm);
  const auto& layout = truth.layout();
  const std::int64_t A = truth_model.numActions();
  SoftEquilibriumSettings settings;
  settings.temperature = beta;
  const auto expert = solveSoftEquilibrium(truth, settings);
  c.expert_iterations = expert.iterations;
  c.converged = expert.converged;
  c.expert_return = trueReturn(truth, expert.policy, expert.flow);
  Solved learned;
  if (learner.settings().method == IrlMethod::Bc) {
    learned = clonedEquilibrium(learner, truth);
  } else {
    learned = learnedEquilibrium(learner, truth_model, m, beta, comm, c.learned_reward);
    c.learned_iterations = learned.iterations;
    c.learned_residual = learned.residual;
    c.converged = c.converged && learned.converged;
  }
  c.learned_return = trueReturn(truth, learned.policy, learned.flow);
  c.return_gap = std::abs(c.learned_return - c.expert_return) / std::max(std::abs(c.expert_return), 1e-300);
  c.expert_flow = gather(layout, expert.flow.mu, 1);
  c.learned_flow = gather(layout, learned.flow.mu, 1);
  const auto pe = gather(layout, expert.policy.pi, static_cast<int>(A));
  const auto pl = gather(layout, learned.policy.pi, static_cast<int>(A));
  c.mean_field_kl = flowKl(c.expert_flow, c.learned_flow);
  c.policy_kl = policyKl(c.expert_flow, pe, pl, A);
  c.expert_reward = rewardAlong(truth_model, c.expert_flow);
  return c;
}

}  // namespace

IrlScore scoreIrl(IrlLearner& learner, const ScoringInput& input, MPI_Comm comm) {
  IrlScore score;
  const auto contexts = learner.contexts();
  const auto plays = contexts.size();
  auto types = input.types;
  if (types.empty()) types.emplace_back();
  const int K = static_cast<int>(types.size());
  const bool categorical = learner.settings().method == IrlMethod::Pemmfirl && learner.settings().types > 0;
  if (!contexts.empty()) {
    if (categorical) {
      for (const auto& q : contexts)
        score.clusters.push_back(static_cast<int>(std::max_element(q.begin(), q.end()) - q.begin()));
    } else {
      score.clusters = kMeans(contexts, K, learner.settings().seed);
    }
  }
  std::vector<int> cluster_to_label;
  if (!input.labels.empty()) {
    std::vector<int> clusters = score.clusters.empty() ? std::vector<int>(input.labels.size(), 0) : score.clusters;
    score.type_accuracy = matchingAccuracy(clusters, input.labels, &cluster_to_label);
  }
  for (int k = 0; k < K; ++k) {
    TypeScore ts;
    ts.type = k;
    torch::Tensor m;
    if (!contexts.empty()) {
      // The context of type k: the categorical cluster matched to it (else its plays' most common
      // cluster); for a Gaussian context the mean of its plays' inferred means.
      std::vector<std::size_t> members;
      for (std::size_t p = 0; p < plays; ++p)
        if (input.labels.empty() || input.labels[p] == k) members.push_back(p);
      if (categorical) {
        int cluster = -1;
        for (std::size_t c = 0; c < cluster_to_label.size(); ++c)
          if (cluster_to_label[c] == k) cluster = static_cast<int>(c);
        if (cluster < 0) {
          std::vector<int> votes(static_cast<std::size_t>(learner.settings().types), 0);
          for (auto p : members) ++votes[static_cast<std::size_t>(score.clusters[p])];
          cluster = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
        }
        ts.context.assign(static_cast<std::size_t>(learner.settings().types), 0.0);
        ts.context[static_cast<std::size_t>(cluster)] = 1.0;
      } else {
        ts.context.assign(contexts[0].size(), 0.0);
        for (auto p : members)
          for (std::size_t j = 0; j < ts.context.size(); ++j) ts.context[j] += contexts[p][j] / static_cast<double>(members.size());
      }
      m = torch::tensor(ts.context, torch::kFloat64);
    }
    auto params = input.parameters;
    for (const auto& [key, value] : types[static_cast<std::size_t>(k)]) params[key] = {value};
    const auto truth = makeModel(input.model, params);
    ts.original = compare(learner, *truth, m, input.temperature, comm);
    auto moved = params;
    for (const auto& [key, value] : input.transfer) moved[key] = value;
    const auto truth_moved = makeModel(input.model, moved);
    ts.transfer = compare(learner, *truth_moved, m, input.temperature, comm);
    score.types.push_back(std::move(ts));
  }
  return score;
}

}  // namespace mfg::irl
