#pragma once
// SHA-256 of a file, in lowercase hex: certificates name the exact policy file they certify.
// The digest itself is nettle's (sha2.h); this header only keeps the project's interface.
#include <string>

namespace mfg::io {

/// Hex digest of the bytes of `data`.
std::string sha256Hex(const std::string& data);
/// Hex digest of a file's contents, read in blocks; throws std::runtime_error when it cannot be read.
std::string sha256File(const std::string& path);

}  // namespace mfg::io
