// Clustering of plays (solver/irl/Clustering): k-means on hand-built point sets and the best
// matching of clusters to labels against hand counts, and the number of types read off the spread
// between rows against their sampling noise.
#define BOOST_TEST_MODULE irl_clustering
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "solver/irl/Clustering.hpp"

using namespace mfg::irl;

BOOST_AUTO_TEST_CASE(matching_counts_the_best_one_to_one_assignment) {
  // Clusters 0,0,1,1,2,2 against labels 1,1,0,0,2,1: cluster 0 → label 1 (2 plays), 1 → 0 (2),
  // 2 → 2 (1); the sixth play (cluster 2, label 1) cannot be matched as well. 5 of 6.
  std::vector<int> to_label;
  BOOST_TEST(matchingAccuracy({0, 0, 1, 1, 2, 2}, {1, 1, 0, 0, 2, 1}, &to_label) == 5.0 / 6.0);
  BOOST_TEST(to_label == (std::vector<int>{1, 0, 2}), boost::test_tools::per_element());
  // One cluster for three labels: only the largest label can be matched.
  BOOST_TEST(matchingAccuracy({0, 0, 0, 0}, {2, 2, 2, 1}) == 0.75);
  // More clusters than labels: the extra cluster is matched to nothing.
  BOOST_TEST(matchingAccuracy({0, 1, 2, 2}, {0, 0, 1, 1}, &to_label) == 0.75);
  BOOST_TEST(std::count(to_label.begin(), to_label.end(), -1) == 1);
}

BOOST_AUTO_TEST_CASE(kmeans_recovers_separated_groups_for_every_seed) {
  // Three tight groups of three points, far apart; any k-means fixed point from a k-means++ start
  // that puts a centre in each group recovers them, and the best of several runs always does.
  const std::vector<std::vector<double>> rows{{0, 0},  {10, 0},   {5, 5},     {0.1, 0},  {10.1, 0},
                                              {5.1, 5}, {0, 0.1}, {10, 0.1}, {5, 5.1}};
  const std::vector<std::int32_t> labels{0, 1, 2, 0, 1, 2, 0, 1, 2};
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto c = kMeans(rows, 3, seed, 10);
    BOOST_TEST_CONTEXT("seed " << seed) { BOOST_TEST(matchingAccuracy(c, labels) == 1.0); }
  }
}

BOOST_AUTO_TEST_CASE(kmeans_keeps_the_run_with_the_smallest_spread) {
  // Four corners of a 4 × 1 rectangle, two clusters: the split into left and right pairs has a
  // within-cluster sum of squares of 1 (4 × 0.5²), the split into top and bottom 16. Lloyd's steps
  // from a top/bottom start stay there; k-means++ starts so with probability 1/34 (first centre at a
  // corner, second at the corner above or below it: weight 1 against 16 + 17), so among 200 seeds
  // single runs end top/bottom several times, while twenty runs always keep the left/right split.
  const std::vector<std::vector<double>> rows{{0, 0}, {0, 1}, {4, 0}, {4, 1}};
  const std::vector<std::int32_t> left_right{0, 0, 1, 1};
  int single_run_misses = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    if (matchingAccuracy(kMeans(rows, 2, seed, 1), left_right) < 1.0) ++single_run_misses;
    BOOST_TEST_CONTEXT("seed " << seed) { BOOST_TEST(matchingAccuracy(kMeans(rows, 2, seed, 20), left_right) == 1.0); }
  }
  BOOST_TEST(single_run_misses > 0);  // the case does exercise the restarts
  // Degenerate inputs: no rows, one cluster, fewer distinct rows than clusters.
  BOOST_TEST(kMeans({}, 3, 0).empty());
  BOOST_TEST((kMeans(rows, 1, 0) == std::vector<int>(4, 0)));
  const auto same = kMeans({{1, 1}, {1, 1}, {1, 1}}, 3, 0, 3);
  BOOST_TEST((same == std::vector<int>(3, 0)));
}

BOOST_AUTO_TEST_CASE(within_cluster_spread_by_hand) {
  // {0, 2} around 1 and {10, 13} around 11.5: 1 + 1 + 2.25 + 2.25.
  BOOST_TEST(withinClusterSpread({{0}, {2}, {10}, {13}}, {0, 0, 1, 1}) == 6.5);
  // One cluster around 6.25: 6.25² + 4.25² + 3.75² + 6.75².
  BOOST_TEST(withinClusterSpread({{0}, {2}, {10}, {13}}, {0, 0, 0, 0}) == 116.75, boost::test_tools::tolerance(1e-12));
}

namespace {

/// P rows of dimension D: the mean of the row's group plus independent N(0, σ²) noise.
std::vector<std::vector<double>> noisyGroups(const std::vector<std::vector<double>>& means, int P, double sigma,
                                             std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<std::vector<double>> rows;
  for (int p = 0; p < P; ++p) {
    auto row = means[static_cast<std::size_t>(p) % means.size()];
    for (auto& v : row) v += normal(rng);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_CASE(type_count_is_the_fewest_clusters_whose_spread_is_sampling_noise) {
  // 30 rows of dimension 20 with noise σ = 0.1 (noise per row: 20 σ² = 0.2). One group: the spread
  // around the mean over (1 − 1/30)·Σ noise is a χ² over 580 degrees of freedom divided by them,
  // 1 ± 0.06, so the threshold 1.5 is never crossed by chance (over 8 standard deviations). Three
  // groups 1 apart in every entry (far beyond the noise): one or two clusters leave a spread many
  // times the noise, three do not.
  const int P = 30, D = 20;
  const double sigma = 0.1;
  const std::vector<double> noise(P, D * sigma * sigma);
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const auto one = chooseTypeCount(noisyGroups({std::vector<double>(D, 0.0)}, P, sigma, seed), noise, 6, seed, 5, 1.5);
      BOOST_TEST(one.types == 1);
      BOOST_TEST(std::abs(one.dispersion[0] - 1.0) < 0.3);
      const std::vector<std::vector<double>> means{std::vector<double>(D, 0.0), std::vector<double>(D, 1.0),
                                                   std::vector<double>(D, -1.0)};
      const auto rows = noisyGroups(means, P, sigma, seed);
      const auto three = chooseTypeCount(rows, noise, 6, seed, 5, 1.5);
      BOOST_TEST(three.types == 3);
      BOOST_TEST_REQUIRE(three.dispersion.size() == 3u);
      BOOST_TEST(three.dispersion[0] > 10.0);
      BOOST_TEST(three.dispersion[1] > 10.0);
      std::vector<std::int32_t> labels;
      for (int p = 0; p < P; ++p) labels.push_back(p % 3);
      BOOST_TEST(matchingAccuracy(three.clusters, labels) == 1.0);
    }
  }
  // No k up to max_types explains the spread: max_types is returned, with every dispersion.
  const std::vector<std::vector<double>> four{std::vector<double>(D, 0.0), std::vector<double>(D, 1.0),
                                              std::vector<double>(D, -1.0), std::vector<double>(D, 2.0)};
  const auto capped = chooseTypeCount(noisyGroups(four, P, sigma, 7), noise, 2, 7, 5, 1.5);
  BOOST_TEST(capped.types == 2);
  BOOST_TEST(capped.dispersion.size() == 2u);
}
