#include "solver/rl/SampledEnvironment.hpp"

#include <stdexcept>
#include <string>

#include "solver/learn/NetworkEvaluation.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::rl {

namespace {

// Salts that keep the streams of the different kinds of draws apart.
constexpr std::uint64_t kNoiseSalt = 0x4E01ULL, kParticleSalt = 0x9A27ULL, kStartSalt = 0x5A17ULL,
                        kMoveSalt = 0x30EFULL;

}  // namespace

SampledEnvironment::SampledEnvironment(const Model& model, MPI_Comm comm, EnvironmentSettings settings)
    : model_(model), comm_(comm), settings_(settings), particles_(model, comm, settings.particles) {
  if (settings_.paths < 1) throw InputError("paths = " + std::to_string(settings_.paths) + " is invalid (valid: >= 1)");
  if (settings_.learners_per_path < 1)
    throw InputError("learners per path = " + std::to_string(settings_.learners_per_path) + " is invalid (valid: >= 1)");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  first_ = learners() * rank / size;
  last_ = learners() * (rank + 1) / size;
  clock_of_slot_.assign(static_cast<std::size_t>(settings_.paths), 0);
  episode_.assign(static_cast<std::size_t>(settings_.paths), 0);
  noise_.assign(static_cast<std::size_t>(settings_.paths), {});
  sequences_.assign(static_cast<std::size_t>(settings_.paths), {});
  state_.assign(static_cast<std::size_t>(last_ - first_), 0);
}

const std::vector<double>& SampledEnvironment::observation(int slot) const {
  return sequences_[static_cast<std::size_t>(slot)].observation[static_cast<std::size_t>(time(slot))];
}

void SampledEnvironment::resample(int slot, const PopulationRule& rule) {
  const auto key = mixSeed(settings_.seed ^ mixSeed(kParticleSalt + static_cast<std::uint64_t>(slot)) ^ mixSeed(clock_));
  sequences_[static_cast<std::size_t>(slot)] = particles_.sample(noise_[static_cast<std::size_t>(slot)], key, rule);
}

void SampledEnvironment::startLearners(int slot) {
  // Learners start from μ_0(z_0) of the slot's new noise path.
  const auto mu0 = model_.initialDistribution(noise_[static_cast<std::size_t>(slot)][0]);
  const auto key = mixSeed(settings_.seed ^ kStartSalt ^ mixSeed(clock_));
  for (std::int64_t g = std::max(first_, static_cast<std::int64_t>(slot) * settings_.learners_per_path);
       g < std::min(last_, static_cast<std::int64_t>(slot + 1) * settings_.learners_per_path); ++g)
    state_[static_cast<std::size_t>(g - first_)] = ParticleFlow::pick(
        mu0.data(), static_cast<std::int64_t>(mu0.size()), ParticleFlow::uniform(key, static_cast<std::uint64_t>(g), 0));
}

void SampledEnvironment::startEpisode(int slot, const PopulationRule& rule) {
  const auto s = static_cast<std::size_t>(slot);
  const auto key = mixSeed(settings_.seed ^ mixSeed(kNoiseSalt + s) ^ mixSeed(static_cast<std::uint64_t>(episode_[s])));
  noise_[s] = noiseHistories(model_, 1, key)[0];
  ++episode_[s];
  clock_of_slot_[s] = 0;
  resample(slot, rule);
  startLearners(slot);
}

void SampledEnvironment::reset(const PopulationRuleFactory& population) {
  clock_ = 0;
  for (int j = 0; j < settings_.paths; ++j) {
    episode_[static_cast<std::size_t>(j)] = 0;
    startEpisode(j, population());
  }
}

void SampledEnvironment::refresh(const PopulationRuleFactory& population) {
  for (int j = 0; j < settings_.paths; ++j) resample(j, population());
}

void SampledEnvironment::step(const std::vector<std::int64_t>& actions, std::vector<double>& rewards,
                              std::vector<char>& done, const PopulationRuleFactory& population) {
  const auto n = static_cast<std::size_t>(last_ - first_);
  if (actions.size() != n) throw std::invalid_argument("one action per own learner expected");
  rewards.assign(n, 0.0);
  done.assign(n, 0);
  const int T = model_.numSteps();
  const auto key = mixSeed(settings_.seed ^ kMoveSalt ^ mixSeed(clock_));
  std::vector<Transition> row;
  std::vector<double> probs;
  for (std::size_t i = 0; i < n; ++i) {
    const auto g = first_ + static_cast<std::int64_t>(i);
    const int slot = slotOf(g), t = time(slot);
    const auto& seq = sequences_[static_cast<std::size_t>(slot)];
    const auto s = state_[i];
    const auto a = actions[i];
    rewards[i] = model_.reward(seq.rewardView(t), s, a);
    model_.transitions(seq.kernelView(t), s, a, row);
    probs.resize(row.size());
    for (std::size_t e = 0; e < row.size(); ++e) probs[e] = row[e].prob;
    const double u = ParticleFlow::uniform(key, static_cast<std::uint64_t>(g), 0);
    state_[i] = row[static_cast<std::size_t>(ParticleFlow::pick(probs.data(), static_cast<std::int64_t>(probs.size()), u))].next;
    done[i] = t + 1 == T ? 1 : 0;
  }
  ++clock_;
  // Clocks are the same on every rank, so every rank starts the same episodes (the sampling is
  // collective).
  for (int j = 0; j < settings_.paths; ++j) {
    if (++clock_of_slot_[static_cast<std::size_t>(j)] == T) startEpisode(j, population());
  }
}

std::vector<std::int64_t> SampledEnvironment::serialize() const {
  std::vector<std::int64_t> out{static_cast<std::int64_t>(clock_)};
  for (int j = 0; j < settings_.paths; ++j) {
    out.push_back(clock_of_slot_[static_cast<std::size_t>(j)]);
    out.push_back(episode_[static_cast<std::size_t>(j)]);
  }
  int size = 1;
  MPI_Comm_size(comm_, &size);
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) {
    const auto lo = learners() * r / size, hi = learners() * (r + 1) / size;
    counts[static_cast<std::size_t>(r)] = static_cast<int>(hi - lo);
    offsets[static_cast<std::size_t>(r)] = static_cast<int>(lo);
  }
  std::vector<std::int64_t> all(static_cast<std::size_t>(learners()));
  MPI_Allgatherv(state_.data(), static_cast<int>(state_.size()), MPI_INT64_T, all.data(), counts.data(),
                 offsets.data(), MPI_INT64_T, comm_);
  out.insert(out.end(), all.begin(), all.end());
  return out;
}

void SampledEnvironment::restore(const std::vector<std::int64_t>& data, const PopulationRuleFactory& population) {
  const auto expected = static_cast<std::size_t>(1 + 2 * settings_.paths + learners());
  if (data.size() != expected)
    throw InputError("the checkpoint's environment holds " + std::to_string(data.size()) + " numbers, this run needs " +
                     std::to_string(expected) + " (another --paths or learner count?)");
  clock_ = static_cast<std::uint64_t>(data[0]);
  for (int j = 0; j < settings_.paths; ++j) {
    const auto s = static_cast<std::size_t>(j);
    clock_of_slot_[s] = static_cast<int>(data[1 + 2 * s]);
    episode_[s] = data[2 + 2 * s];
    if (clock_of_slot_[s] < 0 || clock_of_slot_[s] >= model_.numSteps() || episode_[s] < 1)
      throw InputError("the checkpoint's environment is damaged (slot " + std::to_string(j) + ")");
    // The noise path of the slot's current episode (episode_ − 1), redrawn from its key.
    const auto key = mixSeed(settings_.seed ^ mixSeed(kNoiseSalt + s) ^ mixSeed(static_cast<std::uint64_t>(episode_[s] - 1)));
    noise_[s] = noiseHistories(model_, 1, key)[0];
  }
  const auto* states = data.data() + 1 + 2 * settings_.paths;
  for (std::int64_t g = first_; g < last_; ++g) {
    const auto s = states[g];
    if (s < 0 || s >= model_.numStates()) throw InputError("the checkpoint's environment holds a state out of range");
    state_[static_cast<std::size_t>(g - first_)] = s;
  }
  refresh(population);
}

}  // namespace mfg::rl
