#pragma once
// Thin RAII layer over parallel HDF5 and the distributed writes and reads of the engine's tables.
// A rank owns a contiguous block of flattened states; in a [steps, S..., A...] dataset that block
// is a union of hyperslabs, which HDF5 walks in row-major order, matching the local buffer.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mfg::io {

class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer close) : id_(id), close_(close) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Hid() { reset(); }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

/// Throws std::runtime_error naming what failed when an HDF5 call returns a negative id or status.
hid_t checked(hid_t id, const char* what);

/// Opens a file for parallel I/O on `comm` (create = truncate and write, else read only).
Hid openParallel(const std::string& path, MPI_Comm comm, bool create);

/// Selects, in a dataspace of shape [outer, inner...], the flattened range [lo, hi) of the inner
/// block for every outer index (the rows one rank owns in every step).
void selectBlockRange(hid_t space, const std::vector<hsize_t>& dims, hsize_t lo, hsize_t hi);

/// Collective write of `local` (outer-major, `hi - lo` values per outer index).
void writeDistributed(hid_t file, const std::string& name, const std::vector<hsize_t>& dims,
                      hsize_t lo, hsize_t hi, const std::vector<double>& local);
/// Collective read of the same selection.
void readDistributed(hid_t dataset, const std::vector<hsize_t>& dims, hsize_t lo, hsize_t hi,
                     std::vector<double>& local);

/// Every rank of the file's communicator writes the same values (shape `dims`, default 1-D).
void writeSerial(hid_t file, const std::string& name, const std::vector<double>& values,
                 const std::vector<hsize_t>& dims = {});
/// Why the storage of `dataset` (called `name` in the message) cannot back a read of shape `dims`,
/// or nothing. libhdf5 trusts a dataset's layout message: a damaged compact or contiguous layout
/// that stores fewer bytes than the shape needs, a chunk larger than the dataset (impossible to
/// create), or a raw chunk (no filters, or filters skipped: mask not 0) of another size than a chunk
/// makes H5Dread copy past its buffer. Call it before any read of a file users hand in.
std::optional<std::string> storageProblem(hid_t dataset, const std::string& name, const std::vector<hsize_t>& dims);

/// Creates the group `name` (its parent must exist), e.g. "/history" before "/history/loss".
Hid createGroup(hid_t file, const std::string& name);
void writeAttribute(hid_t object, const std::string& name, const std::string& value);
void writeAttribute(hid_t object, const std::string& name, const std::vector<double>& values);
void writeAttribute(hid_t object, const std::string& name, const std::vector<std::int64_t>& values);

}  // namespace mfg::io
