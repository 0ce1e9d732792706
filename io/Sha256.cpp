#include "io/Sha256.hpp"

#include <nettle/sha2.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace mfg::io {

namespace {

std::string hex(const std::array<std::uint8_t, SHA256_DIGEST_SIZE>& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * digest.size());
  for (std::uint8_t byte : digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

}  // namespace

std::string sha256Hex(const std::string& data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
  std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
  sha256_digest(&ctx, digest.size(), digest.data());
  return hex(digest);
}

std::string sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  sha256_ctx ctx;
  sha256_init(&ctx);
  // Blocks, so that a large network checkpoint is never held in memory whole.
  std::array<char, 1 << 16> block{};
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto n = in.gcount();
    if (n > 0) sha256_update(&ctx, static_cast<std::size_t>(n), reinterpret_cast<const std::uint8_t*>(block.data()));
  }
  if (in.bad()) throw std::runtime_error("cannot read " + path + " to the end");
  std::array<std::uint8_t, SHA256_DIGEST_SIZE> digest{};
  sha256_digest(&ctx, digest.size(), digest.data());
  return hex(digest);
}

}  // namespace mfg::io
