#pragma once
// Episode files written with raw HDF5 calls, as external tools (h5py, other projects) write them:
// the binding layout of docs/formats.md with any element types, and the ways to get it wrong.
#include <hdf5.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace episodetest {

struct RawEpisodes {
  std::vector<hsize_t> observation_dims, action_dims, reward_dims, terminated_dims, filled_dims;
  std::vector<double> observations, rewards;
  std::vector<long long> actions, terminated, filled;
  std::string game = "external/three_player";
  std::vector<long long> players{3};
  std::vector<long long> action_counts{2, 3, 4};
  hid_t action_type = H5T_STD_I64LE;    ///< file type of /actions (an integer or float type)
  hid_t float_type = H5T_IEEE_F32LE;    ///< of /observations and /rewards
  hid_t flag_type = H5T_STD_U8LE;       ///< of /terminated and /filled, unless flags_as_enum
  hid_t count_type = H5T_STD_I64LE;     ///< of the attributes players and actions
  bool flags_as_enum = false;           ///< h5py's booleans: an enum over int8 {FALSE = 0, TRUE = 1}
  bool vlen_game = false;               ///< game as a variable-length string (h5py's default)
  bool players_as_list = false;         ///< players as a 1-D attribute of one value
  bool chunked = false;                 ///< chunked and deflated datasets
  bool latest_format = false;
  std::set<std::string> omit;           ///< datasets ("/filled") and attributes ("players") left out
};

// The sample: 4 episodes, T = 5, 3 players with 2, 3 and 4 actions, observations of shape [2, 3].
// Episode 0 runs 5 steps (truncated), episode 1 ends on step 2 (terminated), episode 2 has one step
// (truncated), episode 3 ends on step 4. Padding holds junk the reader must ignore (action 99).
constexpr int kE = 4, kT = 5, kN = 3;
inline const int kLength[kE] = {5, 3, 1, 5};
inline const bool kTerminated[kE] = {false, true, false, true};

inline double sampleObservation(int e, int t, int i, int j) { return e * 1000.0 + t * 10.0 + i * 3 + j + 0.5; }
inline long long sampleAction(int e, int t, int p) { return (e + 2 * t + p) % (p + 2); }
inline double sampleReward(int e, int t, int p) { return 0.5 * e - 0.25 * t + p; }

inline RawEpisodes sampleEpisodes() {
  RawEpisodes r;
  r.observation_dims = {kE, kT + 1, 2, 3};
  r.action_dims = r.reward_dims = {kE, kT, kN};
  r.terminated_dims = r.filled_dims = {kE, kT};
  for (int e = 0; e < kE; ++e) {
    for (int t = 0; t <= kT; ++t)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) r.observations.push_back(sampleObservation(e, t, i, j));
    for (int t = 0; t < kT; ++t) {
      const bool real = t < kLength[e];
      r.filled.push_back(real ? 1 : 0);
      r.terminated.push_back(real && kTerminated[e] && t == kLength[e] - 1 ? 1 : 0);
      for (int p = 0; p < kN; ++p) {
        r.actions.push_back(real ? sampleAction(e, t, p) : 99);
        r.rewards.push_back(real ? sampleReward(e, t, p) : 0.0);
      }
    }
  }
  return r;
}

namespace detail {

inline hid_t datasetCreation(const RawEpisodes& r, const std::vector<hsize_t>& dims) {
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (r.chunked && !dims.empty()) {
    std::vector<hsize_t> chunk(dims);
    chunk[0] = 1;
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(dcpl, 4);
  }
  return dcpl;
}

template <class T>
void write(hid_t file, const RawEpisodes& r, const char* name, hid_t file_type, hid_t memory_type,
           const std::vector<hsize_t>& dims, const std::vector<T>& values) {
  if (r.omit.count(name)) return;
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = datasetCreation(r, dims);
  const hid_t d = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Dwrite(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
}

inline void writeFlags(hid_t file, const RawEpisodes& r, const char* name, const std::vector<hsize_t>& dims,
                       const std::vector<long long>& values) {
  if (!r.flags_as_enum) return write(file, r, name, r.flag_type, H5T_NATIVE_LLONG, dims, values);
  const hid_t type = H5Tenum_create(H5T_NATIVE_INT8);
  signed char no = 0, yes = 1;
  H5Tenum_insert(type, "FALSE", &no);
  H5Tenum_insert(type, "TRUE", &yes);
  std::vector<signed char> bytes(values.begin(), values.end());
  write(file, r, name, type, type, dims, bytes);
  H5Tclose(type);
}

inline void integerAttribute(hid_t file, const RawEpisodes& r, const char* name, const std::vector<long long>& values,
                             bool as_list) {
  if (r.omit.count(name)) return;
  const hsize_t n = values.size();
  const hid_t space = as_list ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(file, name, r.count_type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, values.data());
  H5Aclose(a);
  H5Sclose(space);
}

}  // namespace detail

inline void writeRaw(const std::filesystem::path& path, const RawEpisodes& r) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (r.latest_format) H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  detail::write(f, r, "/observations", r.float_type, H5T_NATIVE_DOUBLE, r.observation_dims, r.observations);
  detail::write(f, r, "/actions", r.action_type, H5T_NATIVE_LLONG, r.action_dims, r.actions);
  detail::write(f, r, "/rewards", r.float_type, H5T_NATIVE_DOUBLE, r.reward_dims, r.rewards);
  detail::writeFlags(f, r, "/terminated", r.terminated_dims, r.terminated);
  detail::writeFlags(f, r, "/filled", r.filled_dims, r.filled);
  detail::integerAttribute(f, r, "players", r.players, r.players_as_list || r.players.size() != 1);
  detail::integerAttribute(f, r, "actions", r.action_counts, true);
  if (!r.omit.count("game")) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, r.vlen_game ? H5T_VARIABLE : r.game.size());
    H5Tset_cset(type, H5T_CSET_UTF8);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, "game", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = r.game.c_str();
    if (r.vlen_game) H5Awrite(a, type, &text);
    else H5Awrite(a, type, r.game.data());
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
  }
  H5Fclose(f);
}

/// Adds a dataset of doubles to an existing file (for what RawEpisodes cannot express).
inline void addDataset(const std::filesystem::path& path, const char* name, hid_t file_type,
                       const std::vector<hsize_t>& dims, const std::vector<double>& values) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  RawEpisodes plain;
  detail::write(f, plain, name, file_type, H5T_NATIVE_DOUBLE, dims, values);
  H5Fclose(f);
}

}  // namespace episodetest
