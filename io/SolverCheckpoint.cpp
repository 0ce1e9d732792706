#include "io/SolverCheckpoint.hpp"

#include <cmath>
#include <optional>
#include <sstream>

#include "io/Hdf5.hpp"
#include "io/ResultFile.hpp"
#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::io {

namespace {

std::vector<double> readWhole(hid_t file, const std::string& name) {
  Hid dset(checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), ("H5Dopen2 " + name).c_str()), H5Dclose);
  Hid space(checked(H5Dget_space(dset), "H5Dget_space"), H5Sclose);
  const auto n = H5Sget_simple_extent_npoints(space);
  if (n < 0 || n > (1LL << 26)) throw std::runtime_error(name + " has an invalid size");
  std::vector<double> v(static_cast<std::size_t>(n));
  double dummy = 0.0;
  checked(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.empty() ? &dummy : v.data()), "H5Dread");
  return v;
}

std::string readStringAttribute(hid_t object, const char* name) {
  Hid attr(checked(H5Aopen(object, name, H5P_DEFAULT), name), H5Aclose);
  Hid type(checked(H5Aget_type(attr), "H5Aget_type"), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING) throw std::runtime_error(std::string(name) + " is not a string");
  std::string s(H5Tget_size(type), '\0');
  checked(H5Aread(attr, type, s.data()), "H5Aread");
  return s.substr(0, s.find('\0'));
}

}  // namespace

std::string solverIdentity(const Model& model, const TabularSolver& solver) {
  std::ostringstream id;
  id.precision(17);
  id << "model=" << model.name() << ";algorithm=" << solver.name();
  for (const auto& [key, value] : model.parameters().values()) {
    id << ";" << key << "=";
    for (double v : value) id << v << ",";
  }
  for (const auto& [key, value] : solver.settings()) id << ";setting." << key << "=" << value;
  return id.str();
}

void writeSolverCheckpoint(const std::string& path, const ExactEngine& engine, TabularSolver& solver) {
  const auto& layout = engine.layout();
  const auto S = static_cast<hsize_t>(layout.globalStates());
  const std::string tmp = temporaryName(path, layout.comm());
  {
    Hid file = openParallel(tmp, layout.comm(), true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    Hid state(checked(H5Gcreate2(file, "/state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"), H5Gclose);
    for (const auto& table : solver.stateTables()) {
      if (table.slices->empty()) continue;
      const auto block = static_cast<hsize_t>(table.block);
      std::vector<double> local;
      for (const auto& slice : *table.slices) local.insert(local.end(), slice.begin(), slice.end());
      writeDistributed(file, "/state/" + table.name, {static_cast<hsize_t>(table.slices->size()), S, block},
                       static_cast<hsize_t>(layout.begin()) * block, static_cast<hsize_t>(layout.end()) * block, local);
    }
    Hid history(checked(H5Gcreate2(file, "/history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                H5Gclose);
    writeSerial(file, "/history/exploitability", solver.exploitabilityHistory());
    writeSerial(file, "/history/wall_seconds", solver.wallSecondsHistory());
    writeAttribute(file, "identity", solverIdentity(engine.model(), solver));
    writeAttribute(file, "iteration", std::vector<std::int64_t>{solver.iterations()});
  }
  renameOnRoot(tmp, path, layout.comm());
}

void readSolverCheckpoint(const std::string& path, const ExactEngine& engine, TabularSolver& solver) {
  const auto& layout = engine.layout();
  const auto S = static_cast<hsize_t>(layout.globalStates());
  const auto fail = [&](const std::string& why) -> void { throw InputError("checkpoint '" + path + "': " + why); };
  // Everything is read and checked into scratch tables first; the solver changes only at the end.
  std::vector<std::vector<std::vector<double>>> loaded;
  std::vector<double> exploitability, wall_seconds;
  long iteration = 0;
  std::optional<std::string> error;
  try {
    if (H5Fis_hdf5(path.c_str()) <= 0) fail("not an HDF5 file");
    Hid file = openParallel(path, layout.comm(), false);
    if (!file.valid()) fail("cannot be opened as HDF5");
    const std::string stored = readStringAttribute(file, "identity");
    const std::string expected = solverIdentity(engine.model(), solver);
    if (stored != expected) fail("belongs to another run (" + stored + "; this run is " + expected + ")");
    {
      Hid attr(checked(H5Aopen(file, "iteration", H5P_DEFAULT), "iteration"), H5Aclose);
      long long it = -1;
      checked(H5Aread(attr, H5T_NATIVE_LLONG, &it), "H5Aread");
      if (it < 0 || it > 100000000) fail("iteration " + std::to_string(it) + " is out of range");
      iteration = static_cast<long>(it);
    }
    exploitability = readWhole(file, "/history/exploitability");
    wall_seconds = readWhole(file, "/history/wall_seconds");
    if (exploitability.size() != static_cast<std::size_t>(iteration) + 1 || wall_seconds.size() != exploitability.size())
      fail("its history does not have iteration + 1 entries");
    for (const auto& table : solver.stateTables()) {
      const std::string name = "/state/" + table.name;
      auto& slices = loaded.emplace_back();
      if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) {
        if (table.name == "policy") fail("has no " + name);
        continue;  // an accumulator not started yet
      }
      Hid dset(checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), name.c_str()), H5Dclose);
      Hid space(checked(H5Dget_space(dset), "H5Dget_space"), H5Sclose);
      std::vector<hsize_t> dims(3, 0);
      const auto block = static_cast<hsize_t>(table.block);
      if (H5Sget_simple_extent_ndims(space) != 3 || H5Sget_simple_extent_dims(space, dims.data(), nullptr) != 3 ||
          dims[0] != static_cast<hsize_t>(engine.policySlices()) || dims[1] != S || dims[2] != block)
        fail(name + " does not have the shape [" + std::to_string(engine.policySlices()) + ", " + std::to_string(S) +
             ", " + std::to_string(block) + "]");
      std::vector<double> local;
      readDistributed(dset, dims, static_cast<hsize_t>(layout.begin()) * block,
                      static_cast<hsize_t>(layout.end()) * block, local);
      for (double x : local)
        if (!std::isfinite(x)) fail(name + " holds a non-finite value");
      if (table.name == "policy")
        for (std::size_t row = 0; row < local.size(); row += block) {
          double total = 0.0;
          for (std::size_t a = 0; a < block; ++a) {
            if (local[row + a] < 0.0) fail(name + " holds a negative probability");
            total += local[row + a];
          }
          if (std::abs(total - 1.0) > 1e-9) fail(name + " has a row that sums to " + std::to_string(total) + ", not 1");
        }
      const auto rows = static_cast<std::size_t>(layout.localStates()) * block;
      for (hsize_t t = 0; t < dims[0]; ++t)
        slices.emplace_back(local.begin() + static_cast<long>(t * rows), local.begin() + static_cast<long>((t + 1) * rows));
    }
  } catch (const InputError& e) {
    error = e.what();
  } catch (const std::runtime_error& e) {
    error = "checkpoint '" + path + "' cannot be read (" + e.what() + "); the file is damaged";
  }
  // A damaged block may fail the read on some ranks only; all of them raise it.
  if (auto agreed = parallel::firstError(layout.comm(), error)) throw InputError(*agreed);
  auto tables = solver.stateTables();
  for (std::size_t k = 0; k < tables.size(); ++k)
    if (!loaded[k].empty()) *tables[k].slices = std::move(loaded[k]);
  solver.resume(static_cast<int>(iteration), std::move(exploitability), std::move(wall_seconds));
}

}  // namespace mfg::io
