#include "solver/irl/Clustering.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace mfg::irl {

namespace {

double squaredDistance(const std::vector<double>& x, const std::vector<double>& y) {
  double d = 0.0;
  for (std::size_t j = 0; j < x.size(); ++j) d += (x[j] - y[j]) * (x[j] - y[j]);
  return d;
}

struct Clustering {
  std::vector<int> assign;
  double inertia = 0.0;  ///< Σ_i ‖row_i − centre of its cluster‖²
};

/// One k-means run: k-means++ draw of the centres, then Lloyd's steps to a fixed point.
Clustering lloyd(const std::vector<std::vector<double>>& rows, int k, std::mt19937_64& rng) {
  const auto n = rows.size();
  const auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::vector<std::vector<double>> centres{rows[rng() % n]};
  while (static_cast<int>(centres.size()) < k) {
    // The next centre drawn with probability proportional to the squared distance to the nearest one.
    std::vector<double> d(n);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = INFINITY;
      for (const auto& c : centres) d[i] = std::min(d[i], squaredDistance(rows[i], c));
      total += d[i];
    }
    if (total == 0.0) break;  // fewer distinct rows than clusters
    double u = uniform() * total;
    std::size_t pick = n - 1;
    for (std::size_t i = 0; i < n; ++i) {
      u -= d[i];
      if (u < 0.0) {
        pick = i;
        break;
      }
    }
    centres.push_back(rows[pick]);
  }
  Clustering out;
  out.assign.assign(n, 0);
  for (int iter = 0; iter < 1000; ++iter) {
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      int best = 0;
      for (std::size_t c = 1; c < centres.size(); ++c)
        if (squaredDistance(rows[i], centres[c]) < squaredDistance(rows[i], centres[static_cast<std::size_t>(best)]))
          best = static_cast<int>(c);
      if (best != out.assign[i]) changed = true;
      out.assign[i] = best;
    }
    if (!changed && iter > 0) break;
    for (std::size_t c = 0; c < centres.size(); ++c) {
      std::vector<double> mean(rows[0].size(), 0.0);
      int members = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (out.assign[i] == static_cast<int>(c)) {
          for (std::size_t j = 0; j < mean.size(); ++j) mean[j] += rows[i][j];
          ++members;
        }
      if (members == 0) continue;  // an empty cluster keeps its centre
      for (auto& v : mean) v /= members;
      centres[c] = mean;
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    out.inertia += squaredDistance(rows[i], centres[static_cast<std::size_t>(out.assign[i])]);
  return out;
}

}  // namespace

std::vector<int> kMeans(const std::vector<std::vector<double>>& rows, int k, std::uint64_t seed, int restarts) {
  if (rows.empty() || k <= 1) return std::vector<int>(rows.size(), 0);
  std::mt19937_64 rng(seed);
  Clustering best;
  for (int run = 0; run < std::max(restarts, 1); ++run) {
    auto c = lloyd(rows, k, rng);
    if (run == 0 || c.inertia < best.inertia) best = std::move(c);
  }
  return best.assign;
}

double withinClusterSpread(const std::vector<std::vector<double>>& rows, const std::vector<int>& clusters) {
  if (rows.empty()) return 0.0;
  const int K = *std::max_element(clusters.begin(), clusters.end()) + 1;
  std::vector<std::vector<double>> centre(static_cast<std::size_t>(K), std::vector<double>(rows[0].size(), 0.0));
  std::vector<int> members(static_cast<std::size_t>(K), 0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& c = centre[static_cast<std::size_t>(clusters[i])];
    for (std::size_t j = 0; j < c.size(); ++j) c[j] += rows[i][j];
    ++members[static_cast<std::size_t>(clusters[i])];
  }
  for (int k = 0; k < K; ++k)
    if (members[static_cast<std::size_t>(k)] > 0)
      for (auto& v : centre[static_cast<std::size_t>(k)]) v /= members[static_cast<std::size_t>(k)];
  double spread = 0.0;
  for (std::size_t i = 0; i < rows.size(); ++i) spread += squaredDistance(rows[i], centre[static_cast<std::size_t>(clusters[i])]);
  return spread;
}

TypeCount chooseTypeCount(const std::vector<std::vector<double>>& rows, const std::vector<double>& noise,
                          int max_types, std::uint64_t seed, int restarts, double threshold) {
  TypeCount out;
  const auto P = static_cast<int>(rows.size());
  out.clusters.assign(rows.size(), 0);
  if (P == 0) return out;
  double total_noise = 0.0;
  for (double v : noise) total_noise += v;
  // At most one type per play; k = P leaves no spread and no noise to compare with.
  const int K = std::max(1, std::min(max_types, P - 1));
  for (int k = 1; k <= K; ++k) {
    auto clusters = kMeans(rows, k, seed + static_cast<std::uint64_t>(k), restarts);
    const double expected = (1.0 - static_cast<double>(k) / P) * total_noise;
    const double spread = withinClusterSpread(rows, clusters);
    out.dispersion.push_back(expected > 0.0 ? spread / expected : (spread > 0.0 ? INFINITY : 1.0));
    if (out.dispersion.back() <= threshold || k == K) {
      out.types = k;
      out.clusters = std::move(clusters);
      break;
    }
  }
  return out;
}

double matchingAccuracy(const std::vector<int>& clusters, const std::vector<std::int32_t>& labels,
                        std::vector<int>* cluster_to_label) {
  if (clusters.size() != labels.size() || labels.empty()) return 0.0;
  const int K = *std::max_element(clusters.begin(), clusters.end()) + 1;
  const int L = *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<std::vector<int>> count(static_cast<std::size_t>(K), std::vector<int>(static_cast<std::size_t>(L), 0));
  for (std::size_t i = 0; i < labels.size(); ++i) ++count[static_cast<std::size_t>(clusters[i])][static_cast<std::size_t>(labels[i])];
  std::vector<int> best(static_cast<std::size_t>(K), -1);
  int best_matched = -1;
  const int n = std::max(K, L);
  if (n <= 8) {
    // Every assignment of the n slots; cluster c takes label perm[c] when both exist.
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    do {
      int matched = 0;
      for (int c = 0; c < K; ++c)
        if (perm[static_cast<std::size_t>(c)] < L) matched += count[static_cast<std::size_t>(c)][static_cast<std::size_t>(perm[static_cast<std::size_t>(c)])];
      if (matched > best_matched) {
        best_matched = matched;
        for (int c = 0; c < K; ++c) best[static_cast<std::size_t>(c)] = perm[static_cast<std::size_t>(c)] < L ? perm[static_cast<std::size_t>(c)] : -1;
      }
    } while (std::next_permutation(perm.begin(), perm.end()));
  } else {
    // Greedy: the largest remaining count first.
    best_matched = 0;
    std::vector<bool> used_c(static_cast<std::size_t>(K)), used_l(static_cast<std::size_t>(L));
    for (int round = 0; round < std::min(K, L); ++round) {
      int bc = -1, bl = -1, bv = -1;
      for (int c = 0; c < K; ++c)
        for (int l = 0; l < L; ++l)
          if (!used_c[static_cast<std::size_t>(c)] && !used_l[static_cast<std::size_t>(l)] && count[static_cast<std::size_t>(c)][static_cast<std::size_t>(l)] > bv) {
            bv = count[static_cast<std::size_t>(c)][static_cast<std::size_t>(l)];
            bc = c;
            bl = l;
          }
      used_c[static_cast<std::size_t>(bc)] = used_l[static_cast<std::size_t>(bl)] = true;
      best[static_cast<std::size_t>(bc)] = bl;
      best_matched += bv;
    }
  }
  if (cluster_to_label) *cluster_to_label = best;
  return static_cast<double>(best_matched) / static_cast<double>(labels.size());
}

}  // namespace mfg::irl
