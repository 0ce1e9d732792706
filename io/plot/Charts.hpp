#pragma once
// The chart kinds that the result plots use, as plain descriptions drawn with PLplot into the
// current stream (see Figure.hpp): line charts (optionally log-scaled y with decades and minor
// ticks, a shaded confidence band, a legend), heatmaps with a labelled colour bar, histograms.
// Several charts may share one page, each in its own viewport.
#include <optional>
#include <string>
#include <vector>

#include "io/plot/Figure.hpp"

namespace mfg::io::plot {

/// A region of the page in normalised coordinates [0, 1]², the axes' box (labels go outside).
struct Viewport {
  double x0 = 0.10, x1 = 0.95, y0 = 0.13, y1 = 0.90;
};

/// A straight reference line across the axes, e.g. a model's bar or a time it may close.
struct Marker {
  enum class Direction { Vertical, Horizontal } direction = Direction::Vertical;
  double at = 0.0;   ///< x of a vertical marker, y of a horizontal one (data coordinates)
  std::string label;
  Colour colour = kRed;
  bool dashed = true;
};

struct Series {
  std::vector<double> x, y;  ///< non-finite y (or y <= 0 on a log axis) break the line
  std::string label;
  Colour colour = kBlue;
  bool points = false;  ///< mark each sample
  bool dashed = false;  ///< for a curve drawn over another that it may coincide with
};

/// A shaded region between two curves on common x, e.g. a 95% confidence band.
struct Band {
  std::vector<double> x, low, high;
  std::string label;
  Colour colour = kBandFill;
};

struct LineChart {
  std::string title, x_label, y_label;
  bool log_y = false;
  std::vector<Series> series;
  std::optional<Band> band;
  std::vector<Marker> markers;
};

/// values[row * columns + column]; columns run along x, rows along y. Cell centres are at
/// x_centres / y_centres (evenly spaced), so axes carry the real coordinates.
struct Heatmap {
  std::string title, x_label, y_label, colour_label;  ///< colour_label: the quantity and its unit
  std::size_t rows = 0, columns = 0;
  std::vector<double> values;
  double x_first = 0, x_step = 1, y_first = 0, y_step = 1;
  std::optional<double> value_max;  ///< the top of the colour scale (default: the data's maximum)
  bool colour_bar = true;
  std::vector<Marker> markers;
};

struct Histogram {
  std::string title, x_label, y_label = "count";
  std::vector<double> values;
  int bins = 20;
  Colour colour = kBlue;
  std::vector<Marker> markers;  ///< e.g. the mean
};

void draw(const LineChart& chart, const Viewport& where = {});
/// Heatmaps leave room on the right for their colour bar.
inline constexpr Viewport kHeatmapViewport{0.09, 0.78, 0.12, 0.90};
void draw(const Heatmap& chart, const Viewport& where = kHeatmapViewport);
void draw(const Histogram& chart, const Viewport& where = {});

/// The [min, max] of the finite (and, for log axes, positive) values; nullopt when there are none.
std::optional<std::pair<double, double>> finiteRange(const std::vector<double>& values, bool positive_only);

}  // namespace mfg::io::plot
