#include "io/Hdf5.hpp"

#include <functional>
#include <numeric>
#include <stdexcept>

namespace mfg::io {

hid_t checked(hid_t id, const char* what) {
  if (id < 0) throw std::runtime_error(std::string("HDF5: ") + what + " failed");
  return id;
}

Hid openParallel(const std::string& path, MPI_Comm comm, bool create) {
  Hid fapl(checked(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose);
  checked(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  const hid_t id = create ? H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl)
                          : H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  return Hid(id, H5Fclose);  // invalid when the file cannot be opened; callers report it
}

namespace {

// Adds to the selection the flattened range [lo, hi) of an array of shape dims[d..], at the
// coordinates `prefix` for the dimensions before d.
void selectRange(hid_t space, const std::vector<hsize_t>& dims, std::size_t d,
                 std::vector<hsize_t>& prefix, hsize_t lo, hsize_t hi) {
  if (lo >= hi) return;
  const std::size_t rank = dims.size();
  if (d + 1 == rank) {
    std::vector<hsize_t> start(prefix), count(rank, 1);
    start.push_back(lo);
    count[d] = hi - lo;
    checked(H5Sselect_hyperslab(space, H5S_SELECT_OR, start.data(), nullptr, count.data(), nullptr),
            "H5Sselect_hyperslab");
    return;
  }
  const hsize_t inner = std::accumulate(dims.begin() + d + 1, dims.end(), hsize_t{1}, std::multiplies<>());
  hsize_t first = lo / inner;
  const hsize_t last = (hi - 1) / inner;
  const auto recurse = [&](hsize_t i, hsize_t a, hsize_t b) {
    prefix.push_back(i);
    selectRange(space, dims, d + 1, prefix, a, b);
    prefix.pop_back();
  };
  if (first == last) {
    recurse(first, lo - first * inner, hi - first * inner);
    return;
  }
  if (lo % inner != 0) recurse(first++, lo % inner, inner);
  const hsize_t full_end = hi / inner;  // whole sub-blocks [first, full_end)
  if (full_end > first) {
    std::vector<hsize_t> start(prefix), count(rank, 1);
    start.push_back(first);
    start.resize(rank, 0);
    count[d] = full_end - first;
    for (std::size_t k = d + 1; k < rank; ++k) count[k] = dims[k];
    checked(H5Sselect_hyperslab(space, H5S_SELECT_OR, start.data(), nullptr, count.data(), nullptr),
            "H5Sselect_hyperslab");
  }
  if (hi % inner != 0) recurse(full_end, 0, hi % inner);
}

}  // namespace

void selectBlockRange(hid_t space, const std::vector<hsize_t>& dims, hsize_t lo, hsize_t hi) {
  checked(H5Sselect_none(space), "H5Sselect_none");
  std::vector<hsize_t> prefix;
  for (hsize_t outer = 0; outer < dims[0]; ++outer) {
    prefix.assign(1, outer);
    if (dims.size() == 1) throw std::logic_error("selectBlockRange needs an outer dimension");
    selectRange(space, dims, 1, prefix, lo, hi);
  }
}

namespace {

Hid transferCollective() {
  Hid dxpl(checked(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"), H5Pclose);
  checked(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  return dxpl;
}

Hid memorySpace(std::size_t n) {
  const hsize_t count = n;
  Hid mem(checked(H5Screate_simple(1, &count, nullptr), "H5Screate_simple"), H5Sclose);
  if (n == 0) checked(H5Sselect_none(mem), "H5Sselect_none");
  return mem;
}

}  // namespace

void writeDistributed(hid_t file, const std::string& name, const std::vector<hsize_t>& dims,
                      hsize_t lo, hsize_t hi, const std::vector<double>& local) {
  Hid space(checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple"),
            H5Sclose);
  Hid dset(checked(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   ("H5Dcreate2 " + name).c_str()),
           H5Dclose);
  selectBlockRange(space, dims, lo, hi);
  Hid mem = memorySpace(local.size());
  Hid dxpl = transferCollective();
  const double dummy = 0.0;
  checked(H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, dxpl, local.empty() ? &dummy : local.data()),
          ("H5Dwrite " + name).c_str());
}

void readDistributed(hid_t dataset, const std::vector<hsize_t>& dims, hsize_t lo, hsize_t hi,
                     std::vector<double>& local) {
  Hid space(checked(H5Dget_space(dataset), "H5Dget_space"), H5Sclose);
  selectBlockRange(space, dims, lo, hi);
  local.assign(dims[0] * (hi - lo), 0.0);
  Hid mem = memorySpace(local.size());
  // Independent I/O: a damaged chunk then fails only the ranks that read it, which report it through
  // the caller's error agreement, instead of leaving the others inside a collective read.
  double dummy = 0.0;
  checked(H5Dread(dataset, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, local.empty() ? &dummy : local.data()),
          "H5Dread");
}

void writeSerial(hid_t file, const std::string& name, const std::vector<double>& values,
                 const std::vector<hsize_t>& dims) {
  // Every rank takes part (dataset creation is collective); all pass the same values.
  std::vector<hsize_t> shape = dims.empty() ? std::vector<hsize_t>{values.size()} : dims;
  Hid space(checked(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), "H5Screate_simple"),
            H5Sclose);
  Hid dset(checked(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   ("H5Dcreate2 " + name).c_str()),
           H5Dclose);
  Hid dxpl = transferCollective();
  const double dummy = 0.0;
  checked(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, dxpl, values.empty() ? &dummy : values.data()),
          ("H5Dwrite " + name).c_str());
}

std::optional<std::string> storageProblem(hid_t dset, const std::string& name, const std::vector<hsize_t>& dims) {
  const auto shape = [](const std::vector<hsize_t>& d) {
    std::string s = "[";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
  };
  hsize_t elements = 1;
  for (hsize_t d : dims) elements *= d;
  if (elements == 0) return std::nullopt;  // nothing is read
  Hid type(checked(H5Dget_type(dset), "H5Dget_type"), H5Tclose);
  const hsize_t element_bytes = H5Tget_size(type);
  if (element_bytes == 0) return name + " has a datatype of size 0; the file is damaged";
  Hid dcpl(checked(H5Dget_create_plist(dset), "H5Dget_create_plist"), H5Pclose);
  const H5D_layout_t storage = H5Pget_layout(dcpl);
  if (storage == H5D_CONTIGUOUS || storage == H5D_COMPACT) {
    if (H5Dget_storage_size(dset) < elements * element_bytes)
      return name + " stores " + std::to_string(H5Dget_storage_size(dset)) + " bytes, fewer than its shape needs (" +
             std::to_string(elements * element_bytes) + "); the file is damaged";
    return std::nullopt;
  }
  if (storage != H5D_CHUNKED) return name + " has an unsupported storage layout (valid: contiguous, compact, chunked)";
  std::vector<hsize_t> chunk(dims.size(), 0);
  if (H5Pget_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()) != static_cast<int>(chunk.size()))
    return name + " has a chunk shape of another rank than the dataset; the file is damaged";
  hsize_t chunk_bytes = element_bytes;
  for (std::size_t d = 0; d < chunk.size(); ++d) {
    if (chunk[d] < 1 || chunk[d] > dims[d])
      return name + " has chunks of shape " + shape(chunk) + ", larger than the dataset; the file is damaged";
    chunk_bytes *= chunk[d];
  }
  // Chunks are looked up by their coordinates on the chunk grid (a lookup by index walks the index
  // from the start, which would make this quadratic in the number of chunks).
  const bool filtered = H5Pget_nfilters(dcpl) > 0;
  std::vector<hsize_t> offset(dims.size(), 0);
  while (true) {
    unsigned mask = 0;
    haddr_t address = HADDR_UNDEF;
    hsize_t size = 0;
    checked(H5Dget_chunk_info_by_coord(dset, offset.data(), &mask, &address, &size), "H5Dget_chunk_info_by_coord");
    if (address != HADDR_UNDEF && (!filtered || mask != 0) && size != chunk_bytes)
      return name + " has a raw chunk of " + std::to_string(size) + " bytes instead of " + std::to_string(chunk_bytes) +
             "; the file is damaged";
    std::size_t d = dims.size();
    while (d > 0 && (offset[d - 1] += chunk[d - 1]) >= dims[d - 1]) offset[--d] = 0;
    if (d == 0) break;
  }
  return std::nullopt;
}

Hid createGroup(hid_t file, const std::string& name) {
  return Hid(checked(H5Gcreate2(file, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"), H5Gclose);
}

void writeAttribute(hid_t object, const std::string& name, const std::string& value) {
  Hid type(checked(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  checked(H5Tset_size(type, value.empty() ? 1 : value.size()), "H5Tset_size");
  checked(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
  Hid space(checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
  Hid attr(checked(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), name.c_str()),
           H5Aclose);
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  checked(H5Awrite(attr, type, padded.data()), "H5Awrite");
}

void writeAttribute(hid_t object, const std::string& name, const std::vector<double>& values) {
  const hsize_t n = values.size();
  const hid_t raw = values.empty() ? H5Screate(H5S_NULL)
                    : values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  Hid space(checked(raw, "H5Screate"), H5Sclose);
  Hid attr(checked(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), name.c_str()),
           H5Aclose);
  if (!values.empty()) checked(H5Awrite(attr, H5T_NATIVE_DOUBLE, values.data()), "H5Awrite");
}

void writeAttribute(hid_t object, const std::string& name, const std::vector<std::int64_t>& values) {
  const hsize_t n = values.size();
  Hid space(checked(values.size() == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), "H5Screate"),
            H5Sclose);
  Hid attr(checked(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), name.c_str()),
           H5Aclose);
  checked(H5Awrite(attr, H5T_NATIVE_INT64, values.data()), "H5Awrite");
}

}  // namespace mfg::io
