#pragma once
// Readers of the figures that `mfg plot` writes, independent of PLplot: a PNG decoder (chunk
// CRCs, IHDR, zlib-inflated IDAT with the five PNG row filters undone), PDF structure checks and
// a small XML well-formedness check for SVG.
#include <zlib.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace mfgtest {

struct Png {
  std::uint32_t width = 0, height = 0;
  int channels = 3;
  std::vector<unsigned char> pixels;  ///< height × width × channels, unfiltered

  const unsigned char* at(std::uint32_t x, std::uint32_t y) const {
    return pixels.data() + (static_cast<std::size_t>(y) * width + x) * static_cast<std::size_t>(channels);
  }
  std::size_t count(unsigned char r, unsigned char g, unsigned char b) const {
    std::size_t n = 0;
    for (std::uint32_t y = 0; y < height; ++y)
      for (std::uint32_t x = 0; x < width; ++x) {
        const unsigned char* p = at(x, y);
        n += p[0] == r && p[1] == g && p[2] == b;
      }
    return n;
  }
  std::size_t distinctColours() const {
    std::set<std::uint32_t> seen;
    for (std::uint32_t y = 0; y < height; ++y)
      for (std::uint32_t x = 0; x < width; ++x) {
        const unsigned char* p = at(x, y);
        seen.insert((std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2]);
      }
    return seen.size();
  }
};

inline std::vector<unsigned char> readBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG, checking every chunk's CRC.
inline Png readPng(const std::filesystem::path& file) {
  const auto bytes = readBytes(file);
  Png png;
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  BOOST_REQUIRE_MESSAGE(bytes.size() > 8 && std::equal(signature, signature + 8, bytes.begin()),
                        file << " has no PNG signature");
  const auto u32 = [&](std::size_t at) {
    return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) |
           std::uint32_t{bytes[at + 3]};
  };
  std::vector<unsigned char> idat;
  bool ended = false;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t n = u32(at);
    const std::string type(bytes.begin() + static_cast<long>(at + 4), bytes.begin() + static_cast<long>(at + 8));
    BOOST_REQUIRE(at + 12 + n <= bytes.size());
    BOOST_TEST(crc32(0L, bytes.data() + at + 4, n + 4) == u32(at + 8 + n), "CRC of " << type);
    if (type == "IHDR") {
      png.width = u32(at + 8);
      png.height = u32(at + 12);
      BOOST_TEST(bytes[at + 16] == 8);  // bit depth
      BOOST_REQUIRE(bytes[at + 17] == 2 || bytes[at + 17] == 6);  // RGB or RGBA
      png.channels = bytes[at + 17] == 2 ? 3 : 4;
      BOOST_TEST(bytes[at + 20] == 0);  // not interlaced
    }
    if (type == "IDAT") idat.insert(idat.end(), bytes.begin() + static_cast<long>(at + 8), bytes.begin() + static_cast<long>(at + 8 + n));
    if (type == "IEND") ended = true;
    at += 12 + n;
  }
  BOOST_TEST(ended, file << " has no IEND chunk");
  const std::size_t stride = static_cast<std::size_t>(png.width) * static_cast<std::size_t>(png.channels);
  std::vector<unsigned char> raw(static_cast<std::size_t>(png.height) * (stride + 1));
  uLongf size = static_cast<uLongf>(raw.size());
  BOOST_REQUIRE(uncompress(raw.data(), &size, idat.data(), static_cast<uLong>(idat.size())) == Z_OK);
  BOOST_REQUIRE(size == raw.size());
  // Undo the per-row filters (PNG specification, section 9).
  const std::size_t bpp = static_cast<std::size_t>(png.channels);
  png.pixels.assign(static_cast<std::size_t>(png.height) * stride, 0);
  for (std::uint32_t y = 0; y < png.height; ++y) {
    const unsigned char filter = raw[y * (stride + 1)];
    BOOST_REQUIRE(filter <= 4);
    const unsigned char* in = raw.data() + y * (stride + 1) + 1;
    unsigned char* out = png.pixels.data() + y * stride;
    const unsigned char* up = y > 0 ? out - stride : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? out[i - bpp] : 0, b = up ? up[i] : 0, c = (up && i >= bpp) ? up[i - bpp] : 0;
      int predictor = 0;
      if (filter == 1) predictor = a;
      else if (filter == 2) predictor = b;
      else if (filter == 3) predictor = (a + b) / 2;
      else if (filter == 4) {
        const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
        predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
      }
      out[i] = static_cast<unsigned char>(in[i] + predictor);
    }
  }
  return png;
}

/// A valid, non-blank PNG of exactly width × height.
inline Png requirePng(const std::filesystem::path& file, std::uint32_t width, std::uint32_t height) {
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_regular_file(file), file << " was not written");
  Png png = readPng(file);
  BOOST_TEST(png.width == width, file);
  BOOST_TEST(png.height == height, file);
  BOOST_TEST(png.distinctColours() >= 8u, file << ": a blank or nearly blank image");
  return png;
}

/// A complete PDF (header, %%EOF trailer) with `pages` pages of width × height points.
inline void requirePdf(const std::filesystem::path& file, int pages, int width, int height) {
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_regular_file(file), file << " was not written");
  const auto bytes = readBytes(file);
  const std::string text(bytes.begin(), bytes.end());
  BOOST_TEST(text.rfind("%PDF-", 0) == 0, file << " does not start with %PDF-");
  auto end = text.find_last_not_of("\r\n");
  BOOST_TEST((end != std::string::npos && end >= 4 && text.compare(end - 4, 5, "%%EOF") == 0), file << " does not end with %%EOF");
  const std::regex page(R"(/Type\s*/Page\b)"), box(R"(/MediaBox\s*\[\s*0\s+0\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*\])");
  BOOST_TEST(std::distance(std::sregex_iterator(text.begin(), text.end(), page), std::sregex_iterator()) == pages, file);
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_search(text, m, box), file << " has no MediaBox");
  BOOST_TEST(std::stod(m[1]) == width, file);
  BOOST_TEST(std::stod(m[2]) == height, file);
}

/// Well-formed XML (balanced tags) whose root element is <svg>.
inline void requireSvg(const std::filesystem::path& file) {
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_regular_file(file), file << " was not written");
  const auto bytes = readBytes(file);
  const std::string text(bytes.begin(), bytes.end());
  std::vector<std::string> open;
  std::string root;
  bool balanced = true;
  for (std::size_t at = text.find('<'); at != std::string::npos && balanced; at = text.find('<', at + 1)) {
    if (text.compare(at, 4, "<!--") == 0) {
      at = text.find("-->", at);
      balanced = at != std::string::npos;
      continue;
    }
    if (text.compare(at, 2, "<?") == 0 || text.compare(at, 2, "<!") == 0) continue;
    const auto close = text.find('>', at);
    if (close == std::string::npos) {
      balanced = false;
      break;
    }
    const std::string tag = text.substr(at + 1, close - at - 1);
    if (tag.empty()) balanced = false;
    else if (tag[0] == '/') {
      const std::string name = tag.substr(1, tag.find_first_of(" \t\r\n", 1) - 1);
      balanced = !open.empty() && open.back() == name;
      if (balanced) open.pop_back();
    } else {
      const std::string name = tag.substr(0, tag.find_first_of(" \t\r\n/"));
      if (root.empty()) root = name;
      else if (open.empty()) balanced = false;  // a second root element
      if (tag.back() != '/') open.push_back(name);
    }
  }
  BOOST_TEST(balanced, file << " is not well-formed XML");
  BOOST_TEST(open.empty(), file << " leaves elements open");
  BOOST_TEST(root == "svg", file << " has root <" << root << ">");
}

}  // namespace mfgtest
