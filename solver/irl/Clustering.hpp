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

/// Σ_i ‖row_i − mean of its cluster‖² for a labelling of the rows.
double withinClusterSpread(const std::vector<std::vector<double>>& rows, const std::vector<int>& clusters);

/// The number of types read off the plays' summaries (docs/methods.md §13.3, "--types auto").
struct TypeCount {
  int types = 1;
  /// dispersion[k − 1]: the within-cluster spread of the k-means into k clusters over what sampling
  /// noise alone would leave, (1 − k/P)·Σ_p noise_p; ≈ 1 once k reaches the true number of types.
  std::vector<double> dispersion;
  std::vector<int> clusters;  ///< the k-means into `types` clusters
};

/// Chooses the smallest k ≤ max_types whose dispersion is at most `threshold`, or max_types when
/// none is. `noise[p]` is the variance of row p's sampling error summed over its entries (a row is an
/// average over a play's agents: Σ_d Var_i(feature_d)/N). Each k-means keeps the best of `restarts`
/// runs, seeded from `seed` and k.
TypeCount chooseTypeCount(const std::vector<std::vector<double>>& rows, const std::vector<double>& noise,
                          int max_types, std::uint64_t seed, int restarts, double threshold);

/// The best one-to-one matching of clusters to labels, as a share of plays matched (exhaustive up
/// to 8 clusters or labels, greedy above). Also returns the label each cluster is matched to (−1: none).
double matchingAccuracy(const std::vector<int>& clusters, const std::vector<std::int32_t>& labels,
                        std::vector<int>* cluster_to_label = nullptr);

}  // namespace mfg::irl
