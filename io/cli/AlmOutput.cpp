#include "io/cli/AlmOutput.hpp"

#include <cmath>
#include <filesystem>

#include "io/Hdf5.hpp"
#include "io/plot/LawOfMotionPlots.hpp"
#include "solver/alm/Economy.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

nlohmann::json fitJson(const LogLinearFit& f) {
  return {{"intercept", f.intercept}, {"slope", f.slope}, {"r2", f.r2}};
}

/// A float64 dataset read whole, with its shape; InputError naming the file when it is missing.
std::vector<double> readDataset(hid_t file, const std::string& path, const std::string& name,
                                std::vector<hsize_t>& dims) {
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0)
    throw InputError("'" + path + "' has no dataset " + name + " (not an alm.h5 of `mfg solve-alm`)");
  io::Hid set(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) throw InputError("'" + path + "': cannot open " + name);
  io::Hid space(H5Dget_space(set), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 1 || rank > 8) throw InputError("'" + path + "': " + name + " has an unexpected rank");
  dims.assign(static_cast<std::size_t>(rank), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  if (n > (hsize_t{1} << 32)) throw InputError("'" + path + "': " + name + " is implausibly large");
  std::vector<double> v(static_cast<std::size_t>(n));
  if (H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw InputError("'" + path + "': cannot read " + name + " as float64");
  return v;
}

}  // namespace

nlohmann::json lawOfMotionJson(const LawOfMotion& law) {
  return {{"bad", fitJson(law.bad)},
          {"good", fitJson(law.good)},
          {"den_haan_max_pct", law.den_haan_max_pct},
          {"den_haan_mean_pct", law.den_haan_mean_pct},
          {"mean_K", law.mean_K},
          {"sd_K", law.sd_K}};
}

std::vector<std::vector<double>> wealthRows(const std::vector<std::vector<double>>& snapshots,
                                            std::size_t capital_points) {
  std::vector<std::vector<double>> rows;
  for (const auto& mu : snapshots) {
    std::vector<double> row(capital_points, 0.0);
    for (std::size_t s = 0; s < mu.size(); ++s) row[s / 2] += mu[s];
    rows.push_back(std::move(row));
  }
  return rows;
}

void writeAlmPath(hid_t file, const AlmPathData& d, const LawOfMotion& law) {
  io::writeSerial(file, "/z", d.z);
  io::writeSerial(file, "/K", d.K);
  io::writeSerial(file, "/fitted_log_K", law.fitted_log_K);
  io::Hid group(io::checked(H5Gcreate2(file, "/wealth", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                H5Gclose);
  std::vector<double> flat, dates;
  for (const auto& row : d.wealth) flat.insert(flat.end(), row.begin(), row.end());
  for (int t : d.dates) dates.push_back(t);
  io::writeSerial(file, "/wealth/capital_grid", d.capital_grid);
  io::writeSerial(file, "/wealth/quarters", dates);
  io::writeSerial(file, "/wealth/distribution", flat, {static_cast<hsize_t>(dates.size()), d.capital_grid.size()});
  io::writeAttribute(file, "burn_in", std::vector<std::int64_t>{d.burn_in});
  io::writeAttribute(file, "quarters", std::vector<std::int64_t>{d.quarters});
}

std::vector<std::string> plotAlm(const std::string& dir, const std::string& model, const AlmPathData& d,
                                 const LawOfMotion& law, double z_good) {
  io::plot::LawOfMotionFigureData data;
  data.model = model;
  const long total = d.burn_in + d.quarters;
  for (long t = d.burn_in; t <= total; ++t) {
    data.quarters.push_back(static_cast<double>(t));
    data.K.push_back(d.K[static_cast<std::size_t>(t)]);
    data.K_fitted.push_back(std::exp(law.fitted_log_K[static_cast<std::size_t>(t - d.burn_in)]));
    data.good.push_back(d.z[static_cast<std::size_t>(t)] == z_good ? 1.0 : 0.0);
  }
  data.capital_grid = d.capital_grid;
  data.wealth = d.wealth;
  data.dates = d.dates;
  return io::plot::plotLawOfMotion(dir, data, io::plot::Formats{});
}

bool isHouseholdPolicyFile(const std::string& path) {
  if (!std::filesystem::is_regular_file(path) || H5Fis_hdf5(path.c_str()) <= 0) return false;
  io::Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  return file.valid() && H5Lexists(file, "/household", H5P_DEFAULT) > 0;
}

std::shared_ptr<const alm::HouseholdPolicy> readHouseholdPolicy(const std::string& path, const Model& model) {
  io::Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw InputError("'" + path + "' cannot be opened as HDF5");
  std::vector<hsize_t> dk, dK, dp, de;
  const auto capital = readDataset(file, path, "/household/capital_grid", dk);
  const auto aggregate = readDataset(file, path, "/household/aggregate_grid", dK);
  const auto values = readDataset(file, path, "/household/capital_next", dp);
  const auto economy = readDataset(file, path, "/household/economy", de);
  if (dp.size() != 4 || dp[0] != 2 || dp[1] != aggregate.size() || dp[2] != capital.size() || dp[3] != 2)
    throw InputError("'" + path + "': /household/capital_next must have shape [2, aggregate points, capital points, 2]");
  if (aggregate.size() < 2) throw InputError("'" + path + "': /household/aggregate_grid needs at least two points");
  for (std::size_t j = 0; j + 1 < aggregate.size(); ++j)
    if (!(aggregate[j] > 0.0 && aggregate[j + 1] > aggregate[j]))
      throw InputError("'" + path + "': /household/aggregate_grid must be positive and increasing");
  for (double v : values)
    if (!std::isfinite(v) || v < 0.0) throw InputError("'" + path + "': /household/capital_next has a value that is "
                                                       "not a finite non-negative capital");
  // The household solved this economy; certifying it in another one would certify something else.
  const auto e = alm::Economy::of(model.parameters());
  const std::vector<double> mine{e.alpha, e.beta, e.delta, e.labour, e.z[0], e.z[1], e.u[0], e.u[1]};
  const char* names[] = {"alpha", "beta", "delta", "labour", "z_bad", "z_good", "u_bad", "u_good"};
  if (economy.size() != mine.size()) throw InputError("'" + path + "': /household/economy must have 8 entries");
  for (std::size_t n = 0; n < mine.size(); ++n)
    if (economy[n] != mine[n])
      throw InputError("'" + path + "' was solved with " + names[n] + " = " + std::to_string(economy[n]) +
                       ", the model has " + std::to_string(mine[n]));
  if (capital != e.capital)
    throw InputError("'" + path + "' was solved on another capital grid (capital_points, capital_max and "
                     "capital_curvature must match the model's)");
  auto policy = std::make_shared<alm::HouseholdPolicy>(capital, aggregate);
  policy->values() = values;
  return policy;
}

}  // namespace mfg::cli
