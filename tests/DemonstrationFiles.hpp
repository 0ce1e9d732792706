#pragma once
// Demonstration files written with raw HDF5 calls, as external tools (h5py, other projects) write
// them: the binding layout of docs/formats.md with any element types, optional parts left out,
// and the ways to get it wrong.
#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace demotest {

struct RawDemonstrations {
  std::vector<hsize_t> state_dims, action_dims, type_dims;
  std::vector<long long> states, actions, type;
  std::string model = "beach_bar";
  std::string parameters = R"({"n": 11, "bar": 5})";
  std::string types = R"([{"k": 0.2}, {"k": 0.4, "l": 0.5}])";
  std::vector<double> beta{0.5};          ///< one value, or several (a wrong list)
  std::vector<long long> seed{7};
  hid_t state_type = H5T_STD_I64LE;       ///< file type of /states (any integer type, or a wrong one)
  hid_t action_type = H5T_STD_I64LE;
  hid_t type_type = H5T_STD_I32LE;
  hid_t beta_type = H5T_IEEE_F64LE;
  hid_t seed_type = H5T_STD_I64LE;
  bool vlen_strings = false;              ///< h5py's default for str attributes
  bool single_values_as_lists = false;    ///< beta and seed as 1-D attributes of one value
  bool chunked = false;                   ///< chunked and deflated datasets
  bool latest_format = false;
  std::set<std::string> omit;             ///< datasets ("/type") and attributes ("beta") left out
};

// The sample: P = 3 plays of N = 4 agents over T = 5 steps, states in 0..10, actions in 0..2, the
// type of play p is p % 2.
constexpr int kP = 3, kN = 4, kT = 5;
inline long long sampleState(int p, int i, int t) { return (p * 7 + i * 3 + t) % 11; }
inline long long sampleAction(int p, int i, int t) { return (p + i + 2 * t) % 3; }

inline RawDemonstrations sampleDemonstrations() {
  RawDemonstrations r;
  r.state_dims = {kP, kN, kT + 1};
  r.action_dims = {kP, kN, kT};
  r.type_dims = {kP};
  for (int p = 0; p < kP; ++p) {
    for (int i = 0; i < kN; ++i) {
      for (int t = 0; t <= kT; ++t) r.states.push_back(sampleState(p, i, t));
      for (int t = 0; t < kT; ++t) r.actions.push_back(sampleAction(p, i, t));
    }
    r.type.push_back(p % 2);
  }
  return r;
}

namespace detail {

inline void write(hid_t file, const RawDemonstrations& r, const char* name, hid_t file_type,
                  const std::vector<hsize_t>& dims, const std::vector<long long>& values) {
  if (r.omit.count(name)) return;
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (r.chunked) {
    std::vector<hsize_t> chunk(dims);
    chunk[0] = 1;
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(dcpl, 4);
  }
  const hid_t d = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  // A string type cannot take integers: such a dataset is left unwritten (fill values).
  if (H5Tget_class(file_type) != H5T_STRING) H5Dwrite(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
}

inline void stringAttribute(hid_t file, const RawDemonstrations& r, const char* name, const std::string& value) {
  if (r.omit.count(name)) return;
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, r.vlen_strings ? H5T_VARIABLE : std::max<std::size_t>(value.size(), 1));
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* text = value.c_str();
  if (r.vlen_strings) H5Awrite(a, type, &text);
  else H5Awrite(a, type, value.empty() ? "" : value.data());
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

template <class T>
void numberAttribute(hid_t file, const RawDemonstrations& r, const char* name, hid_t file_type, hid_t memory_type,
                     const std::vector<T>& values) {
  if (r.omit.count(name)) return;
  const hsize_t n = values.size();
  const bool list = r.single_values_as_lists || values.size() != 1;
  const hid_t space = list ? H5Screate_simple(1, &n, nullptr) : H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate2(file, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (H5Tget_class(file_type) != H5T_STRING) H5Awrite(a, memory_type, values.data());
  H5Aclose(a);
  H5Sclose(space);
}

}  // namespace detail

inline void writeRaw(const std::filesystem::path& path, const RawDemonstrations& r) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (r.latest_format) H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  detail::write(f, r, "/states", r.state_type, r.state_dims, r.states);
  detail::write(f, r, "/actions", r.action_type, r.action_dims, r.actions);
  detail::write(f, r, "/type", r.type_type, r.type_dims, r.type);
  detail::stringAttribute(f, r, "model", r.model);
  detail::stringAttribute(f, r, "parameters", r.parameters);
  detail::stringAttribute(f, r, "types", r.types);
  detail::numberAttribute(f, r, "beta", r.beta_type, H5T_NATIVE_DOUBLE, r.beta);
  detail::numberAttribute(f, r, "seed", r.seed_type, H5T_NATIVE_LLONG, r.seed);
  H5Fclose(f);
}

}  // namespace demotest
