#pragma once
// Checks of file structures that libhdf5 1.10 decodes without bounds checks, for the loaders of
// files that users hand in. Each walks the raw bytes itself (bounded everywhere) and says why
// libhdf5 must not be let at them, or nothing; a file that passes is read through libhdf5 as usual.
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>

namespace mfg::io {

/// The object header of `name` (relative to `location`; "." for `location` itself), with its
/// continuation chunks. libhdf5 decodes its messages trusting the sizes inside them: an attribute
/// whose name, datatype, dataspace or data does not fit in its message makes it copy past its
/// buffer when any attribute of the object is looked up (H5Aexists, H5Aopen); an enumeration whose
/// names or values do not fit, or over an integer with padding bits, when the dataset is opened or
/// its native type taken. Checked: every attribute, datatype and dataspace message. Shared
/// (committed) datatypes and attributes of compound, array, reference, opaque or time types are
/// reported too (their decoding is not checked here).
std::optional<std::string> objectHeaderProblem(const std::string& path, hid_t file, hid_t location, const char* name);

/// The variable-length values of `attribute` of `object` (relative to `location`): libhdf5 reads
/// each from a global heap collection, looping forever on a free-space object of size 0, reading
/// past the collection for an object larger than it or past its table for an index it does not
/// hold, and copying the whole object into a buffer sized by the value's stored length. The
/// collection each value names is walked as libhdf5 walks it, and a value longer than `max_length`
/// (which libhdf5 would allocate and copy) is reported. Nothing for attributes of other
/// types, and nothing for attributes in dense storage (a checksummed fractal heap: more than 8
/// attributes in a file of the latest format), whose values are not looked at here.
std::optional<std::string> variableStringProblem(const std::string& path, hid_t file, hid_t location,
                                                 const char* object, const char* attribute,
                                                 std::uint64_t max_length);

}  // namespace mfg::io
