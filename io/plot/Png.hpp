#pragma once
// A small raster canvas written as PNG (zlib deflate, CRC from zlib): lines, rectangles,
// heatmaps and 5×7 bitmap text for tick labels and titles. Enough for `mfg plot`; no dependency
// beyond zlib, which the stack already carries.
#include <cstdint>
#include <string>
#include <vector>

namespace mfg::io {

struct Rgb {
  std::uint8_t r = 255, g = 255, b = 255;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = {});
  int width() const { return w_; }
  int height() const { return h_; }

  void pixel(int x, int y, Rgb c);
  void line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 1);
  void rect(int x0, int y0, int x1, int y1, Rgb c);  ///< filled, inclusive
  /// Text in the 5×7 font (digits, lowercase letters, common symbols; others print as blanks),
  /// `scale` pixels per font pixel; anchored at its top left corner.
  void text(int x, int y, const std::string& s, Rgb c, int scale = 2);
  static int textWidth(const std::string& s, int scale = 2) { return static_cast<int>(s.size()) * 6 * scale; }

  /// Writes the PNG through a temporary file and a rename; `title` goes into a tEXt chunk.
  void save(const std::string& path, const std::string& title = "") const;

 private:
  int w_, h_;
  std::vector<Rgb> px_;
};

/// The viridis colour map at v in [0, 1].
Rgb viridis(double v);

}  // namespace mfg::io
