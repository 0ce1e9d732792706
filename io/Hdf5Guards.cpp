#include "io/Hdf5Guards.hpp"

#include <fmt/core.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <vector>

#include "io/Hdf5.hpp"

// The layouts walked here are those of the HDF5 file format specification, version 3.0: object
// headers (IV.A.1.a version 1, IV.A.1.b version 2), the attribute message (IV.A.2.m), datatype
// (IV.A.2.d) and dataspace (IV.A.2.b) messages, and global heap collections (III.E).

namespace mfg::io {

namespace {

using Bytes = std::vector<unsigned char>;

constexpr int kMaxChunks = 1024;        // object header chunks followed
constexpr int kMaxTypeDepth = 8;        // nested datatypes (enum and variable-length bases)
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{1} << 32;

std::uint64_t decode(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

/// The file's raw bytes at physical offsets, bounded by its size.
class RawFile {
 public:
  explicit RawFile(const std::string& path) : in_(path, std::ios::binary) {
    in_.seekg(0, std::ios::end);
    size_ = in_ ? static_cast<std::uint64_t>(in_.tellg()) : 0;
  }
  bool good() const { return static_cast<bool>(in_); }
  std::uint64_t size() const { return size_; }
  /// `n` bytes at `offset`; false when they are not all in the file.
  bool read(std::uint64_t offset, std::uint64_t n, Bytes& out) {
    if (offset > size_ || n > size_ - offset) return false;
    out.resize(n);
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset));
    return n == 0 || static_cast<bool>(in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n)));
  }

 private:
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

struct Sizes {
  std::size_t address = 8, length = 8;
  std::uint64_t base = 0;  // physical offset of address 0 (the user block)
};

std::optional<Sizes> fileSizes(hid_t file, std::string& why) {
  Hid fcpl(H5Fget_create_plist(file), H5Pclose);
  Sizes s;
  hsize_t userblock = 0;
  if (!fcpl.valid() || H5Pget_sizes(fcpl, &s.address, &s.length) < 0 || H5Pget_userblock(fcpl, &userblock) < 0) {
    why = "its creation properties cannot be read";
    return std::nullopt;
  }
  if ((s.address != 2 && s.address != 4 && s.address != 8) || (s.length != 2 && s.length != 4 && s.length != 8)) {
    why = fmt::format("it uses {}-byte addresses and {}-byte lengths (valid: 2, 4 or 8)", s.address, s.length);
    return std::nullopt;
  }
  s.base = userblock;
  return s;
}

struct TypeExtent {
  std::size_t encoded = 0;   // bytes of the datatype message
  std::uint64_t element = 0; // bytes of one element in the attribute's data
};

/// A datatype message at p[0, n): what it encodes, or a reason it is not accepted.
std::optional<TypeExtent> parseType(const unsigned char* p, std::size_t n, const Sizes& sizes, int depth,
                                    std::string& why) {
  if (depth > kMaxTypeDepth) return why = "datatypes nested too deeply", std::nullopt;
  if (n < 8) return why = "a datatype is cut short", std::nullopt;
  const unsigned type_class = p[0] & 0x0f, version = p[0] >> 4;
  if (version < 1 || version > 4) return why = fmt::format("a datatype of version {}", version), std::nullopt;
  const std::uint64_t bits = decode(p + 1, 3), size = decode(p + 4, 4);
  TypeExtent t{8, size};
  const std::uint64_t bits_total = 8 * size;
  switch (type_class) {
    case 0:    // fixed-point: offset, precision
    case 4: {  // bitfield: the same
      t.encoded = 12;
      if (n < 12) break;
      const std::uint64_t offset = decode(p + 8, 2), precision = decode(p + 10, 2);
      if (size < 1 || size > 16 || precision < 1 || offset + precision > bits_total)
        return why = fmt::format("an integer type of {} bytes with {} bits at bit {}", size, precision, offset),
               std::nullopt;
      break;
    }
    case 1: {  // floating point: offset, precision, exponent and mantissa locations and sizes, bias
      t.encoded = 20;
      if (n < 20) break;
      const std::uint64_t offset = decode(p + 8, 2), precision = decode(p + 10, 2), sign = (bits >> 8) & 0xff;
      const std::uint64_t exponent_at = p[12], exponent_bits = p[13], mantissa_at = p[14], mantissa_bits = p[15];
      if (size < 1 || size > 16 || precision < 1 || offset + precision > bits_total || sign >= bits_total ||
          exponent_bits < 1 || exponent_at + exponent_bits > bits_total || mantissa_bits < 1 ||
          mantissa_at + mantissa_bits > bits_total)
        return why = fmt::format("a floating-point type of {} bytes with inconsistent fields", size), std::nullopt;
      break;
    }
    case 3:  // string
      if (size < 1) return why = "a string type of 0 bytes", std::nullopt;
      break;
    case 8: {  // enumeration: base type, member names, member values
      const auto base = parseType(p + 8, n - 8, sizes, depth + 1, why);
      if (!base) return std::nullopt;
      // libhdf5 copies each value at the base type's size into a buffer of its native type's, whose
      // size follows the precision: the base must be a plain integer of 1, 2, 4 or 8 bytes.
      const std::uint64_t base_size = base->element;
      if ((p[8] & 0x0f) != 0 || (base_size != 1 && base_size != 2 && base_size != 4 && base_size != 8) ||
          decode(p + 16, 2) != 0 || decode(p + 18, 2) != 8 * base_size || size != base_size)
        return why = "an enumeration over something other than a plain integer of 1, 2, 4 or 8 bytes", std::nullopt;
      std::size_t at = 8 + base->encoded;
      const std::uint64_t members = bits & 0xffff;
      if (members < 1) return why = "an enumeration without members", std::nullopt;
      for (std::uint64_t m = 0; m < members; ++m) {
        if (at >= n) return why = "enumeration names are cut short", std::nullopt;
        const void* end = std::memchr(p + at, '\0', n - at);
        if (!end) return why = "an enumeration name is not terminated", std::nullopt;
        std::size_t len = static_cast<std::size_t>(static_cast<const unsigned char*>(end) - (p + at)) + 1;
        if (version < 3) len = (len + 7) / 8 * 8;
        at += len;
      }
      if (at > n || members * base->element > n - at) return why = "enumeration values are cut short", std::nullopt;
      t.encoded = at + static_cast<std::size_t>(members * base->element);
      break;
    }
    case 9: {  // variable-length sequence or string: base type; elements are (length, heap id) on disk
      const auto base = parseType(p + 8, n - 8, sizes, depth + 1, why);
      if (!base) return std::nullopt;
      t.encoded = 8 + base->encoded;
      t.element = 4 + sizes.address + 4;
      break;
    }
    default:
      return why = fmt::format("a datatype of class {} (compound, array, reference, opaque or time), which this "
                               "reader does not take in attributes", type_class),
             std::nullopt;
  }
  if (t.encoded > n) return why = "a datatype is cut short", std::nullopt;
  return t;
}

/// A dataspace message at p[0, n): its encoded size and number of points.
std::optional<std::pair<std::size_t, std::uint64_t>> parseSpace(const unsigned char* p, std::size_t n,
                                                                const Sizes& sizes, std::string& why) {
  if (n < 4) return why = "a dataspace is cut short", std::nullopt;
  const unsigned version = p[0], rank = p[1], flags = p[2];
  if (version != 1 && version != 2) return why = fmt::format("a dataspace of version {}", version), std::nullopt;
  if (rank > 32) return why = fmt::format("a dataspace of rank {}", rank), std::nullopt;
  if (flags & 0x02) return why = "a dataspace with a permutation", std::nullopt;
  std::size_t at = version == 1 ? 8 : 4;
  std::uint64_t points = 1;
  if (version == 2 && p[3] == 2) points = 0;  // null dataspace
  const std::size_t lists = (flags & 0x01) ? 2 : 1;
  if (at > n || rank * sizes.length * lists > n - at) return why = "a dataspace is cut short", std::nullopt;
  for (unsigned d = 0; d < rank; ++d) {
    const std::uint64_t extent = decode(p + at + d * sizes.length, sizes.length);
    if (extent != 0 && points > (std::uint64_t{1} << 40) / extent)
      return why = "a dataspace of more than 2^40 points", std::nullopt;
    points *= extent;
  }
  at += rank * sizes.length * lists;
  return std::pair{at, points};
}

/// An attribute message, as far as it is checked here.
struct Attribute {
  std::string name;
  unsigned type_class = 0;
  const unsigned char* data = nullptr;  // the values, `points` of `element` bytes
  std::uint64_t points = 0, element = 0;
};

/// An attribute message of `n` bytes: does everything libhdf5 decodes lie within it?
std::optional<std::string> parseAttribute(const unsigned char* p, std::size_t n, const Sizes& sizes, Attribute& out) {
  if (n < 8) return "an attribute message is cut short";
  const unsigned version = p[0], flags = p[1];
  if (version < 1 || version > 3) return fmt::format("an attribute message of version {}", version);
  if (version >= 2 && (flags & 0x03)) return "an attribute with a shared datatype or dataspace";
  const std::size_t name_size = decode(p + 2, 2), type_size = decode(p + 4, 2), space_size = decode(p + 6, 2);
  const auto pad = [&](std::size_t x) { return version == 1 ? (x + 7) / 8 * 8 : x; };
  std::size_t at = version == 3 ? 9 : 8;
  if (at > n || name_size < 1 || pad(name_size) > n - at) return "an attribute name that does not fit in its message";
  const void* nul = std::memchr(p + at, '\0', name_size);
  if (!nul) return "an attribute name that is not terminated";
  out.name.assign(reinterpret_cast<const char*>(p + at), static_cast<const unsigned char*>(nul) - (p + at));
  at += pad(name_size);
  std::string why;
  if (pad(type_size) > n - at) return "an attribute datatype that does not fit in its message";
  const auto type = parseType(p + at, type_size, sizes, 0, why);
  if (!type) return "an attribute with " + why;
  out.type_class = p[at] & 0x0f;
  at += pad(type_size);
  if (pad(space_size) > n - at) return "an attribute dataspace that does not fit in its message";
  const auto space = parseSpace(p + at, space_size, sizes, why);
  if (!space) return "an attribute with " + why;
  at += pad(space_size);
  if (type->element != 0 && space->second > (n - at) / type->element)
    return fmt::format("an attribute whose data ({} values of {} bytes) does not fit in its message ({} bytes left)",
                       space->second, type->element, n - at);
  out.data = p + at;
  out.points = space->second;
  out.element = type->element;
  return std::nullopt;
}

using AttributeVisitor = std::function<std::optional<std::string>(const Attribute&)>;

struct HeaderSummary {
  bool dense_attributes = false;  // attributes in a fractal heap (an attribute info message names one)
};

/// Walks the object header of `name` at `location`; checks its attribute, datatype, dataspace and
/// continuation messages, and shows each attribute to `visit`.
std::optional<std::string> walkHeader(RawFile& raw, const Sizes& sizes, hid_t file, hid_t location, const char* name,
                                      const AttributeVisitor& visit, HeaderSummary& summary) {
  haddr_t address = HADDR_UNDEF;
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info;
  if (H5Oget_info_by_name3(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
      H5VLnative_token_to_addr(file, info.token, &address) < 0)
    address = HADDR_UNDEF;
#else
  (void)file;
  H5O_info_t info;
  if (H5Oget_info_by_name2(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0) address = info.addr;
#endif
  if (address == HADDR_UNDEF) return std::string("its object header cannot be located");

  struct Chunk {
    std::uint64_t offset, length;  // physical offset and length of the messages
  };
  std::vector<Chunk> chunks;
  Bytes bytes;
  const std::uint64_t start = sizes.base + address;
  if (start < sizes.base || !raw.read(start, 16, bytes)) return std::string("its object header lies outside the file");
  const bool v2 = std::memcmp(bytes.data(), "OHDR", 4) == 0;
  unsigned header_flags = 0;
  if (v2) {
    if (bytes[4] != 2) return fmt::format("an object header of version {}", bytes[4]);
    header_flags = bytes[5];
    const std::uint64_t at = 6 + ((header_flags & 0x20) ? 16 : 0) + ((header_flags & 0x10) ? 4 : 0);
    const std::size_t width = std::size_t{1} << (header_flags & 0x03);
    Bytes field;
    if (!raw.read(start + at, width, field)) return std::string("its object header is cut short");
    chunks.push_back({start + at + width, decode(field.data(), width)});
  } else {
    if (bytes[0] != 1) return fmt::format("an object header of version {}", bytes[0]);
    chunks.push_back({start + 16, decode(bytes.data() + 8, 4)});
  }
  const std::size_t message_header = v2 ? 4 : 8;
  std::string why;
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    if (c >= static_cast<std::size_t>(kMaxChunks)) return fmt::format("more than {} object header chunks", kMaxChunks);
    const Chunk chunk = chunks[c];
    if (chunk.length > kMaxChunkBytes || !raw.read(chunk.offset, chunk.length, bytes))
      return std::string("an object header chunk lies outside the file");
    // Version-2 continuation chunks start with "OCHK" and end with a checksum (libhdf5 checks both).
    std::size_t at = v2 && c > 0 ? 4 : 0;
    const std::size_t end = bytes.size() - (v2 && c > 0 && bytes.size() >= 4 ? 4 : 0);
    while (at + message_header <= end) {
      const unsigned type = v2 ? bytes[at] : static_cast<unsigned>(decode(&bytes[at], 2));
      const std::size_t size = decode(&bytes[at + (v2 ? 1 : 2)], 2);
      const unsigned flags = bytes[at + (v2 ? 3 : 4)];
      const std::size_t data = at + message_header + (v2 && (header_flags & 0x04) ? 2 : 0);  // creation order
      if (v2 && data > end) break;  // a gap
      if (data > end || size > end - data) return std::string("an object header message runs past its chunk");
      if (type == 0x0C) {
        if (flags & 0x02) return std::string("a shared attribute message");
        Attribute attribute;
        if (auto problem = parseAttribute(&bytes[data], size, sizes, attribute)) return problem;
        if (visit)
          if (auto problem = visit(attribute)) return problem;
      } else if (type == 0x03) {
        if (flags & 0x02) return std::string("a shared (committed) datatype, which this reader does not take");
        if (!parseType(&bytes[data], size, sizes, 0, why)) return "a dataset with " + why;
      } else if (type == 0x01) {
        if (flags & 0x02) return std::string("a shared dataspace");
        if (!parseSpace(&bytes[data], size, sizes, why)) return "a dataset with " + why;
      } else if (type == 0x15) {  // attribute info: version, flags, [max creation index], fractal heap address
        const std::size_t at_heap = 2 + ((size >= 2 && (bytes[data + 1] & 0x01)) ? 2 : 0);
        if (size < at_heap + sizes.address) return std::string("an attribute info message is cut short");
        const std::uint64_t heap = decode(&bytes[data + at_heap], sizes.address);
        const std::uint64_t undefined = sizes.address == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * sizes.address)) - 1;
        summary.dense_attributes = summary.dense_attributes || heap != undefined;
      } else if (type == 0x10) {  // continuation: address and length of the next chunk
        if (size < sizes.address + sizes.length) return std::string("a continuation message is cut short");
        const std::uint64_t next = decode(&bytes[data], sizes.address);
        const std::uint64_t length = decode(&bytes[data + sizes.address], sizes.length);
        if (next > raw.size() || sizes.base > raw.size() - next)
          return std::string("a continuation chunk lies outside the file");
        chunks.push_back({sizes.base + next, length});
      }
      at = data + size;
    }
  }
  return std::nullopt;
}

/// The global heap collection at `address` as libhdf5 loads it, and the object `index` in it as
/// libhdf5 reads it into a buffer of `capacity` bytes.
std::optional<std::string> heapObjectProblem(RawFile& raw, const Sizes& sizes, std::uint64_t address,
                                             std::uint64_t index, std::uint64_t capacity) {
  const std::size_t header = 8 + sizes.length, object_header = 8 + sizes.length;
  const std::uint64_t start = sizes.base + address;
  Bytes chunk;
  if (start < sizes.base || !raw.read(start, header, chunk))
    return fmt::format("its global heap at address {} lies outside the file", address);
  if (std::memcmp(chunk.data(), "GCOL", 4) != 0 || chunk[4] != 1)
    return fmt::format("no global heap at address {}", address);
  const std::uint64_t size = decode(chunk.data() + 8, sizes.length);
  if (size < header || !raw.read(start, size, chunk))
    return fmt::format("its global heap at address {} runs past the end of the file", address);
  bool found = false;
  std::uint64_t p = header;
  while (p < size) {
    if (p + object_header > size) break;  // too small for an object: free space
    const std::uint64_t id = decode(&chunk[p], 2);
    const std::uint64_t bytes = decode(&chunk[p + 8], sizes.length);
    const std::uint64_t room = size - p;
    // libhdf5 loops forever on a free-space object of size 0, and reads past the collection for
    // an object larger than it.
    const std::uint64_t need = id > 0 ? object_header + (std::min(bytes, room) + 7) / 8 * 8 : bytes;
    if (bytes > room || need == 0 || need > room)
      return fmt::format("its global heap at address {} has an object of {} bytes in {}", address, bytes, room);
    if (id == index && index > 0) {
      found = true;
      if (bytes > capacity)
        return fmt::format("a variable-length value of {} bytes whose heap object holds {}", capacity, bytes);
    }
    p += need;
  }
  if (!found) return fmt::format("its global heap at address {} has no object {}", address, index);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> objectHeaderProblem(const std::string& path, hid_t file, hid_t location, const char* name) {
  std::string why;
  const auto sizes = fileSizes(file, why);
  if (!sizes) return why;
  RawFile raw(path);
  if (!raw.good()) return std::string("it cannot be read");
  HeaderSummary summary;
  return walkHeader(raw, *sizes, file, location, name, nullptr, summary);
}

std::optional<std::string> variableStringProblem(const std::string& path, hid_t file, hid_t location,
                                                 const char* object, const char* attribute,
                                                 std::uint64_t max_length) {
  std::string why;
  const auto sizes = fileSizes(file, why);
  if (!sizes) return why;
  RawFile raw(path);
  if (!raw.good()) return std::string("it cannot be read");
  bool seen = false;
  const auto visit = [&](const Attribute& a) -> std::optional<std::string> {
    if (a.name != attribute) return std::nullopt;
    seen = true;
    if (a.type_class != 9) return std::nullopt;  // not variable-length: no heap
    // Each value on disk: sequence length (4 bytes), heap collection address, object index (4).
    const std::size_t width = 4 + sizes->address + 4;
    if (a.element != width) return std::string("a variable-length value of an unexpected size");
    for (std::uint64_t k = 0; k < a.points; ++k) {
      const unsigned char* v = a.data + k * width;
      const std::uint64_t length = decode(v, 4), address = decode(v + 4, sizes->address),
                          index = decode(v + 4 + sizes->address, 4);
      if (address == 0) continue;  // a null value: nothing is read
      if (length > max_length)  // libhdf5 allocates and copies that much
        return fmt::format("a variable-length value of {} bytes (valid: up to {})", length, max_length);
      if (auto problem = heapObjectProblem(raw, *sizes, address, index, length)) return problem;
    }
    return std::nullopt;
  };
  HeaderSummary summary;
  if (auto problem = walkHeader(raw, *sizes, file, location, object, visit, summary)) return problem;
  // Attributes in dense storage (more than 8 in files of the latest format) live in a fractal heap,
  // whose blocks libhdf5 checksums; the global heap of their values is not checked here.
  if (!seen && !summary.dense_attributes) return fmt::format("no attribute {}", attribute);
  return std::nullopt;
}

}  // namespace mfg::io
