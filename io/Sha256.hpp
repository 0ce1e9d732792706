#pragma once
// SHA-256 (FIPS 180-4) of a file, in lowercase hex: certificates name the exact policy file they
// certify. Small and self-contained, since OpenSSL is not part of the stack.
#include <string>

namespace mfg::io {

/// Hex digest of the bytes of `data`.
std::string sha256Hex(const std::string& data);
/// Hex digest of a file's contents; throws std::runtime_error when it cannot be read.
std::string sha256File(const std::string& path);

}  // namespace mfg::io
