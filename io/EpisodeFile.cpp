#include "io/EpisodeFile.hpp"

#include <fmt/core.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>

#include "io/Hdf5.hpp"
#include "io/Hdf5Guards.hpp"
#include "io/RootAgreement.hpp"
#include "io/ResultFile.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::io {

namespace {

using games::EpisodeData;

// Bounds on what a file may ask the reader to allocate. A dataset holds at most 2^31 values, and
// all of them together may not decode to more than the file could hold: deflate expands at most
// about 1032-fold, and a floor of 256 MiB leaves room for small files with unwritten chunks.
constexpr hsize_t kMaxElements = hsize_t{1} << 31;
constexpr double kMaxExpansion = 1100.0;
constexpr double kMinDecodedBytes = 256.0 * 1024 * 1024;
constexpr hsize_t kMaxPlayers = 1 << 20;
constexpr int kMaxActions = 1000000;  // as EpisodeData::check
constexpr std::size_t kMaxString = 4096;
constexpr std::int64_t kNotInteger = std::numeric_limits<std::int64_t>::min();  // a float that is not a whole number

std::string shapeText(const std::vector<hsize_t>& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
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

/// A 1-D integer attribute, also for one value (writeAttribute stores one value as a scalar).
void writeIntegerList(hid_t object, const char* name, const std::vector<std::int64_t>& values) {
  const hsize_t n = values.size();
  Hid space(checked(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"), H5Sclose);
  Hid attr(checked(H5Acreate2(object, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), name), H5Aclose);
  checked(H5Awrite(attr, H5T_NATIVE_INT64, values.data()), name);
}

void writeFile(const std::string& tmp, const std::string& path, const EpisodeData& data,
               const EpisodeProvenance& provenance) {
  Hid file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid())
    throw InputError(fmt::format("cannot create the episode file '{}' (through '{}'): does its directory exist and is it "
                                 "writable?", path, tmp));
  const auto E = static_cast<hsize_t>(data.episodes), T = static_cast<hsize_t>(data.steps),
             N = static_cast<hsize_t>(data.players);
  std::vector<hsize_t> obs{E, T + 1};
  for (auto d : data.observation_shape) obs.push_back(static_cast<hsize_t>(d));
  writeDataset(file, "/observations", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, obs, data.observations.data());
  writeDataset(file, "/actions", H5T_STD_I32LE, H5T_NATIVE_INT32, {E, T, N}, data.actions.data());
  writeDataset(file, "/rewards", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {E, T, N}, data.rewards.data());
  writeDataset(file, "/terminated", H5T_STD_U8LE, H5T_NATIVE_UINT8, {E, T}, data.terminated.data());
  writeDataset(file, "/filled", H5T_STD_U8LE, H5T_NATIVE_UINT8, {E, T}, data.filled.data());
  writeAttribute(file, "game", data.game);
  writeAttribute(file, "players", std::vector<std::int64_t>{data.players});
  writeIntegerList(file, "actions", std::vector<std::int64_t>(data.action_counts.begin(), data.action_counts.end()));
  if (!provenance.kind.empty()) writeAttribute(file, "kind", provenance.kind);
  if (provenance.seed) {
    Hid space(checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
    Hid attr(checked(H5Acreate2(file, "seed", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT), "seed"), H5Aclose);
    const std::uint64_t seed = *provenance.seed;
    checked(H5Awrite(attr, H5T_NATIVE_UINT64, &seed), "seed");
  }
  checked(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush");
}

// ---------------------------------------------------------------------------------------------
// Agreement: only rank 0 touches the file; its outcome is broadcast.


void broadcastEpisodes(MPI_Comm comm, EpisodeData& d) {
  broadcastString(comm, d.game);
  int sizes[3] = {d.episodes, d.steps, d.players};
  MPI_Bcast(sizes, 3, MPI_INT, 0, comm);
  d.episodes = sizes[0];
  d.steps = sizes[1];
  d.players = sizes[2];
  broadcastVector(comm, d.action_counts);
  broadcastVector(comm, d.observation_shape);
  broadcastVector(comm, d.observations);
  broadcastVector(comm, d.actions);
  broadcastVector(comm, d.rewards);
  broadcastVector(comm, d.terminated);
  broadcastVector(comm, d.filled);
}

// ---------------------------------------------------------------------------------------------
// Reading (rank 0)

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(fmt::format("episode file '{}': {}", path_, why));
  }

  EpisodeData read() {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec)) fail("no such file");
    const auto file_bytes = std::filesystem::file_size(path_, ec);
    if (ec) fail("cannot be read (" + ec.message() + ")");
    if (H5Fis_hdf5(path_.c_str()) <= 0) fail("not an HDF5 file");
    // Through the MPI-IO driver, as policy files are read: it keeps no metadata accumulator,
    // whose reads libhdf5 1.10 gets wrong on some damaged files.
    file_ = openParallel(path_, MPI_COMM_SELF, false);
    if (!file_.valid()) fail("cannot be opened as HDF5 (damaged or truncated)");
    // libhdf5 decodes every attribute message of / when one is looked up, trusting their sizes.
    if (auto problem = objectHeaderProblem(path_, file_, file_, "."))
      fail("the attributes of / cannot be read: " + *problem + "; the file is damaged");

    EpisodeData data;
    // Attributes of /.
    const auto players = integerAttribute("players", "the number of players", 1);
    if (players.size() != 1)
      fail(fmt::format("attribute players holds {} values; expected one integer", players.size()));
    if (players[0] < 1 || static_cast<hsize_t>(players[0]) > kMaxPlayers)
      fail(fmt::format("attribute players = {} (valid: 1 to {})", players[0], kMaxPlayers));
    data.players = static_cast<int>(players[0]);
    const auto counts = integerAttribute("actions", "the number of actions of each player", kMaxPlayers);
    if (counts.size() != static_cast<std::size_t>(data.players))
      fail(fmt::format("attribute actions holds {} values; expected one per player (players = {})", counts.size(),
                       data.players));
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] < 1 || counts[i] > kMaxActions)
        fail(fmt::format("attribute actions[{}] = {} (valid: 1 to {})", i, counts[i], kMaxActions));
      data.action_counts.push_back(static_cast<int>(counts[i]));
    }
    data.game = stringAttribute("game");

    // Shapes.
    Hid actions = dataset("actions"), observations = dataset("observations"), rewards = dataset("rewards"),
        terminated = dataset("terminated"), filled = dataset("filled");
    const auto a_dims = shape(actions, "/actions");
    if (a_dims.size() != 3 || a_dims[2] != static_cast<hsize_t>(data.players))
      fail(fmt::format("/actions has shape {}; expected [E, T, N] with N = {} (attribute players)", shapeText(a_dims),
                       data.players));
    const hsize_t E = a_dims[0], T = a_dims[1];
    if (E < 1 || T < 1) fail(fmt::format("/actions has shape {}; expected at least one episode and one step", shapeText(a_dims)));
    if (E > static_cast<hsize_t>(std::numeric_limits<int>::max()) ||
        T >= static_cast<hsize_t>(std::numeric_limits<int>::max()))
      fail(fmt::format("/actions has shape {}, more episodes or steps than supported (2^31 - 1)", shapeText(a_dims)));
    data.episodes = static_cast<int>(E);
    data.steps = static_cast<int>(T);
    const std::vector<hsize_t> step_dims{E, T}, player_dims{E, T, a_dims[2]};
    const auto o_dims = shape(observations, "/observations");
    if (o_dims.size() < 3 || o_dims[0] != E || o_dims[1] != T + 1)
      fail(fmt::format("/observations has shape {}; expected [E, T+1, obs...] = [{}, {}, ...] with at least one "
                       "observation dimension", shapeText(o_dims), E, T + 1));
    const hsize_t obs_count = elements(o_dims, "/observations");
    for (std::size_t k = 2; k < o_dims.size(); ++k) {
      if (o_dims[k] < 1) fail(fmt::format("/observations has shape {}; observation dimensions must be positive", shapeText(o_dims)));
      data.observation_shape.push_back(static_cast<std::int64_t>(o_dims[k]));
    }
    const auto r_dims = shape(rewards, "/rewards");
    if (r_dims != player_dims)
      fail(fmt::format("/rewards has shape {}; expected [E, T, N] = {}", shapeText(r_dims), shapeText(player_dims)));
    for (auto [d, name] : {std::pair{&terminated, "/terminated"}, std::pair{&filled, "/filled"}}) {
      const auto dims = shape(*d, name);
      if (dims != step_dims)
        fail(fmt::format("{} has shape {}; expected [E, T] = {}", name, shapeText(dims), shapeText(step_dims)));
    }

    // Sizes, before anything is allocated.
    const hsize_t step_count = elements(step_dims, "/filled");
    const hsize_t player_count = elements(player_dims, "/actions");
    const double decoded = 4.0 * static_cast<double>(obs_count) + 16.0 * static_cast<double>(player_count) +
                           18.0 * static_cast<double>(step_count);
    if (decoded > std::max(kMinDecodedBytes, kMaxExpansion * static_cast<double>(file_bytes)))
      fail(fmt::format("declares {} values in {} bytes, more than the file could hold; the file is damaged",
                       obs_count + 2 * player_count + 2 * step_count, file_bytes));

    // Values.
    data.observations = readFloats(observations, "/observations", o_dims);
    data.rewards = readFloats(rewards, "/rewards", player_dims);
    const auto filled_raw = readIntegers(filled, "/filled", step_dims);
    const auto terminated_raw = readIntegers(terminated, "/terminated", step_dims);
    const auto actions_raw = readIntegers(actions, "/actions", player_dims);
    data.filled.resize(step_count);
    data.terminated.resize(step_count);
    data.actions.assign(player_count, 0);
    for (int e = 0; e < data.episodes; ++e) {
      int ended_at = -1;  // the first unfilled or terminal step
      for (int t = 0; t < data.steps; ++t) {
        const std::size_t k = data.stepIndex(e, t);
        for (auto [raw, name] : {std::pair{&filled_raw, "/filled"}, std::pair{&terminated_raw, "/terminated"}})
          if ((*raw)[k] != 0 && (*raw)[k] != 1)
            fail(fmt::format("{}[{}, {}] = {} (valid: 0 or 1)", name, e, t, valueText((*raw)[k])));
        data.filled[k] = static_cast<std::uint8_t>(filled_raw[k]);
        data.terminated[k] = static_cast<std::uint8_t>(terminated_raw[k]);
        if (!data.filled[k]) {
          if (data.terminated[k])
            fail(fmt::format("/terminated[{}, {}] = 1 on a step that /filled marks as not filled", e, t));
          if (ended_at < 0) ended_at = t;
          continue;
        }
        if (ended_at >= 0)
          fail(fmt::format("/filled[{}, {}] = 1 after the end of episode {} at step {} ({}); filled steps must come "
                           "first and end with the terminal step", e, t, e, ended_at,
                           data.filled[data.stepIndex(e, ended_at)] ? "terminated" : "not filled"));
        if (data.terminated[k]) ended_at = t;
        for (int i = 0; i < data.players; ++i) {
          const std::int64_t a = actions_raw[k * data.players + i];
          if (a < 0 || a >= data.action_counts[i])
            fail(fmt::format("/actions[{}, {}, {}] = {} on a filled step (valid for player {}: 0 to {})", e, t, i,
                             valueText(a), i, data.action_counts[i] - 1));
          data.actions[k * data.players + i] = static_cast<std::int32_t>(a);
          if (!std::isfinite(data.rewards[k * data.players + i]))
            fail(fmt::format("/rewards[{}, {}, {}] = {} on a filled step (valid: finite; float32)", e, t, i,
                             data.rewards[k * data.players + i]));
        }
      }
    }
    try {
      data.check();
    } catch (const InputError& e) {
      fail(e.what());
    }
    return data;
  }

 private:
  static std::string valueText(std::int64_t v) { return v == kNotInteger ? "a non-integer" : std::to_string(v); }

  Hid dataset(const char* name) {
    const htri_t exists = H5Lexists(file_, name, H5P_DEFAULT);
    if (exists <= 0)
      fail(fmt::format("has no dataset /{} (the layout: /observations [E, T+1, obs...], /actions [E, T, N], "
                       "/rewards [E, T, N], /terminated [E, T], /filled [E, T])", name));
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

  H5T_class_t typeClass(hid_t dset, const char* name, Hid& type) const {
    type = Hid(H5Dget_type(dset), H5Tclose);
    if (!type.valid()) fail(fmt::format("{} has an unreadable datatype; the file is damaged", name));
    return H5Tget_class(type);
  }

  void checkStorage(hid_t dset, const char* name, const std::vector<hsize_t>& dims) const {
    if (auto problem = storageProblem(dset, name, dims)) fail(*problem);
  }

  void readInto(hid_t dset, const char* name, hid_t memory_type, void* buffer) const {
    if (H5Dread(dset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer) < 0)
      fail(fmt::format("{} cannot be read; the file is damaged or truncated", name));
  }

  std::vector<float> readFloats(hid_t dset, const char* name, const std::vector<hsize_t>& dims) const {
    Hid type;
    const H5T_class_t cls = typeClass(dset, name, type);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
      fail(fmt::format("{} must hold numbers (float32 in the layout; any float or integer type is converted)", name));
    checkStorage(dset, name, dims);
    std::vector<float> values(elements(dims, name));
    readInto(dset, name, H5T_NATIVE_FLOAT, values.data());
    return values;
  }

  /// Integers of any width, enums over integers (h5py's booleans) and floats holding whole numbers
  /// (others become kNotInteger).
  std::vector<std::int64_t> readIntegers(hid_t dset, const char* name, const std::vector<hsize_t>& dims) const {
    Hid type;
    const H5T_class_t cls = typeClass(dset, name, type);
    const std::size_t n = elements(dims, name);
    std::vector<std::int64_t> values(n);
    if (cls == H5T_INTEGER) {
      checkStorage(dset, name, dims);
      readInto(dset, name, H5T_NATIVE_INT64, values.data());
    } else if (cls == H5T_FLOAT) {
      checkStorage(dset, name, dims);
      std::vector<double> raw(n);
      readInto(dset, name, H5T_NATIVE_DOUBLE, raw.data());
      for (std::size_t k = 0; k < n; ++k)
        values[k] = std::isfinite(raw[k]) && std::floor(raw[k]) == raw[k] && std::abs(raw[k]) < 9.0e15
                        ? static_cast<std::int64_t>(raw[k])
                        : kNotInteger;
    } else if (cls == H5T_ENUM) {
      Hid native(H5Tget_native_type(type, H5T_DIR_ASCEND), H5Tclose);
      if (!native.valid()) fail(fmt::format("{} has an enum type that cannot be read", name));
      Hid base(H5Tget_super(native), H5Tclose);
      const std::size_t width = base.valid() ? H5Tget_size(base) : 0;
      if (!base.valid() || H5Tget_class(base) != H5T_INTEGER || (width != 1 && width != 2 && width != 4 && width != 8))
        fail(fmt::format("{} has an enum type over something other than an integer of 1, 2, 4 or 8 bytes", name));
      const bool is_signed = H5Tget_sign(base) == H5T_SGN_2;
      checkStorage(dset, name, dims);
      std::vector<unsigned char> raw(n * width);
      readInto(dset, name, native, raw.data());
      for (std::size_t k = 0; k < n; ++k) {
        const unsigned char* p = raw.data() + k * width;
        std::int64_t v = 0;
        switch (width) {
          case 1: { std::int8_t s; std::uint8_t u; std::memcpy(&s, p, 1); std::memcpy(&u, p, 1); v = is_signed ? s : u; break; }
          case 2: { std::int16_t s; std::uint16_t u; std::memcpy(&s, p, 2); std::memcpy(&u, p, 2); v = is_signed ? s : u; break; }
          case 4: { std::int32_t s; std::uint32_t u; std::memcpy(&s, p, 4); std::memcpy(&u, p, 4); v = is_signed ? s : static_cast<std::int64_t>(u); break; }
          default: {
            std::int64_t s; std::uint64_t u; std::memcpy(&s, p, 8); std::memcpy(&u, p, 8);
            v = is_signed ? s : static_cast<std::int64_t>(std::min<std::uint64_t>(u, std::numeric_limits<std::int64_t>::max()));
          }
        }
        values[k] = v;
      }
    } else {
      fail(fmt::format("{} must hold integers (any width; floats holding whole numbers and booleans are accepted)", name));
    }
    return values;
  }

  Hid attribute(const char* name, const char* meaning) const {
    const htri_t exists = H5Aexists(file_, name);
    if (exists <= 0) fail(fmt::format("has no attribute {} ({}) on /", name, meaning));
    Hid attr(H5Aopen(file_, name, H5P_DEFAULT), H5Aclose);
    if (!attr.valid()) fail(fmt::format("attribute {} cannot be opened; the file is damaged", name));
    return attr;
  }

  /// A scalar or 1-D attribute: its number of values (at most `max_count`).
  hsize_t attributeCount(hid_t attr, const char* name, hsize_t max_count) const {
    Hid space(H5Aget_space(attr), H5Sclose);
    if (!space.valid()) fail(fmt::format("attribute {} has no readable dataspace; the file is damaged", name));
    const H5S_class_t cls = H5Sget_simple_extent_type(space);
    if (cls == H5S_SCALAR) return 1;
    if (cls != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != 1)
      fail(fmt::format("attribute {} must be a scalar or a 1-D list", name));
    hsize_t n = 0;
    if (H5Sget_simple_extent_dims(space, &n, nullptr) != 1) fail(fmt::format("attribute {} has an unreadable shape", name));
    if (n > max_count) fail(fmt::format("attribute {} holds {} values, more than {}", name, n, max_count));
    return n;
  }

  std::vector<std::int64_t> integerAttribute(const char* name, const char* meaning, hsize_t max_count) const {
    Hid attr = attribute(name, meaning);
    Hid type(H5Aget_type(attr), H5Tclose);
    if (!type.valid() || H5Tget_class(type) != H5T_INTEGER)
      fail(fmt::format("attribute {} ({}) must be stored as an integer", name, meaning));
    std::vector<std::int64_t> values(attributeCount(attr, name, max_count));
    if (values.empty()) return values;
    if (H5Aread(attr, H5T_NATIVE_INT64, values.data()) < 0)
      fail(fmt::format("attribute {} cannot be read; the file is damaged", name));
    return values;
  }

  std::string stringAttribute(const char* name) const {
    Hid attr = attribute(name, "the game's name, a string");
    Hid type(H5Aget_type(attr), H5Tclose);
    if (!type.valid() || H5Tget_class(type) != H5T_STRING)
      fail(fmt::format("attribute {} (the game's name) must be a string", name));
    if (attributeCount(attr, name, 1) != 1) fail(fmt::format("attribute {} must hold one string", name));
    std::string value;
    const htri_t variable = H5Tis_variable_str(type);
    if (variable < 0) fail(fmt::format("attribute {} has an unreadable string type", name));
    if (variable > 0) {
      if (auto problem = variableStringProblem(path_, file_, file_, ".", name, kMaxString))
        fail(fmt::format("attribute {} (a variable-length string) cannot be read: {}; the file is damaged", name, *problem));
      Hid memory(checked(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
      checked(H5Tset_size(memory, H5T_VARIABLE), "H5Tset_size");
      checked(H5Tset_cset(memory, H5Tget_cset(type)), "H5Tset_cset");
      char* text = nullptr;
      if (H5Aread(attr, memory, &text) < 0) fail(fmt::format("attribute {} cannot be read; the file is damaged", name));
      if (text) {
        value.assign(text, strnlen(text, kMaxString + 1));
        H5free_memory(text);
      }
    } else {
      const std::size_t size = H5Tget_size(type);
      if (size < 1 || size > kMaxString)
        fail(fmt::format("attribute {} is a string of {} bytes (valid: 1 to {})", name, size, kMaxString));
      Hid memory(checked(H5Tcopy(type), "H5Tcopy"), H5Tclose);
      std::vector<char> buffer(size + 1, '\0');
      if (H5Aread(attr, memory, buffer.data()) < 0)
        fail(fmt::format("attribute {} cannot be read; the file is damaged", name));
      value.assign(buffer.data(), strnlen(buffer.data(), size));
      if (H5Tget_strpad(type) == H5T_STR_SPACEPAD)
        while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    if (value.size() > kMaxString) fail(fmt::format("attribute {} is longer than {} bytes", name, kMaxString));
    if (value.empty()) fail(fmt::format("attribute {} (the game's name) is empty", name));
    return value;
  }

  std::string path_;
  Hid file_;
};

}  // namespace

void writeEpisodes(const std::string& path, const EpisodeData& data, MPI_Comm comm,
                   const EpisodeProvenance& provenance) {
  data.check();  // the same data on every rank: every rank raises the same error
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string tmp = temporaryName(path, comm);
  RootError error;
  if (rank == 0) {
    try {
      writeFile(tmp, path, data, provenance);
    } catch (const InputError& e) {
      error = {Outcome::kInputError, e.what()};
    } catch (const std::exception& e) {
      error = {Outcome::kInternalError, fmt::format("writing the episode file '{}': {}", tmp, e.what())};
    }
    if (error.outcome != Outcome::kOk) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
    }
  }
  agree(comm, error);
  renameOnRoot(tmp, path, comm);
}

EpisodeData readEpisodes(const std::string& path, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  EpisodeData data;
  RootError error;
  if (rank == 0) {
    try {
      data = Reader(path).read();
    } catch (const InputError& e) {
      error = {Outcome::kInputError, e.what()};
    } catch (const std::bad_alloc&) {
      error = {Outcome::kInputError, fmt::format("episode file '{}': too large to read into memory", path)};
    } catch (const std::runtime_error& e) {  // an HDF5 call that failed on a damaged file
      error = {Outcome::kInputError,
               fmt::format("episode file '{}': cannot be read ({}); the file is damaged or truncated", path, e.what())};
    } catch (const std::exception& e) {
      error = {Outcome::kInternalError, fmt::format("reading the episode file '{}': {}", path, e.what())};
    }
  }
  agree(comm, error);
  broadcastEpisodes(comm, data);
  return data;
}

}  // namespace mfg::io
