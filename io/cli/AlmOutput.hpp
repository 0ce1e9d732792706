#pragma once
// What `mfg report-alm` and `mfg solve-alm` write alike (docs/methods.md §10): the law_of_motion
// JSON object, the path datasets of DIR/alm.h5, the wealth rows and the two figures; and the
// household policy that solve-alm stores in alm.h5, read back by `mfg certify`.
#include <hdf5.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "solver/aggregate/LawOfMotion.hpp"
#include "solver/alm/Household.hpp"
#include "solver/models/Model.hpp"

namespace mfg::cli {

/// {bad: {intercept, slope, r2}, good: {...}, den_haan_max_pct, den_haan_mean_pct, mean_K, sd_K}.
nlohmann::json lawOfMotionJson(const LawOfMotion& law);

/// The capital marginal of each snapshot (flat states 2i + ε) on the capital grid.
std::vector<std::vector<double>> wealthRows(const std::vector<std::vector<double>>& snapshots, std::size_t capital_points);

struct AlmPathData {
  std::vector<double> z, K;  ///< t = 0..burn_in + quarters
  long burn_in = 0, quarters = 0;
  std::vector<double> capital_grid;
  std::vector<std::vector<double>> wealth;
  std::vector<int> dates;
};

/// /z, /K, /fitted_log_K, /wealth/{capital_grid, quarters, distribution} (one writer: MPI_COMM_SELF file).
void writeAlmPath(hid_t file, const AlmPathData& data, const LawOfMotion& law);

/// DIR/alm_capital and DIR/alm_wealth (PNG and PDF); returns the files written.
std::vector<std::string> plotAlm(const std::string& dir, const std::string& model, const AlmPathData& data,
                                 const LawOfMotion& law, double z_good);

/// Whether `path` is an HDF5 file with the /household group of `mfg solve-alm`.
bool isHouseholdPolicyFile(const std::string& path);
/// The household policy of `mfg solve-alm`'s alm.h5, checked against the economy of `model`
/// (InputError naming the mismatch or the damage).
std::shared_ptr<const alm::HouseholdPolicy> readHouseholdPolicy(const std::string& path, const Model& model);

}  // namespace mfg::cli
