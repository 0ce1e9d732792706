#include "io/plot/ResultData.hpp"

#include <cmath>
#include <filesystem>
#include <functional>

#include "solver/models/InputError.hpp"

namespace mfg::io::plot {

std::size_t Array::stride(std::size_t from_dim) const {
  std::size_t n = 1;
  for (std::size_t d = from_dim; d < dims.size(); ++d) n *= dims[d];
  return n;
}

std::string shapeText(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t d = 0; d < dims.size(); ++d) s += (d ? ", " : "") + (dims[d] ? std::to_string(dims[d]) : std::string("any"));
  return s + "]";
}

ResultFile::ResultFile(const std::string& path) : path_(path) {
  if (!std::filesystem::exists(path)) throw InputError("plot: '" + path + "' does not exist");
  if (!std::filesystem::is_regular_file(path)) throw InputError("plot: '" + path + "' is not a file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError("plot: '" + path + "' is not an HDF5 file");
  file_ = Hid(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file_.valid()) throw InputError("plot: '" + path + "' cannot be opened as HDF5");
}

void ResultFile::fail(const std::string& what) const { throw InputError("plot: '" + path_ + "': " + what); }

bool ResultFile::has(const std::string& name) const {
  // Every component of the path must exist before H5Lexists may be asked about the next.
  std::string prefix;
  std::size_t at = 1;
  while (at <= name.size()) {
    const auto slash = name.find('/', at);
    prefix = name.substr(0, slash);
    if (H5Lexists(file_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return true;
}

Array ResultFile::read(const std::string& name) const {
  if (!has(name)) fail("missing dataset " + name);
  Hid dataset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) fail(name + " is not a dataset");
  Hid type(H5Dget_type(dataset), H5Tclose);
  if (!type.valid()) fail("cannot read the type of " + name);
  const auto type_class = H5Tget_class(type);
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) fail(name + " is not numeric");
  Hid space(H5Dget_space(dataset), H5Sclose);
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank < 0) fail("cannot read the shape of " + name);
  Array out;
  out.dims.assign(static_cast<std::size_t>(rank), 0);
  if (H5Sget_simple_extent_dims(space, out.dims.data(), nullptr) < 0) fail("cannot read the shape of " + name);
  const auto points = H5Sget_simple_extent_npoints(space);
  if (points < 0) fail("cannot read the size of " + name);
  out.values.resize(static_cast<std::size_t>(points));
  if (points > 0 && H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) < 0)
    fail("cannot read " + name);
  return out;
}

std::optional<Array> ResultFile::readOptional(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  return read(name);
}

Array ResultFile::readShaped(const std::string& name, const std::vector<hsize_t>& dims) const {
  Array a = read(name);
  bool match = a.dims.size() == dims.size();
  for (std::size_t d = 0; match && d < dims.size(); ++d) match = dims[d] == 0 || dims[d] == a.dims[d];
  if (!match) fail(name + " has shape " + shapeText(a.dims) + ", expected " + shapeText(dims));
  return a;
}

std::optional<std::string> ResultFile::stringAttribute(const std::string& object, const std::string& name) const {
  if (object != "/" && !has(object)) return std::nullopt;
  if (H5Aexists_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return std::nullopt;
  Hid attribute(H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  Hid type(attribute.valid() ? H5Aget_type(attribute) : H5I_INVALID_HID, H5Tclose);
  if (!type.valid() || H5Tget_class(type) != H5T_STRING) fail("attribute " + name + " of " + object + " is not a string");
  if (H5Tis_variable_str(type) > 0) fail("attribute " + name + " of " + object + " is a variable-length string");
  std::string value(H5Tget_size(type), '\0');
  if (H5Aread(attribute, type, value.data()) < 0) fail("cannot read attribute " + name + " of " + object);
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

std::optional<std::vector<double>> ResultFile::numberAttribute(const std::string& object, const std::string& name) const {
  if (object != "/" && !has(object)) return std::nullopt;
  if (H5Aexists_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return std::nullopt;
  Hid attribute(H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  Hid type(attribute.valid() ? H5Aget_type(attribute) : H5I_INVALID_HID, H5Tclose);
  if (!type.valid()) fail("cannot read attribute " + name + " of " + object);
  const auto type_class = H5Tget_class(type);
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) return std::nullopt;
  Hid space(H5Aget_space(attribute), H5Sclose);
  const auto points = space.valid() ? H5Sget_simple_extent_npoints(space) : -1;
  if (points < 0) fail("cannot read attribute " + name + " of " + object);
  std::vector<double> values(static_cast<std::size_t>(points));
  if (points > 0 && H5Aread(attribute, H5T_NATIVE_DOUBLE, values.data()) < 0)
    fail("cannot read attribute " + name + " of " + object);
  return values;
}

std::map<std::string, std::vector<double>> ResultFile::numberAttributes(const std::string& group) const {
  std::map<std::string, std::vector<double>> out;
  if (!has(group)) return out;
  Hid g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.valid()) fail(group + " is not a group");
  std::vector<std::string> names;
  const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  if (H5Aiterate2(g, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names) < 0) fail("cannot list the attributes of " + group);
  for (const auto& name : names)
    if (auto v = numberAttribute(group, name)) out[name] = *v;
  return out;
}

void ResultFile::requireFinite(const std::string& name, const std::vector<double>& values, bool positive) const {
  for (double v : values)
    if (std::isfinite(v) && (!positive || v > 0)) return;
  fail(name + (values.empty() ? " is empty" : positive ? " has no finite positive value" : " has no finite value") +
       ", nothing to plot");
}

}  // namespace mfg::io::plot
