#pragma once
// One figure = one PLplot stream per output format. PLplot draws on a single device per stream,
// so a figure is described once (a drawing callback) and rendered to each requested format
// (pngcairo, pdfcairo, svgcairo) by a fresh stream that is created, drawn and ended here, so no
// state (colour maps, fonts, viewports) leaks from one figure into the next.
#include <functional>
#include <string>
#include <vector>

namespace mfg::io::plot {

/// Which files a figure is written to.
struct Formats {
  bool png = true, pdf = true, svg = false;
  /// Parses "png,pdf,svg" (any non-empty subset); InputError on anything else.
  static Formats parse(const std::string& list);
  std::vector<std::string> extensions() const;
};

/// Size of a figure: pixels for PNG; PDF and SVG pages get the same numbers in points.
struct PageSize {
  int width = 900, height = 560;
};

/// Colours of the figure palette (PLplot's colour map 0, set by every stream).
enum Colour : int {
  kBackground = 0,
  kInk = 1,
  kGrid = 2,
  kBlue = 3,
  kOrange = 4,
  kGreen = 5,
  kRed = 6,
  kPurple = 7,
  kBandFill = 8,
  kGrey = 9,
  kWhite = 10,
};
/// The RGB values of those colours (tests look for them in the PNGs).
struct Rgb {
  int r, g, b;
};
Rgb rgbOf(Colour colour);
/// The top of the continuous colour map (viridis), which the maximum of a heatmap gets.
inline constexpr Rgb kColourMapTop{253, 231, 37};

/// An open PLplot stream on one output file; the destructor ends the stream. Only Figure creates
/// these, one at a time, so drawing code can use the PLplot C API on "the current stream".
class Stream {
 public:
  Stream(const std::string& device, const std::string& file, PageSize size);
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();
  /// Ends the stream (the file is complete afterwards); throws when PLplot reported an error.
  void finish();

 private:
  int id_ = -1;
  bool ended_ = false;
  std::vector<std::string> errors_;  ///< PLplot's non-fatal error messages while this stream is current
};

/// Draws `draw` into base.png, base.pdf (and base.svg), each written to a temporary name and
/// renamed when complete. Returns the files written. std::runtime_error on failure (partial files
/// are removed; earlier complete files are kept).
std::vector<std::string> render(const std::string& base, const Formats& formats, PageSize size,
                                const std::function<void()>& draw);

}  // namespace mfg::io::plot
