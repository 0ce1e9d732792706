#pragma once
// Reading the result files that the plots draw, with every problem reported as an InputError
// that names the file and what is wrong (a missing dataset, a wrong shape, no finite value), so
// `mfg plot` exits with status 2 and a clear message instead of drawing nonsense.
#include <hdf5.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/Hdf5.hpp"

namespace mfg::io::plot {

/// A float64 dataset read whole: values in row-major order and the shape.
struct Array {
  std::vector<double> values;
  std::vector<hsize_t> dims;
  /// Number of values of one index of the leading dimension.
  std::size_t stride(std::size_t from_dim = 1) const;
};

/// A result file opened read-only; every reader names the file in its errors.
class ResultFile {
 public:
  explicit ResultFile(const std::string& path);
  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }

  bool has(const std::string& name) const;
  /// The dataset `name`; InputError when it is missing, not numeric or unreadable.
  Array read(const std::string& name) const;
  std::optional<Array> readOptional(const std::string& name) const;
  /// `name` read and checked: exactly `dims`; entries of 0 in dims accept any extent.
  Array readShaped(const std::string& name, const std::vector<hsize_t>& dims) const;

  std::optional<std::string> stringAttribute(const std::string& object, const std::string& name) const;
  std::optional<std::vector<double>> numberAttribute(const std::string& object, const std::string& name) const;
  /// Every attribute of `group` as numbers (a model's parameters); empty when the group is absent.
  std::map<std::string, std::vector<double>> numberAttributes(const std::string& group) const;

  /// InputError("FILE: what").
  [[noreturn]] void fail(const std::string& what) const;
  /// InputError unless `values` holds at least one finite (positive, if asked) number.
  void requireFinite(const std::string& name, const std::vector<double>& values, bool positive) const;

 private:
  std::string path_;
  Hid file_;
};

std::string shapeText(const std::vector<hsize_t>& dims);

}  // namespace mfg::io::plot
