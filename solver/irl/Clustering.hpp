#pragma once
// Clustering of plays (docs/methods.md §13): k-means, used to score Gaussian contexts and to start
// PEMMFIRL's categorical context, and the best matching of clusters to hidden labels (type accuracy).
// Plain sequential code on doubles: every rank that runs it on the same rows gets the same bits.
#include <cstdint>
#include <vector>

namespace mfg::irl {

/// k-means of `rows` into at most `k` clusters → cluster index per row. Each of `restarts` runs
/// starts from a k-means++ draw (generator seeded from `seed` and the run) and iterates Lloyd's
/// steps to a fixed point (at most 1000); the run with the smallest within-cluster sum of squares
/// is kept (the first on ties).
std::vector<int> kMeans(const std::vector<std::vector<double>>& rows, int k, std::uint64_t seed, int restarts = 1);

/// The best one-to-one matching of clusters to labels, as a share of plays matched (exhaustive up
/// to 8 clusters or labels, greedy above). Also returns the label each cluster is matched to (−1: none).
double matchingAccuracy(const std::vector<int>& clusters, const std::vector<std::int32_t>& labels,
                        std::vector<int>* cluster_to_label = nullptr);

}  // namespace mfg::irl
