// The engine's resource check (solver/engine/ResourceCheck): the memory estimate grows with the
// model and shrinks with the ranks, and the number of ranks it asks for is the smallest that fits.
// Sizes are computed here by hand from the model's definition (classic/crowd_motion: a length ×
// width grid, 5 moves, each with at most 5 successors).
#define BOOST_TEST_MODULE resource_check
#include <boost/test/unit_test.hpp>

#include "solver/engine/ResourceCheck.hpp"
#include "solver/models/Registry.hpp"

using namespace mfg;

BOOST_AUTO_TEST_CASE(estimate_reads_the_model_sizes) {
  const auto model = makeModel("classic/crowd_motion", {{"length", {30}}, {"width", {20}}, {"T", {6}}});
  const auto tree = ScenarioTree::forModel(*model);
  const auto e = estimateResources(*model, tree);
  BOOST_TEST(e.states == 600);
  BOOST_TEST(e.actions == 5);
  BOOST_TEST(e.row_entries == 5);  // own move plus each of 5 noise moves, clipped: at most 5 cells
  BOOST_TEST(e.decision_nodes == 7);  // t = 0..T
  BOOST_TEST(e.nodes == 8);
}

BOOST_AUTO_TEST_CASE(more_ranks_need_less_each_and_ranks_needed_is_the_least_that_fits) {
  const auto model = makeModel("classic/crowd_motion", {{"length", {3000}}, {"width", {3000}}});
  const auto e = estimateResources(*model, ScenarioTree::forModel(*model));
  for (int p = 1; p < 64; ++p) BOOST_TEST(e.bytesPerRank(p + 1) < e.bytesPerRank(p));
  for (double budget : {1e9, 4e9, 16e9}) {
    const auto k = e.ranksNeeded(budget);
    BOOST_REQUIRE(k >= 1);
    BOOST_TEST(e.bytesPerRank(static_cast<int>(k)) <= budget * (1 + 1e-9), "budget " << budget << ": " << k);
    if (k > 1) BOOST_TEST(e.bytesPerRank(static_cast<int>(k - 1)) > budget, "budget " << budget << ": " << k);
  }
  // Below what every rank holds whatever the split (μ_0 whole: 2 · 9e6 doubles), no count fits.
  BOOST_TEST(e.ranksNeeded(2.0 * 9e6 * sizeof(double)) == -1);
}

BOOST_AUTO_TEST_CASE(human_readable_sizes) {
  BOOST_TEST(humanBytes(512) == "512 B");
  BOOST_TEST(humanBytes(1536) == "1.5 KiB");
  BOOST_TEST(humanBytes(3.0 * (1ull << 30)) == "3 GiB");
}
