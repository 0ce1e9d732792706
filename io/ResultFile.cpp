#include "io/ResultFile.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "io/Hdf5.hpp"
#include "parallel/Collectives.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::io {

namespace {

std::vector<hsize_t> dimsOf(hsize_t outer, const std::vector<std::int64_t>& a,
                            const std::vector<std::int64_t>& b = {}) {
  std::vector<hsize_t> d{outer};
  for (auto x : a) d.push_back(static_cast<hsize_t>(x));
  for (auto x : b) d.push_back(static_cast<hsize_t>(x));
  return d;
}

std::string shapeText(const std::vector<hsize_t>& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

template <class T>
std::vector<double> flatten(const std::vector<std::vector<T>>& tables, std::size_t count) {
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i) out.insert(out.end(), tables[i].begin(), tables[i].end());
  return out;
}

}  // namespace

std::string temporaryName(const std::string& path, MPI_Comm comm) {
  long pid = static_cast<long>(::getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, comm);
  return path + ".partial-" + std::to_string(pid);
}

void renameOnRoot(const std::string& from, const std::string& to, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::optional<std::string> error;
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec) error = "cannot rename " + from + " to " + to + ": " + ec.message();
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error(*e);
}


void writeTree(hid_t file, const ScenarioTree& tree) {
  Hid group(checked(H5Gcreate2(file, "/tree", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"), H5Gclose);
  std::vector<double> level, parent, prob, cond_prob, z;
  std::size_t width = 0;
  for (std::size_t id = 0; id < tree.size(); ++id) width = std::max(width, tree.node(static_cast<int>(id)).z.size());
  for (std::size_t id = 0; id < tree.size(); ++id) {
    const auto& n = tree.node(static_cast<int>(id));
    level.push_back(n.level);
    parent.push_back(n.parent);
    prob.push_back(n.prob);
    cond_prob.push_back(n.cond_prob);
    for (std::size_t k = 0; k < width; ++k) z.push_back(k < n.z.size() ? n.z[k] : 0.0);
  }
  writeSerial(file, "/tree/level", level);
  writeSerial(file, "/tree/parent", parent);
  writeSerial(file, "/tree/prob", prob);
  writeSerial(file, "/tree/cond_prob", cond_prob);
  writeSerial(file, "/tree/z", z);
  writeAttribute(group, "z_width", std::vector<std::int64_t>{static_cast<std::int64_t>(width)});
  writeAttribute(group, "decision_nodes", std::vector<std::int64_t>{tree.decisionNodes()});
}

void writeResult(const std::string& path, const ExactEngine& engine, const SolveOutput& out) {
  const auto& layout = engine.layout();
  const Model& model = engine.model();
  const auto A = static_cast<hsize_t>(layout.actions());
  const auto steps = static_cast<hsize_t>(engine.policySlices());
  const std::string tmp = temporaryName(path, layout.comm());
  {
    Hid file = openParallel(tmp, layout.comm(), true);
    if (!file.valid()) throw std::runtime_error("cannot create " + tmp);
    writeDistributed(file, "/policy", dimsOf(steps, model.stateShape(), model.actionShape()),
                     layout.begin() * A, layout.end() * A, flatten(out.policy->pi, steps));
    const auto flow_slices = static_cast<hsize_t>(engine.flowSlices());
    writeDistributed(file, "/mean_field", dimsOf(flow_slices, model.stateShape()), layout.begin(),
                     layout.end(), flatten(out.flow->mu, flow_slices));
    if (model.noise()) writeTree(file, engine.tree());
    Hid history(checked(H5Gcreate2(file, "/history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                H5Gclose);
    writeSerial(file, "/history/exploitability", out.exploitability);
    writeSerial(file, "/history/wall_seconds", out.wall_seconds);
    writeAttribute(file, "model", model.name());
    writeAttribute(file, "algorithm", out.algorithm);
    writeAttribute(file, "ranks", std::vector<std::int64_t>{layout.size()});
    writeAttribute(file, "iterations", std::vector<std::int64_t>{static_cast<std::int64_t>(out.exploitability.size()) - 1});
    writeAttribute(file, "steps", std::vector<std::int64_t>{engine.steps()});
    writeAttribute(file, "state_shape", model.stateShape());
    writeAttribute(file, "action_shape", model.actionShape());
    Hid params(checked(H5Gcreate2(file, "/parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
               H5Gclose);
    for (const auto& [key, value] : model.parameters().values()) writeAttribute(params, key, value);
    Hid settings(checked(H5Gcreate2(file, "/settings", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                 H5Gclose);
    for (const auto& [key, value] : out.settings) writeAttribute(settings, key, std::vector<double>{value});
  }  // every handle closes here, collectively, before the rename
  renameOnRoot(tmp, path, layout.comm());
}

Policy readPolicy(const std::string& path, const ExactEngine& engine) {
  return readPolicy(path, engine.model(), engine.layout(), {engine.policySlices()});
}

namespace {

Policy readPolicyChecked(const std::string& path, const Model& model, const parallel::StateLayout& layout,
                         const std::vector<int>& slice_counts);

}  // namespace

Policy readPolicy(const std::string& path, const Model& model, const parallel::StateLayout& layout,
                  const std::vector<int>& slice_counts) {
  // A damaged file can fail any HDF5 call; the metadata is the same on every rank, so they all
  // fail alike, and the data read agrees on its errors itself.
  try {
    return readPolicyChecked(path, model, layout, slice_counts);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw InputError("policy file '" + path + "': cannot be read (" + e.what() + "); the file is damaged or truncated");
  }
}

namespace {

Policy readPolicyChecked(const std::string& path, const Model& model, const parallel::StateLayout& layout,
                         const std::vector<int>& slice_counts) {
  const auto A = layout.actions();
  const auto fail = [&](const std::string& why) { throw InputError("policy file '" + path + "': " + why); };

  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail("no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) fail("not an HDF5 file");
  Hid file = openParallel(path, layout.comm(), false);
  if (!file.valid()) fail("cannot be opened as HDF5");
  if (H5Lexists(file, "policy", H5P_DEFAULT) <= 0) fail("has no dataset /policy");
  Hid dset(H5Dopen2(file, "/policy", H5P_DEFAULT), H5Dclose);
  if (!dset.valid()) fail("/policy is not a dataset");
  Hid type(checked(H5Dget_type(dset), "H5Dget_type"), H5Tclose);
  if (H5Tget_class(type) != H5T_FLOAT || H5Tget_size(type) != 8) fail("/policy must be float64");
  Hid space(checked(H5Dget_space(dset), "H5Dget_space"), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::vector<hsize_t> expected;
  std::string valid;
  for (int count : slice_counts) {
    const auto d = dimsOf(static_cast<hsize_t>(count), model.stateShape(), model.actionShape());
    if (d == dims) expected = d;
    valid += (valid.empty() ? "" : " or ") + shapeText(d);
  }
  if (expected.empty())
    fail("/policy has shape " + shapeText(dims) + "; model '" + model.name() + "' needs " + valid +
         (slice_counts.size() > 1 ? " (steps or scenario-tree nodes, state shape..., action shape...)"
                                  : " (steps, state shape..., action shape...)"));
  const hsize_t steps = expected[0];
  if (auto problem = storageProblem(dset, "/policy", expected)) fail(*problem);

  std::vector<double> local;
  std::optional<std::string> read_error;
  try {
    readDistributed(dset, expected, layout.begin() * A, layout.end() * A, local);
  } catch (const std::runtime_error& e) {
    read_error = std::string("/policy cannot be read (") + e.what() + "); the file is damaged or truncated";
  }
  if (auto agreed = parallel::firstError(layout.comm(), read_error)) fail(*agreed);

  Policy policy;
  policy.pi.resize(steps);
  const auto rows = static_cast<std::size_t>(layout.localRows());
  std::optional<std::string> error;
  for (hsize_t t = 0; t < steps && !error; ++t) {
    policy.pi[t].assign(local.begin() + t * rows, local.begin() + (t + 1) * rows);
    const auto& p = policy.pi[t];
    for (std::size_t row = 0; row < rows && !error; row += A) {
      const std::int64_t s = layout.begin() + static_cast<std::int64_t>(row / A);
      double total = 0.0;
      for (std::int64_t a = 0; a < A; ++a) {
        const double x = p[row + a];
        if (!std::isfinite(x) || x < 0.0) {
          std::ostringstream os;
          os << "/policy[t=" << t << ", state=" << s << ", action=" << a << "] = " << x
             << " is not a probability (must be finite and >= 0)";
          error = os.str();
          break;
        }
        total += x;
      }
      if (!error && std::abs(total - 1.0) > 1e-9) {
        std::ostringstream os;
        os.precision(17);
        os << "/policy[t=" << t << ", state=" << s << ", :] sums to " << total
           << " (each row must sum to 1 within 1e-9)";
        error = os.str();
      }
    }
  }
  if (auto agreed = parallel::firstError(layout.comm(), error)) throw InputError("policy file '" + path + "': " + *agreed);
  return policy;
}

}  // namespace

void writeTextAtomically(const std::string& path, const std::string& text, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string tmp = temporaryName(path, comm);
  std::optional<std::string> error;
  if (rank == 0) {
    std::ofstream f(tmp, std::ios::trunc);
    f << text;
    f.close();
    if (!f) error = "cannot write " + tmp;
  }
  if (auto e = parallel::firstError(comm, error)) throw std::runtime_error(*e);
  renameOnRoot(tmp, path, comm);
}

}  // namespace mfg::io
