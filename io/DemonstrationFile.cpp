#include "io/DemonstrationFile.hpp"

#include <fmt/core.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>

#include "io/Hdf5.hpp"
#include "io/Hdf5Guards.hpp"
#include "io/RootAgreement.hpp"
#include "io/ResultFile.hpp"
#include "io/TypesFile.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::io {

namespace {

using irl::Demonstrations;

// Bounds on what a file may ask the reader to allocate, as for episode files: at most 2^31 values
// per dataset, and no more decoded bytes than deflate could expand the file to (about 1032-fold;
// a floor of 256 MiB leaves room for small files with unwritten chunks).
constexpr hsize_t kMaxElements = hsize_t{1} << 31;
constexpr double kMaxExpansion = 1100.0;
constexpr double kMinDecodedBytes = 256.0 * 1024 * 1024;
constexpr std::size_t kMaxName = 4096;          // the model's name
constexpr std::size_t kMaxText = 1 << 20;       // the JSON attributes
// Compact attribute storage (the default file format) holds at most 64 KiB per attribute; larger
// JSON texts need the latest format, which moves them to dense storage.
constexpr std::size_t kLargeAttribute = 60000;

std::string shapeText(const std::vector<hsize_t>& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

/// "[p, i, t]" of entry k of an array [*, n, m].
std::string indexText(std::size_t k, std::int64_t n, std::int64_t m) {
  const auto per_play = static_cast<std::size_t>(n * m);
  return fmt::format("[{}, {}, {}]", k / per_play, (k % per_play) / static_cast<std::size_t>(m),
                     k % static_cast<std::size_t>(m));
}

/// Why the vectors of `d` do not match its P, N, T, or nothing.
std::optional<std::string> sizeProblem(const Demonstrations& d) {
  if (d.plays < 1 || d.agents < 1 || d.steps < 1)
    return fmt::format("P = {}, N = {}, T = {} (valid: all at least 1)", d.plays, d.agents, d.steps);
  // In doubles: the product of three int64 may overflow.
  const double bound = static_cast<double>(kMaxElements);
  if (static_cast<double>(d.plays) * static_cast<double>(d.agents) * (static_cast<double>(d.steps) + 1.0) > bound)
    return fmt::format("P = {}, N = {}, T = {}: more than {} states", d.plays, d.agents, d.steps, kMaxElements);
  const auto pn = static_cast<std::size_t>(d.plays * d.agents);
  if (d.states.size() != pn * static_cast<std::size_t>(d.steps + 1))
    return fmt::format("states holds {} values; expected P * N * (T+1) = {}", d.states.size(),
                       pn * static_cast<std::size_t>(d.steps + 1));
  if (d.actions.size() != pn * static_cast<std::size_t>(d.steps))
    return fmt::format("actions holds {} values; expected P * N * T = {}", d.actions.size(),
                       pn * static_cast<std::size_t>(d.steps));
  if (!d.type.empty() && d.type.size() != static_cast<std::size_t>(d.plays))
    return fmt::format("type holds {} values; expected none or P = {}", d.type.size(), d.plays);
  return std::nullopt;
}

/// Why `text` is not a JSON object, or nothing.
std::optional<std::string> parametersProblem(const std::string& text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return "is not valid JSON (expected an object: {\"name\": value, ...})";
  if (!json.is_object()) return fmt::format("is a JSON {}; expected an object", std::string(json.type_name()));
  return std::nullopt;
}

/// The number of types `text` lists (a JSON list of objects of numbers), or an InputError.
std::size_t typeCount(const std::string& text) { return typesFromJson(text).size(); }

/// Everything the reader would reject in data held in memory (the writer's check).
std::optional<std::string> dataProblem(const Demonstrations& d) {
  if (auto problem = sizeProblem(d)) return problem;
  if (d.model.empty()) return "the model's name is empty";
  for (std::size_t k = 0; k < d.states.size(); ++k)
    if (d.states[k] < 0) return fmt::format("states{} = {} (valid: 0 or more)", indexText(k, d.agents, d.steps + 1), d.states[k]);
  for (std::size_t k = 0; k < d.actions.size(); ++k)
    if (d.actions[k] < 0) return fmt::format("actions{} = {} (valid: 0 or more)", indexText(k, d.agents, d.steps), d.actions[k]);
  if (!d.parameters_json.empty())
    if (auto problem = parametersProblem(d.parameters_json)) return "parameters " + *problem;
  std::size_t types = 0;
  if (!d.types_json.empty()) {
    try {
      types = typeCount(d.types_json);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
  }
  for (std::size_t p = 0; p < d.type.size(); ++p)
    if (d.type[p] < 0 || (types > 0 && static_cast<std::size_t>(d.type[p]) >= types))
      return fmt::format("type[{}] = {} (valid: 0 to {})", p, d.type[p], types > 0 ? fmt::format("{}", types - 1) : "2^31 - 1");
  if (!std::isfinite(d.beta) || d.beta <= 0.0) return fmt::format("beta = {} (valid: positive and finite)", d.beta);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Writing

void writeDataset(hid_t file, const char* name, hid_t file_type, hid_t memory_type, const std::vector<hsize_t>& dims,
                  const void* values) {
  Hid space(checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple"),
            H5Sclose);
  Hid dset(checked(H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name), H5Dclose);
  checked(H5Dwrite(dset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), name);
}

void writeFile(const std::string& tmp, const std::string& path, const Demonstrations& d) {
  const std::string parameters = d.parameters_json.empty() ? "{}" : d.parameters_json;
  const std::string types = d.types_json.empty() ? "[]" : d.types_json;
  Hid fapl(checked(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose);
  if (std::max(parameters.size(), types.size()) > kLargeAttribute)
    checked(H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), "H5Pset_libver_bounds");
  Hid file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose);
  if (!file.valid())
    throw InputError(fmt::format("cannot create the demonstration file '{}' (through '{}'): does its directory exist "
                                 "and is it writable?", path, tmp));
  const auto P = static_cast<hsize_t>(d.plays), N = static_cast<hsize_t>(d.agents), T = static_cast<hsize_t>(d.steps);
  writeDataset(file, "/states", H5T_STD_I64LE, H5T_NATIVE_INT64, {P, N, T + 1}, d.states.data());
  writeDataset(file, "/actions", H5T_STD_I64LE, H5T_NATIVE_INT64, {P, N, T}, d.actions.data());
  if (d.hasTypes()) writeDataset(file, "/type", H5T_STD_I32LE, H5T_NATIVE_INT32, {P}, d.type.data());
  writeAttribute(file, "model", d.model);
  writeAttribute(file, "parameters", parameters);
  writeAttribute(file, "types", types);
  writeAttribute(file, "beta", std::vector<double>{d.beta});
  Hid space(checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
  Hid attr(checked(H5Acreate2(file, "seed", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT), "seed"), H5Aclose);
  checked(H5Awrite(attr, H5T_NATIVE_UINT64, &d.seed), "seed");
  checked(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush");
}

// ---------------------------------------------------------------------------------------------
// Agreement: only rank 0 touches the file; its outcome is broadcast.


void broadcastDemonstrations(MPI_Comm comm, Demonstrations& d) {
  std::int64_t sizes[3] = {d.plays, d.agents, d.steps};
  MPI_Bcast(sizes, 3, MPI_INT64_T, 0, comm);
  d.plays = sizes[0];
  d.agents = sizes[1];
  d.steps = sizes[2];
  broadcastVector(comm, d.states);
  broadcastVector(comm, d.actions);
  broadcastVector(comm, d.type);
  broadcastString(comm, d.model);
  broadcastString(comm, d.parameters_json);
  broadcastString(comm, d.types_json);
  MPI_Bcast(&d.beta, 1, MPI_DOUBLE, 0, comm);
  MPI_Bcast(&d.seed, 1, MPI_UINT64_T, 0, comm);
}

// ---------------------------------------------------------------------------------------------
// Reading (rank 0)

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(fmt::format("demonstration file '{}': {}", path_, why));
  }

  Demonstrations read() {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec)) fail("no such file");
    const auto file_bytes = std::filesystem::file_size(path_, ec);
    if (ec) fail("cannot be read (" + ec.message() + ")");
    if (H5Fis_hdf5(path_.c_str()) <= 0) fail("not an HDF5 file");
    // Through the MPI-IO driver, as episode files: no metadata accumulator, whose reads libhdf5
    // 1.10 gets wrong on some damaged files.
    file_ = openParallel(path_, MPI_COMM_SELF, false);
    if (!file_.valid()) fail("cannot be opened as HDF5 (damaged or truncated)");
    // libhdf5 decodes every attribute message of / when one is looked up, trusting their sizes.
    if (auto problem = objectHeaderProblem(path_, file_, file_, "."))
      fail("the attributes of / cannot be read: " + *problem + "; the file is damaged");

    Demonstrations d;
    d.model = stringAttribute("model", "the model's name", kMaxName);
    if (d.model.empty()) fail("attribute model (the model's name) is empty");
    d.parameters_json = "{}";
    if (hasAttribute("parameters")) {
      d.parameters_json = stringAttribute("parameters", "the model parameters as a JSON object", kMaxText);
      if (auto problem = parametersProblem(d.parameters_json)) fail("attribute parameters " + *problem);
    }
    d.types_json = "[]";
    std::size_t types = 0;
    if (hasAttribute("types")) {
      d.types_json = stringAttribute("types", "the types' overrides as a JSON list of objects", kMaxText);
      try {
        types = typeCount(d.types_json);
      } catch (const InputError& e) {
        fail(fmt::format("attribute types: {}", e.what()));
      }
    }
    if (hasAttribute("beta")) {
      d.beta = betaAttribute();
      if (!std::isfinite(d.beta) || d.beta <= 0.0)
        fail(fmt::format("attribute beta = {} (valid: a positive finite number)", d.beta));
    }
    if (hasAttribute("seed")) d.seed = seedAttribute();

    // Shapes.
    Hid states = dataset("states", true), actions = dataset("actions", true), type = dataset("type", false);
    const auto s_dims = shape(states, "/states");
    if (s_dims.size() != 3 || s_dims[0] < 1 || s_dims[1] < 1 || s_dims[2] < 2)
      fail(fmt::format("/states has shape {}; expected [P, N, T+1] with P, N >= 1 and T+1 >= 2", shapeText(s_dims)));
    const hsize_t P = s_dims[0], N = s_dims[1], T = s_dims[2] - 1;
    const std::vector<hsize_t> a_expected{P, N, T};
    const auto a_dims = shape(actions, "/actions");
    if (a_dims != a_expected)
      fail(fmt::format("/actions has shape {}; expected [P, N, T] = {} (from /states {})", shapeText(a_dims),
                       shapeText(a_expected), shapeText(s_dims)));
    if (type.valid()) {
      const auto t_dims = shape(type, "/type");
      if (t_dims != std::vector<hsize_t>{P})
        fail(fmt::format("/type has shape {}; expected [P] = [{}] (from /states {})", shapeText(t_dims), P,
                         shapeText(s_dims)));
    }
    const hsize_t state_count = elements(s_dims, "/states"), action_count = elements(a_dims, "/actions");
    // Sizes, before anything is allocated.
    const double decoded = 8.0 * static_cast<double>(state_count + action_count + (type.valid() ? P : 0));
    if (decoded > std::max(kMinDecodedBytes, kMaxExpansion * static_cast<double>(file_bytes)))
      fail(fmt::format("declares {} values in {} bytes, more than the file could hold; the file is damaged",
                       state_count + action_count, file_bytes));
    d.plays = static_cast<std::int64_t>(P);
    d.agents = static_cast<std::int64_t>(N);
    d.steps = static_cast<std::int64_t>(T);

    // Values.
    d.states = readIntegers(states, "/states", s_dims);
    for (std::size_t k = 0; k < d.states.size(); ++k)
      if (d.states[k] < 0)
        fail(fmt::format("/states{} = {} (valid: a flat state index, 0 or more)", indexText(k, d.agents, d.steps + 1),
                         d.states[k]));
    d.actions = readIntegers(actions, "/actions", a_dims);
    for (std::size_t k = 0; k < d.actions.size(); ++k)
      if (d.actions[k] < 0)
        fail(fmt::format("/actions{} = {} (valid: a flat action index, 0 or more)", indexText(k, d.agents, d.steps),
                         d.actions[k]));
    if (type.valid()) {
      const auto raw = readIntegers(type, "/type", {P});
      d.type.reserve(raw.size());
      for (std::size_t p = 0; p < raw.size(); ++p) {
        const std::int64_t limit = types > 0 ? static_cast<std::int64_t>(types) - 1 : std::numeric_limits<std::int32_t>::max();
        if (raw[p] < 0 || raw[p] > limit)
          fail(fmt::format("/type[{}] = {} (valid: 0 to {}{})", p, raw[p], limit,
                           types > 0 ? ", one of the types of attribute types" : ""));
        d.type.push_back(static_cast<std::int32_t>(raw[p]));
      }
    }
    if (auto problem = dataProblem(d)) fail(*problem);  // nothing should be left; kept as a net
    return d;
  }

 private:
  /// The dataset /`name`, or an invalid handle when it is optional and absent.
  Hid dataset(const char* name, bool required) {
    const htri_t exists = H5Lexists(file_, name, H5P_DEFAULT);
    if (exists < 0) fail(fmt::format("/{} cannot be looked up; the file is damaged", name));
    if (exists == 0) {
      if (!required) return Hid();
      fail(fmt::format("has no dataset /{} (the layout: /states [P, N, T+1], /actions [P, N, T], optionally "
                       "/type [P])", name));
    }
    H5L_info_t link;
    if (H5Lget_info(file_, name, &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD)
      fail(fmt::format("/{} is a soft or external link; expected a dataset", name));
    // libhdf5 decodes the datatype and dataspace messages when it opens a dataset, trusting them.
    if (auto problem = objectHeaderProblem(path_, file_, file_, name))
      fail(fmt::format("/{} cannot be opened: {}; the file is damaged", name, *problem));
    Hid d(H5Dopen2(file_, name, H5P_DEFAULT), H5Dclose);
    if (!d.valid()) fail(fmt::format("/{} is not a dataset (or is damaged)", name));
    return d;
  }

  std::vector<hsize_t> shape(hid_t dset, const char* name) const {
    Hid space(H5Dget_space(dset), H5Sclose);
    if (!space.valid()) fail(fmt::format("{} has no readable dataspace; the file is damaged", name));
    if (H5Sget_simple_extent_type(space) != H5S_SIMPLE) fail(fmt::format("{} must be an array, not a scalar or empty", name));
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 1 || rank > H5S_MAX_RANK) fail(fmt::format("{} has an invalid rank {}", name, rank));
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (H5Sget_simple_extent_dims(space, dims.data(), nullptr) != rank)
      fail(fmt::format("{} has an unreadable shape; the file is damaged", name));
    return dims;
  }

  /// The number of values of `dims`, at most kMaxElements.
  hsize_t elements(const std::vector<hsize_t>& dims, const char* name) const {
    hsize_t n = 1;
    for (hsize_t d : dims) {
      if (d > kMaxElements || n * d > kMaxElements)
        fail(fmt::format("{} has shape {}, more than {} values", name, shapeText(dims), kMaxElements));
      n *= d;
    }
    return n;
  }

  /// Integers of any width, signedness and byte order, converted to int64 by libhdf5 (unsigned
  /// values beyond 2^63 - 1 saturate, and are then out of any model's range).
  std::vector<std::int64_t> readIntegers(hid_t dset, const char* name, const std::vector<hsize_t>& dims) const {
    Hid type(H5Dget_type(dset), H5Tclose);
    if (!type.valid()) fail(fmt::format("{} has an unreadable datatype; the file is damaged", name));
    if (H5Tget_class(type) != H5T_INTEGER)
      fail(fmt::format("{} must hold integers (int64 in the layout; any width or signedness is accepted)", name));
    // libhdf5 trusts the layout message: a storage smaller than the shape would be read past.
    if (auto problem = storageProblem(dset, name, dims)) fail(*problem);
    std::vector<std::int64_t> values(elements(dims, name));
    if (H5Dread(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
      fail(fmt::format("{} cannot be read; the file is damaged or truncated", name));
    return values;
  }

  bool hasAttribute(const char* name) const {
    const htri_t exists = H5Aexists(file_, name);
    if (exists < 0) fail(fmt::format("attribute {} cannot be looked up; the file is damaged", name));
    return exists > 0;
  }

  /// The attribute `name` of /, opened, with its type; `meaning` says what it holds.
  Hid attribute(const char* name, const char* meaning, Hid& type) const {
    if (!hasAttribute(name)) fail(fmt::format("has no attribute {} ({}) on /", name, meaning));
    Hid attr(H5Aopen(file_, name, H5P_DEFAULT), H5Aclose);
    if (!attr.valid()) fail(fmt::format("attribute {} cannot be opened; the file is damaged", name));
    type = Hid(H5Aget_type(attr), H5Tclose);
    if (!type.valid()) fail(fmt::format("attribute {} has an unreadable datatype; the file is damaged", name));
    // One value: a scalar, or a 1-D list of one (as some writers store single values).
    Hid space(H5Aget_space(attr), H5Sclose);
    if (!space.valid()) fail(fmt::format("attribute {} has no readable dataspace; the file is damaged", name));
    const H5S_class_t cls = H5Sget_simple_extent_type(space);
    hsize_t n = 1;
    if (cls != H5S_SCALAR &&
        (cls != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != 1 || H5Sget_simple_extent_dims(space, &n, nullptr) != 1 || n != 1))
      fail(fmt::format("attribute {} ({}) must hold one value (a scalar or a list of one)", name, meaning));
    return attr;
  }

  std::string stringAttribute(const char* name, const char* meaning, std::size_t max_length) const {
    Hid type;
    Hid attr = attribute(name, meaning, type);
    if (H5Tget_class(type) != H5T_STRING) fail(fmt::format("attribute {} ({}) must be a string", name, meaning));
    std::string value;
    const htri_t variable = H5Tis_variable_str(type);
    if (variable < 0) fail(fmt::format("attribute {} has an unreadable string type", name));
    if (variable > 0) {
      // libhdf5 follows the value into the global heap without bounds checks.
      if (auto problem = variableStringProblem(path_, file_, file_, ".", name, max_length))
        fail(fmt::format("attribute {} (a variable-length string) cannot be read: {}; the file is damaged", name, *problem));
      Hid memory(checked(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
      checked(H5Tset_size(memory, H5T_VARIABLE), "H5Tset_size");
      checked(H5Tset_cset(memory, H5Tget_cset(type)), "H5Tset_cset");
      char* text = nullptr;
      if (H5Aread(attr, memory, &text) < 0) fail(fmt::format("attribute {} cannot be read; the file is damaged", name));
      if (text) {
        value.assign(text, strnlen(text, max_length + 1));
        H5free_memory(text);
      }
    } else {
      const std::size_t size = H5Tget_size(type);
      if (size < 1 || size > max_length)
        fail(fmt::format("attribute {} is a string of {} bytes (valid: 1 to {})", name, size, max_length));
      Hid memory(checked(H5Tcopy(type), "H5Tcopy"), H5Tclose);
      std::vector<char> buffer(size + 1, '\0');
      if (H5Aread(attr, memory, buffer.data()) < 0)
        fail(fmt::format("attribute {} cannot be read; the file is damaged", name));
      value.assign(buffer.data(), strnlen(buffer.data(), size));
      if (H5Tget_strpad(type) == H5T_STR_SPACEPAD)
        while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    if (value.size() > max_length) fail(fmt::format("attribute {} is longer than {} bytes", name, max_length));
    return value;
  }

  double betaAttribute() const {
    Hid type;
    Hid attr = attribute("beta", "the experts' temperature", type);
    const H5T_class_t cls = H5Tget_class(type);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) fail("attribute beta (the experts' temperature) must be a number");
    double beta = 0.0;
    if (H5Aread(attr, H5T_NATIVE_DOUBLE, &beta) < 0) fail("attribute beta cannot be read; the file is damaged");
    return beta;
  }

  std::uint64_t seedAttribute() const {
    Hid type;
    Hid attr = attribute("seed", "the seed of the plays", type);
    if (H5Tget_class(type) != H5T_INTEGER) fail("attribute seed must be stored as an integer");
    // Read in its own signedness: libhdf5 would silently clip a negative seed to 0.
    if (H5Tget_sign(type) == H5T_SGN_2) {
      std::int64_t seed = 0;
      if (H5Aread(attr, H5T_NATIVE_INT64, &seed) < 0) fail("attribute seed cannot be read; the file is damaged");
      if (seed < 0) fail(fmt::format("attribute seed = {} (valid: 0 or more)", seed));
      return static_cast<std::uint64_t>(seed);
    }
    std::uint64_t seed = 0;
    if (H5Aread(attr, H5T_NATIVE_UINT64, &seed) < 0) fail("attribute seed cannot be read; the file is damaged");
    return seed;
  }

  std::string path_;
  Hid file_;
};

}  // namespace

void writeDemonstrations(const std::string& path, const Demonstrations& d, MPI_Comm comm) {
  // The same data on every rank: every rank raises the same error.
  if (auto problem = dataProblem(d)) throw InputError(fmt::format("demonstrations for '{}': {}", path, *problem));
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string tmp = temporaryName(path, comm);
  RootError error;
  if (rank == 0) {
    try {
      writeFile(tmp, path, d);
    } catch (const InputError& e) {
      error = {Outcome::kInputError, e.what()};
    } catch (const std::exception& e) {
      error = {Outcome::kInternalError, fmt::format("writing the demonstration file '{}': {}", tmp, e.what())};
    }
    if (error.outcome != Outcome::kOk) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
    }
  }
  agree(comm, error);
  renameOnRoot(tmp, path, comm);
}

Demonstrations readDemonstrations(const std::string& path, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  Demonstrations d;
  RootError error;
  if (rank == 0) {
    try {
      d = Reader(path).read();
    } catch (const InputError& e) {
      error = {Outcome::kInputError, e.what()};
    } catch (const std::bad_alloc&) {
      error = {Outcome::kInputError, fmt::format("demonstration file '{}': too large to read into memory", path)};
    } catch (const std::runtime_error& e) {  // an HDF5 call that failed on a damaged file
      error = {Outcome::kInputError,
               fmt::format("demonstration file '{}': cannot be read ({}); the file is damaged or truncated", path,
                           e.what())};
    } catch (const std::exception& e) {
      error = {Outcome::kInternalError, fmt::format("reading the demonstration file '{}': {}", path, e.what())};
    }
  }
  agree(comm, error);
  broadcastDemonstrations(comm, d);
  return d;
}

void validateDemonstrations(const Demonstrations& d, std::int64_t num_states, std::int64_t num_actions,
                            std::size_t num_types) {
  const auto fail = [&](const std::string& why) {
    throw InputError(fmt::format("demonstrations of model '{}': {}", d.model, why));
  };
  if (auto problem = sizeProblem(d)) fail(*problem);
  for (std::size_t k = 0; k < d.states.size(); ++k)
    if (d.states[k] < 0 || d.states[k] >= num_states)
      fail(fmt::format("/states{} = {} is not a state of the model (valid: 0 to {})",
                       indexText(k, d.agents, d.steps + 1), d.states[k], num_states - 1));
  for (std::size_t k = 0; k < d.actions.size(); ++k)
    if (d.actions[k] < 0 || d.actions[k] >= num_actions)
      fail(fmt::format("/actions{} = {} is not an action of the model (valid: 0 to {})",
                       indexText(k, d.agents, d.steps), d.actions[k], num_actions - 1));
  if (num_types == 0) return;  // the types are not known: any label is fine
  for (std::size_t p = 0; p < d.type.size(); ++p)
    if (d.type[p] < 0 || static_cast<std::size_t>(d.type[p]) >= num_types)
      fail(fmt::format("/type[{}] = {} is not one of the {} types (valid: 0 to {})", p, d.type[p], num_types,
                       num_types - 1));
}

}  // namespace mfg::io
