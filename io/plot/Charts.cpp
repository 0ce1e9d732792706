#include "io/plot/Charts.hpp"

#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace mfg::io::plot {

namespace {

constexpr double kLineWidth = 2.0;

struct Window {
  double x0, x1, y0, y1;
};

/// Viewport, window, grid, axes with ticks and labels, title. `log_y`: y is in decades (log10).
void frame(const Viewport& v, const Window& w, bool log_y, const std::string& title, const std::string& x_label,
           const std::string& y_label, bool grid = true) {
  plvpor(v.x0, v.x1, v.y0, v.y1);
  plwind(w.x0, w.x1, w.y0, w.y1);
  if (grid) {
    plcol0(kGrid);
    plwidth(0.5);
    plbox("g", 0.0, 0, log_y ? "gl" : "g", 0.0, 0);
  }
  plcol0(kInk);
  plwidth(1.0);
  // x: numeric labels, major and minor ticks; y: the same, labels parallel to the axis; on log
  // axes "l" labels each decade as 10^k and puts minor ticks at 2..9 × 10^k.
  plbox("bcnst", 0.0, 0, log_y ? "bcnstvl" : "bcnstv", 0.0, 0);
  plschr(0.0, 1.05);
  plmtex("t", 1.4, 0.5, 0.5, title.c_str());
  plschr(0.0, 0.9);
  plmtex("b", 3.0, 0.5, 0.5, x_label.c_str());
  plmtex("l", log_y ? 4.2 : 5.2, 0.5, 0.5, y_label.c_str());
}

/// PLplot labels only the decades 10^k of a log axis; when fewer than two fall inside the window,
/// 2·10^k and 5·10^k are labelled as well, so that every log axis carries at least two values.
void labelWithinDecades(const Window& w) {
  int decades = 0;
  for (double k = std::ceil(w.y0); k <= w.y1; k += 1) ++decades;
  if (decades >= 2) return;
  plcol0(kInk);
  for (double k = std::floor(w.y0); k <= std::ceil(w.y1); k += 1)
    for (int m : {2, 5}) {
      const double y = k + std::log10(static_cast<double>(m));
      if (y < w.y0 || y > w.y1) continue;
      const std::string text = std::to_string(m) + "×10#u" + std::to_string(static_cast<int>(k)) + "#d";
      plmtex("lv", 0.7, (y - w.y0) / (w.y1 - w.y0), 1.0, text.c_str());
    }
}

/// A curve in axes coordinates [0, 1]², evaluated by linear interpolation between its samples
/// (x ascending); nullopt outside its samples or next to a missing one.
class AxesCurve {
 public:
  AxesCurve(const std::vector<double>& x, const std::vector<double>& y, const Window& w, bool log_y) {
    for (std::size_t k = 0; k < x.size() && k < y.size(); ++k) {
      const bool ok = std::isfinite(x[k]) && std::isfinite(y[k]) && (!log_y || y[k] > 0);
      u_.push_back(ok ? (x[k] - w.x0) / (w.x1 - w.x0) : std::nan(""));
      v_.push_back(ok ? ((log_y ? std::log10(y[k]) : y[k]) - w.y0) / (w.y1 - w.y0) : std::nan(""));
    }
  }
  std::optional<double> at(double u) const {
    for (std::size_t k = 0; k + 1 < u_.size(); ++k)
      if (u_[k] <= u && u <= u_[k + 1] && u_[k + 1] > u_[k])
        return v_[k] + (v_[k + 1] - v_[k]) * (u - u_[k]) / (u_[k + 1] - u_[k]);
    return std::nullopt;
  }

 private:
  std::vector<double> u_, v_;
};

/// The corner of the axes (as a PLplot legend position) where a legend of `entries` lines hides
/// the least of the curves and the band, judged on a grid of points in each corner.
PLINT emptiestCorner(const LineChart& chart, const Window& w, std::size_t entries) {
  const PLINT corners[4] = {PL_POSITION_TOP | PL_POSITION_RIGHT, PL_POSITION_BOTTOM | PL_POSITION_LEFT,
                            PL_POSITION_TOP | PL_POSITION_LEFT, PL_POSITION_BOTTOM | PL_POSITION_RIGHT};
  std::vector<AxesCurve> lines;
  for (const auto& s : chart.series) lines.emplace_back(s.x, s.y, w, chart.log_y);
  std::optional<AxesCurve> low, high;
  if (chart.band) {
    low.emplace(chart.band->x, chart.band->low, w, chart.log_y);
    high.emplace(chart.band->x, chart.band->high, w, chart.log_y);
  }
  const double width = 0.55, height = std::min(0.6, 0.04 + 0.075 * static_cast<double>(entries));
  std::size_t best = 0, best_hidden = std::numeric_limits<std::size_t>::max();
  for (std::size_t c = 0; c < 4; ++c) {
    const bool right = c == 0 || c == 3, top = c == 0 || c == 2;
    std::size_t hidden = 0;
    for (int i = 0; i <= 24; ++i)
      for (int j = 0; j <= 8; ++j) {
        const double u = right ? 1.0 - width * i / 24.0 : width * i / 24.0;
        const double v = top ? 1.0 - height * j / 8.0 : height * j / 8.0;
        for (const auto& line : lines)
          if (const auto y = line.at(u); y && std::abs(*y - v) < 0.03) ++hidden;
        if (low && high) {
          const auto a = low->at(u), b = high->at(u);
          if (a && b && std::min(*a, *b) <= v && v <= std::max(*a, *b)) ++hidden;
        }
      }
    if (hidden < best_hidden) best = c, best_hidden = hidden;
  }
  return corners[best] | PL_POSITION_INSIDE;
}

/// Runs of consecutive indices where keep(k) holds.
template <class Keep>
std::vector<std::pair<std::size_t, std::size_t>> runs(std::size_t n, Keep keep) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t k = 0; k < n;) {
    if (!keep(k)) {
      ++k;
      continue;
    }
    std::size_t end = k;
    while (end < n && keep(end)) ++end;
    out.emplace_back(k, end);
    k = end;
  }
  return out;
}

void drawMarkers(const std::vector<Marker>& markers, const Window& w) {
  for (const auto& m : markers) {
    plcol0(m.colour);
    plwidth(1.5);
    pllsty(m.dashed ? 2 : 1);
    const bool vertical = m.direction == Marker::Direction::Vertical;
    const double xs[2] = {vertical ? m.at : w.x0, vertical ? m.at : w.x1};
    const double ys[2] = {vertical ? w.y0 : m.at, vertical ? w.y1 : m.at};
    plline(2, xs, ys);
    pllsty(1);
    if (m.label.empty()) continue;
    plschr(0.0, 0.75);
    const double dx = (w.x1 - w.x0) * 0.008, dy = (w.y1 - w.y0) * 0.03;
    if (vertical)  // written upwards along the line, just right of it, from the bottom
      plptex(m.at + dx, w.y0 + dy, 0.0, 1.0, 0.0, m.label.c_str());
    else
      plptex(w.x0 + dx, m.at + dy, 1.0, 0.0, 0.0, m.label.c_str());
    plschr(0.0, 0.9);
  }
}

}  // namespace

std::optional<std::pair<double, double>> finiteRange(const std::vector<double>& values, bool positive_only) {
  std::optional<std::pair<double, double>> r;
  for (double v : values) {
    if (!std::isfinite(v) || (positive_only && v <= 0)) continue;
    if (!r) r = std::make_pair(v, v);
    r->first = std::min(r->first, v);
    r->second = std::max(r->second, v);
  }
  return r;
}

void draw(const LineChart& chart, const Viewport& where) {
  std::vector<double> xs, ys;
  for (const auto& s : chart.series) {
    if (s.x.size() != s.y.size()) throw std::logic_error("line chart '" + chart.title + "': x and y differ in length");
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  if (chart.band) {
    xs.insert(xs.end(), chart.band->x.begin(), chart.band->x.end());
    ys.insert(ys.end(), chart.band->low.begin(), chart.band->low.end());
    ys.insert(ys.end(), chart.band->high.begin(), chart.band->high.end());
  }
  const auto xr = finiteRange(xs, false);
  const auto yr = finiteRange(ys, chart.log_y);
  if (!xr || !yr) throw std::logic_error("line chart '" + chart.title + "' has no finite data");
  Window w{xr->first, xr->second, 0, 1};
  if (w.x1 <= w.x0) w.x1 = w.x0 + 1;
  const auto y = [&](double v) { return chart.log_y ? std::log10(v) : v; };
  if (chart.log_y) {
    // The data's own range (at least half a decade) with a margin: rounding out to whole decades
    // can leave the curves in a thin strip of the axes.
    const double lo = std::log10(yr->first), hi = std::log10(yr->second);
    const double span = std::max(hi - lo, 0.5), middle = 0.5 * (lo + hi);
    w.y0 = std::min(lo, middle - 0.5 * span) - 0.06 * span;
    w.y1 = std::max(hi, middle + 0.5 * span) + 0.06 * span;
  } else {
    const double pad = yr->second > yr->first ? 0.05 * (yr->second - yr->first) : std::max(1.0, std::abs(yr->first));
    w.y0 = yr->first - pad;
    w.y1 = yr->second + pad;
  }
  frame(where, w, chart.log_y, chart.title, chart.x_label, chart.y_label);
  if (chart.log_y) labelWithinDecades(w);
  const auto usable = [&](double v) { return std::isfinite(v) && (!chart.log_y || v > 0); };

  if (const auto& b = chart.band) {
    plcol0(b->colour);
    const auto pieces = runs(b->x.size(), [&](std::size_t k) { return usable(b->low[k]) && usable(b->high[k]); });
    for (auto [lo, hi] : pieces) {
      std::vector<double> px, py;
      for (std::size_t k = lo; k < hi; ++k) px.push_back(b->x[k]), py.push_back(y(b->high[k]));
      for (std::size_t k = hi; k-- > lo;) px.push_back(b->x[k]), py.push_back(y(b->low[k]));
      if (hi - lo == 1) {  // a single sample: a thin vertical bar, so that it stays visible
        px = {b->x[lo], b->x[lo], b->x[lo]};
        py = {y(b->low[lo]), y(b->high[lo]), y(b->low[lo])};
        plline(2, px.data(), py.data());
        continue;
      }
      plfill(static_cast<PLINT>(px.size()), px.data(), py.data());
    }
  }
  for (const auto& s : chart.series) {
    plcol0(s.colour);
    plwidth(kLineWidth);
    pllsty(s.dashed ? 3 : 1);
    for (auto [lo, hi] : runs(s.x.size(), [&](std::size_t k) { return usable(s.y[k]) && std::isfinite(s.x[k]); })) {
      std::vector<double> px(s.x.begin() + static_cast<long>(lo), s.x.begin() + static_cast<long>(hi)), py;
      for (std::size_t k = lo; k < hi; ++k) py.push_back(y(s.y[k]));
      if (px.size() > 1) plline(static_cast<PLINT>(px.size()), px.data(), py.data());
      if (s.points || px.size() == 1) {
        plssym(0.0, 0.9);
        plpoin(static_cast<PLINT>(px.size()), px.data(), py.data(), 17);
      }
    }
  }
  pllsty(1);
  plwidth(1.0);
  drawMarkers(chart.markers, w);

  // Legend: the band as a filled box, each series as a line.
  std::vector<std::string> text;
  std::vector<PLINT> opts, text_colours, box_colours, box_patterns, line_colours, line_styles, symbol_colours,
      symbol_numbers;
  std::vector<PLFLT> box_scales, box_widths, line_widths, symbol_scales;
  std::vector<const char*> symbols;
  const auto entry = [&](const std::string& label, Colour colour, bool box, bool dashed) {
    text.push_back(label);
    opts.push_back(box ? PL_LEGEND_COLOR_BOX : PL_LEGEND_LINE);
    text_colours.push_back(kInk);
    box_colours.push_back(colour);
    box_patterns.push_back(0);
    box_scales.push_back(0.8);
    box_widths.push_back(1.0);
    line_colours.push_back(colour);
    line_styles.push_back(dashed ? 3 : 1);
    line_widths.push_back(kLineWidth);
    symbol_colours.push_back(colour);
    symbol_scales.push_back(1.0);
    symbol_numbers.push_back(0);
    symbols.push_back("");
  };
  for (const auto& s : chart.series)
    if (!s.label.empty()) entry(s.label, s.colour, false, s.dashed);
  if (chart.band && !chart.band->label.empty()) entry(chart.band->label, chart.band->colour, true, false);
  if (text.empty()) return;
  std::vector<const char*> text_ptrs;
  for (const auto& t : text) text_ptrs.push_back(t.c_str());
  PLFLT width = 0, height = 0;
  plschr(0.0, 0.8);
  pllegend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, emptiestCorner(chart, w, text.size()), 0.02, 0.03, 0.06, kBackground, kGrid, 1, 0, 0,
           static_cast<PLINT>(text.size()), opts.data(), 1.0, 1.0, 2.0, 0.0, text_colours.data(), text_ptrs.data(),
           box_colours.data(), box_patterns.data(), box_scales.data(), box_widths.data(), line_colours.data(),
           line_styles.data(), line_widths.data(), symbol_colours.data(), symbol_scales.data(), symbol_numbers.data(),
           symbols.data());
  plschr(0.0, 0.9);
}

void draw(const Heatmap& chart, const Viewport& where) {
  if (chart.rows == 0 || chart.columns == 0 || chart.values.size() != chart.rows * chart.columns)
    throw std::logic_error("heatmap '" + chart.title + "': values do not fill rows x columns");
  const auto range = finiteRange(chart.values, false);
  if (!range) throw std::logic_error("heatmap '" + chart.title + "' has no finite value");
  const double low = std::min(0.0, range->first);
  double high = chart.value_max.value_or(range->second);
  if (high <= low) high = low + 1;
  const Window w{chart.x_first - 0.5 * chart.x_step, chart.x_first + (static_cast<double>(chart.columns) - 0.5) * chart.x_step,
                 chart.y_first - 0.5 * chart.y_step, chart.y_first + (static_cast<double>(chart.rows) - 0.5) * chart.y_step};
  plvpor(where.x0, where.x1, where.y0, where.y1);
  plwind(w.x0, w.x1, w.y0, w.y1);
  // PLplot's image: one row pointer per x (column), one entry per y (row). Without a transform,
  // plimagefr spreads n samples over n - 1 cells between the given edges, so one padding sample
  // per direction makes cell k exactly [edge + k·step, edge + (k+1)·step].
  std::vector<std::vector<double>> by_column(chart.columns + 1, std::vector<double>(chart.rows + 1));
  std::vector<const double*> pointers(chart.columns + 1);
  for (std::size_t c = 0; c <= chart.columns; ++c) {
    for (std::size_t r = 0; r <= chart.rows; ++r)
      by_column[c][r] = chart.values[std::min(r, chart.rows - 1) * chart.columns + std::min(c, chart.columns - 1)];
    pointers[c] = by_column[c].data();
  }
  plimagefr(pointers.data(), static_cast<PLINT>(chart.columns + 1), static_cast<PLINT>(chart.rows + 1), w.x0, w.x1,
            w.y0, w.y1, low, high, low, high, nullptr, nullptr);
  frame(where, w, false, chart.title, chart.x_label, chart.y_label, false);
  drawMarkers(chart.markers, w);
  if (!chart.colour_bar) return;
  const PLINT label_opts[] = {PL_COLORBAR_LABEL_RIGHT};
  const char* labels[] = {chart.colour_label.c_str()};
  const char* axis_opts[] = {"bcvtm"};
  const PLFLT ticks[] = {0.0};
  const PLINT sub_ticks[] = {0};
  // The bar is itself an image of evenly spaced values, fine enough to look continuous.
  std::vector<PLFLT> levels(128);
  for (std::size_t k = 0; k < levels.size(); ++k)
    levels[k] = low + (high - low) * static_cast<double>(k) / static_cast<double>(levels.size() - 1);
  const PLINT n_values[] = {static_cast<PLINT>(levels.size())};
  const PLFLT* values[] = {levels.data()};
  PLFLT width = 0, height = 0;
  plcol0(kInk);
  plschr(0.0, 0.8);
  plcolorbar(&width, &height, PL_COLORBAR_IMAGE, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE | PL_POSITION_VIEWPORT, 0.02,
             0.0, 0.035, 1.0, kBackground, kInk, 1, 0.0, 0.0, 0, 0.0, 1, label_opts, labels, 1, axis_opts, ticks, sub_ticks,
             n_values, values);
  plschr(0.0, 0.9);
}

void draw(const Histogram& chart, const Viewport& where) {
  const auto range = finiteRange(chart.values, false);
  if (!range) throw std::logic_error("histogram '" + chart.title + "' has no finite value");
  double lo = range->first, hi = range->second;
  if (hi <= lo) {
    const double half = std::max(0.5, std::abs(lo) * 0.05);
    lo -= half;
    hi += half;
  }
  const int bins = std::max(1, chart.bins);
  std::vector<double> counts(static_cast<std::size_t>(bins), 0.0);
  for (double v : chart.values) {
    if (!std::isfinite(v)) continue;
    const auto k = std::min(bins - 1, static_cast<int>((v - lo) / (hi - lo) * bins));
    counts[static_cast<std::size_t>(std::max(0, k))] += 1;
  }
  const double top = *std::max_element(counts.begin(), counts.end());
  const double pad = 0.04 * (hi - lo);  // the outer bars stay clear of the frame
  const Window w{lo - pad, hi + pad, 0.0, top * 1.1};
  frame(where, w, false, chart.title, chart.x_label, chart.y_label);
  const double step = (hi - lo) / bins;
  for (int k = 0; k < bins; ++k) {
    const double c = counts[static_cast<std::size_t>(k)];
    if (c <= 0) continue;
    const double x0 = lo + k * step, x1 = x0 + step;
    const double px[4] = {x0, x1, x1, x0}, py[4] = {0, 0, c, c};
    plcol0(chart.colour);
    plfill(4, px, py);
    plcol0(kWhite);
    plwidth(1.0);
    const double ox[5] = {x0, x1, x1, x0, x0}, oy[5] = {0, 0, c, c, 0};
    plline(5, ox, oy);
  }
  drawMarkers(chart.markers, w);
}

}  // namespace mfg::io::plot
