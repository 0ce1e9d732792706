#pragma once
// What the sample-based learners (IPPO, RIPPO, M-OMD) share: the population rule that plays the
// mode of a network's policy, the start from rank 0's parameters, the learning-rate schedule over
// the whole run, and gradient clipping by global norm.
#include <mpi.h>

#include "solver/learn/PolicyNetwork.hpp"
#include "solver/rl/SampledEnvironment.hpp"

namespace mfg::rl {

/// The population of the sampled sequences: in every state, the most likely action of `net`'s
/// policy given the shared observation (a recurrent network carries its GRU state along each
/// sequence from a fresh start).
PopulationRuleFactory populationMode(const Model& model, PolicyNetwork net, int observation_size);

/// Copies rank 0's parameters into every rank's `net`, so that all ranks start from the same
/// network whatever their random generators did.
void broadcastParameters(PolicyNetwork& net, MPI_Comm comm);

/// Linear decay from `initial` to `final_fraction`·initial over iterations 0..iterations−1 (the
/// whole run, not its first iterations).
double decayedRate(double initial, double final_fraction, long iteration, long iterations);
void setLearningRate(torch::optim::Adam& adam, double rate);

/// `grad` scaled down in place to global norm `max_norm` where it is longer.
torch::Tensor clippedToNorm(torch::Tensor grad, double max_norm);

MPI_Datatype mpiType(const torch::Tensor& t);

}  // namespace mfg::rl
