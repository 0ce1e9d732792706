#include "io/plot/Png.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace mfg::io {

namespace {

// 5×7 glyphs, one string of 7 rows × 5 columns per character ('1' = ink).
const std::map<char, const char*>& font() {
  static const std::map<char, const char*> glyphs = {
      {'0', "01110100011001110101110011000101110"}, {'1', "00100011000010000100001000010001110"},
      {'2', "01110100010000100010001000100011111"}, {'3', "11111000100010000010000011000101110"},
      {'4', "00010001100101010010111110001000010"}, {'5', "11111100001111000001000011000101110"},
      {'6', "00110010001000011110100011000101110"}, {'7', "11111000010001000100010000100001000"},
      {'8', "01110100011000101110100011000101110"}, {'9', "01110100011000101111000010001001100"},
      {'.', "00000000000000000000000000110001100"}, {'-', "00000000000000011111000000000000000"},
      {'+', "00000001000010011111001000010000000"}, {'a', "00000000000111000001011111000101111"},
      {'b', "10000100001011011001100011000111110"}, {'c', "00000000000111010000100001000101110"},
      {'d', "00001000010110110011100011000101111"}, {'e', "00000000000111010001111111000001110"},
      {'f', "00110010010100011100010000100001000"}, {'g', "00000011111000110001011110000101110"},
      {'h', "10000100001011011001100011000110001"}, {'i', "00100000000110000100001000010001110"},
      {'j', "00010000000011000010000101001001100"}, {'k', "10000100001001010100110001010010010"},
      {'l', "01100001000010000100001000010001110"}, {'m', "00000000001101010101101011000110001"},
      {'n', "00000000001011011001100011000110001"}, {'o', "00000000000111010001100011000101110"},
      {'p', "00000000001111010001111101000010000"}, {'q', "00000000000110110011011110000100001"},
      {'r', "00000000001011011001100001000010000"}, {'s', "00000000000111010000011100000111110"},
      {'t', "01000010001110001000010000100100110"}, {'u', "00000000001000110001100011001101101"},
      {'v', "00000000001000110001100010101000100"}, {'w', "00000000001000110001101011010101010"},
      {'x', "00000000001000101010001000101010001"}, {'y', "00000000001000110001011110000101110"},
      {'z', "00000000001111100010001000100011111"}, {'[', "01110010000100001000010000100001110"},
      {']', "01110000100001000010000100001001110"}, {'(', "00010001000100001000010000010000010"},
      {')', "01000001000001000010000100010001000"}, {'=', "00000000001111100000111110000000000"},
      {'/', "00000000010001000100010001000000000"}, {':', "00000011000110000000011000110000000"},
      {',', "00000000000000000000011000010001000"}, {'_', "00000000000000000000000000000011111"},
      {'%', "11000110010001000100010001001100011"}, {' ', "00000000000000000000000000000000000"},
  };
  return glyphs;
}

void chunk(std::ofstream& out, const char* type, const std::vector<unsigned char>& data) {
  const auto n = static_cast<std::uint32_t>(data.size());
  const unsigned char len[4] = {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                                static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
  out.write(reinterpret_cast<const char*>(len), 4);
  out.write(type, 4);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(type), 4);
  // crc32 with a null buffer returns its initial value, so an empty chunk (IEND) must skip it.
  if (!data.empty()) crc = crc32(crc, data.data(), static_cast<uInt>(data.size()));
  const unsigned char c[4] = {static_cast<unsigned char>(crc >> 24), static_cast<unsigned char>(crc >> 16),
                              static_cast<unsigned char>(crc >> 8), static_cast<unsigned char>(crc)};
  out.write(reinterpret_cast<const char*>(c), 4);
}

void put32(std::vector<unsigned char>& v, std::uint32_t x) {
  for (int shift = 24; shift >= 0; shift -= 8) v.push_back(static_cast<unsigned char>(x >> shift));
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background)
    : w_(width), h_(height), px_(static_cast<std::size_t>(width) * height, background) {}

void Canvas::pixel(int x, int y, Rgb c) {
  if (x >= 0 && y >= 0 && x < w_ && y < h_) px_[static_cast<std::size_t>(y) * w_ + x] = c;
}

void Canvas::rect(int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = std::max(0, std::min(y0, y1)); y <= std::min(h_ - 1, std::max(y0, y1)); ++y)
    for (int x = std::max(0, std::min(x0, x1)); x <= std::min(w_ - 1, std::max(x0, x1)); ++x)
      px_[static_cast<std::size_t>(y) * w_ + x] = c;
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb c, int thickness) {
  const int steps = static_cast<int>(std::max(std::abs(x1 - x0), std::abs(y1 - y0))) + 1;
  for (int i = 0; i <= steps; ++i) {
    const double f = static_cast<double>(i) / steps;
    const int x = static_cast<int>(std::lround(x0 + f * (x1 - x0))), y = static_cast<int>(std::lround(y0 + f * (y1 - y0)));
    rect(x - thickness / 2, y - thickness / 2, x + (thickness - 1) / 2, y + (thickness - 1) / 2, c);
  }
}

void Canvas::text(int x, int y, const std::string& s, Rgb c, int scale) {
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto it = font().find(static_cast<char>(std::tolower(static_cast<unsigned char>(s[k]))));
    if (it == font().end()) continue;
    for (int row = 0; row < 7; ++row)
      for (int col = 0; col < 5; ++col)
        if (it->second[row * 5 + col] == '1')
          rect(x + (static_cast<int>(k) * 6 + col) * scale, y + row * scale,
               x + (static_cast<int>(k) * 6 + col) * scale + scale - 1, y + row * scale + scale - 1, c);
  }
}

void Canvas::save(const std::string& path, const std::string& title) const {
  std::vector<unsigned char> raw;
  raw.reserve(static_cast<std::size_t>(h_) * (3 * w_ + 1));
  for (int y = 0; y < h_; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < w_; ++x) {
      const Rgb& p = px_[static_cast<std::size_t>(y) * w_ + x];
      raw.insert(raw.end(), {p.r, p.g, p.b});
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<unsigned char> packed(size);
  if (compress2(packed.data(), &size, raw.data(), static_cast<uLong>(raw.size()), 6) != Z_OK)
    throw std::runtime_error("cannot compress the image for " + path);
  packed.resize(size);

  const std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    out.write(reinterpret_cast<const char*>(signature), 8);
    std::vector<unsigned char> header;
    put32(header, static_cast<std::uint32_t>(w_));
    put32(header, static_cast<std::uint32_t>(h_));
    header.insert(header.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, no interlace
    chunk(out, "IHDR", header);
    if (!title.empty()) {
      std::vector<unsigned char> text{'T', 'i', 't', 'l', 'e', 0};
      text.insert(text.end(), title.begin(), title.end());
      chunk(out, "tEXt", text);
    }
    chunk(out, "IDAT", packed);
    chunk(out, "IEND", {});
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

Rgb viridis(double v) {
  static const std::array<std::array<double, 3>, 5> anchors = {
      {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};
  v = std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0) * 4.0;
  const int i = std::min(3, static_cast<int>(v));
  const double f = v - i;
  const auto mixc = [&](int k) {
    return static_cast<std::uint8_t>(std::lround(anchors[i][k] + f * (anchors[i + 1][k] - anchors[i][k])));
  };
  return {mixc(0), mixc(1), mixc(2)};
}

}  // namespace mfg::io
