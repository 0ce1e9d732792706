// `mfg plot DIR`: PNGs from the result.h5 of `mfg train` (or `mfg solve`):
//   exploitability.png        exploitability (log scale) against training wall time
//   mean_field_path<j>.png    μ_t as a heatmap, time × state (the first state dimension's
//                             marginal for product states, e.g. macro's wealth), one per path
//   policy_t<t>.png           π_t(a|s) on the first path, state × action, at the saved times
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/core.h>

#include "io/Hdf5.hpp"
#include "io/Logger.hpp"
#include "io/cli/Commands.hpp"
#include "io/plot/Png.hpp"
#include "solver/models/InputError.hpp"

namespace mfg::cli {

namespace {

struct Array {
  std::vector<double> values;
  std::vector<hsize_t> dims;
};

bool readArray(hid_t file, const char* name, Array& out) {
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return false;
  io::Hid d(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose);
  if (!d.valid()) return false;
  io::Hid s(H5Dget_space(d), H5Sclose);
  out.dims.assign(static_cast<std::size_t>(H5Sget_simple_extent_ndims(s)), 0);
  H5Sget_simple_extent_dims(s, out.dims.data(), nullptr);
  out.values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  return H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) >= 0;
}

std::string label(double v) {
  if (v == 0.0) return "0";
  const double a = std::abs(v);
  if (a >= 1e4 || a < 1e-2) return fmt::format("{:.0e}", v);
  return fmt::format("{:.3g}", v);
}

const io::Rgb kInk{30, 30, 30}, kGrid{225, 225, 225};

/// Axes frame with ticks; returns the plot area [x0, x1] × [y0, y1] in pixels.
struct Frame {
  int x0 = 110, x1, y0 = 50, y1;
};

void exploitabilityPlot(const std::string& path, const Array& wall, const Array& clair, const Array* exact) {
  io::Canvas c(900, 560);
  Frame f{110, 860, 50, 480};
  std::vector<double> all;
  for (double v : clair.values)
    if (v > 0 && std::isfinite(v)) all.push_back(v);
  if (exact)
    for (double v : exact->values)
      if (v > 0 && std::isfinite(v)) all.push_back(v);
  if (all.empty()) all.push_back(1.0);
  const double lo = std::floor(std::log10(*std::min_element(all.begin(), all.end())));
  const double hi = std::max(lo + 1, std::ceil(std::log10(*std::max_element(all.begin(), all.end()))));
  const double tmax = std::max(1e-9, *std::max_element(wall.values.begin(), wall.values.end()));
  const auto X = [&](double t) { return f.x0 + (f.x1 - f.x0) * t / tmax; };
  const auto Y = [&](double v) { return f.y1 - (f.y1 - f.y0) * (std::log10(std::max(v, 1e-300)) - lo) / (hi - lo); };
  for (double d = lo; d <= hi; d += 1) {
    c.line(f.x0, Y(std::pow(10, d)), f.x1, Y(std::pow(10, d)), kGrid);
    const std::string s = label(std::pow(10, d));
    c.text(f.x0 - 10 - io::Canvas::textWidth(s), static_cast<int>(Y(std::pow(10, d))) - 7, s, kInk);
  }
  for (int k = 0; k <= 5; ++k) {
    const double t = tmax * k / 5;
    c.line(X(t), f.y0, X(t), f.y1, kGrid);
    const std::string s = label(t);
    c.text(static_cast<int>(X(t)) - io::Canvas::textWidth(s) / 2, f.y1 + 12, s, kInk);
  }
  c.line(f.x0, f.y1, f.x1, f.y1, kInk, 2);
  c.line(f.x0, f.y0, f.x0, f.y1, kInk, 2);
  const io::Rgb blue{31, 119, 180}, orange{255, 127, 14};
  const auto series = [&](const Array& v, io::Rgb col) {
    for (std::size_t k = 0; k < v.values.size(); ++k) {
      if (!(v.values[k] > 0) || !std::isfinite(v.values[k])) continue;
      c.rect(static_cast<int>(X(wall.values[k])) - 2, static_cast<int>(Y(v.values[k])) - 2,
             static_cast<int>(X(wall.values[k])) + 2, static_cast<int>(Y(v.values[k])) + 2, col);
      if (k > 0 && v.values[k - 1] > 0 && std::isfinite(v.values[k - 1]))
        c.line(X(wall.values[k - 1]), Y(v.values[k - 1]), X(wall.values[k]), Y(v.values[k]), col, 2);
    }
  };
  series(clair, blue);
  if (exact) series(*exact, orange);
  c.text(f.x0, 14, "exploitability (log scale) vs training wall time [s]", kInk);
  c.rect(f.x1 - 300, f.y0 + 10, f.x1 - 288, f.y0 + 22, blue);
  c.text(f.x1 - 280, f.y0 + 10, "clairvoyant (paths)", kInk);
  if (exact) {
    c.rect(f.x1 - 300, f.y0 + 32, f.x1 - 288, f.y0 + 44, orange);
    c.text(f.x1 - 280, f.y0 + 32, "exact (tree)", kInk);
  }
  c.text((f.x0 + f.x1) / 2 - 60, f.y1 + 40, "wall time [s]", kInk);
  c.save(path, "exploitability vs wall time");
}

/// Heatmap of rows × columns values (row 0 at the bottom), colour-scaled to its own maximum.
void heatmap(const std::string& path, const std::string& title, const std::vector<double>& v, std::size_t rows,
             std::size_t cols, const std::string& xlabel, const std::string& ylabel) {
  io::Canvas c(960, 600);
  Frame f{110, 800, 50, 520};
  const double top = std::max(1e-300, *std::max_element(v.begin(), v.end()));
  const double cw = static_cast<double>(f.x1 - f.x0) / cols, rh = static_cast<double>(f.y1 - f.y0) / rows;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < cols; ++k)
      c.rect(f.x0 + static_cast<int>(k * cw), f.y1 - static_cast<int>((r + 1) * rh) + 1,
             f.x0 + static_cast<int>((k + 1) * cw) - 1, f.y1 - static_cast<int>(r * rh), io::viridis(v[r * cols + k] / top));
  for (int k = 0; k <= 4; ++k) {
    const auto col = static_cast<double>(cols - 1) * k / 4, row = static_cast<double>(rows - 1) * k / 4;
    const std::string xs = label(std::round(col)), ys = label(std::round(row));
    c.text(f.x0 + static_cast<int>((col + 0.5) * cw) - io::Canvas::textWidth(xs) / 2, f.y1 + 10, xs, kInk);
    c.text(f.x0 - 10 - io::Canvas::textWidth(ys), f.y1 - static_cast<int>((row + 0.5) * rh) - 7, ys, kInk);
  }
  for (int k = 0; k <= 20; ++k)  // colour bar
    c.rect(f.x1 + 30, f.y1 - (f.y1 - f.y0) * (k + 1) / 21, f.x1 + 50, f.y1 - (f.y1 - f.y0) * k / 21, io::viridis(k / 20.0));
  c.text(f.x1 + 56, f.y0, label(top), kInk);
  c.text(f.x1 + 56, f.y1 - 14, "0", kInk);
  c.text(f.x0, 14, title, kInk);
  c.text((f.x0 + f.x1) / 2 - io::Canvas::textWidth(xlabel) / 2, f.y1 + 34, xlabel, kInk);
  c.text(10, f.y0 - 30, ylabel, kInk);
  c.save(path, title);
}

}  // namespace

void plot(const std::string& dir, MPI_Comm comm) {
  io::Logger log(comm);
  const auto result = std::filesystem::path(dir) / "result.h5";
  if (!std::filesystem::is_regular_file(result)) throw InputError("plot: '" + result.string() + "' does not exist");
  if (!log.isRoot()) return;
  io::Hid file(H5Fopen(result.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw InputError("plot: '" + result.string() + "' is not an HDF5 file");
  Array wall, clair, exact, mu, pi;
  if (!readArray(file, "/history/wall_seconds", wall) || !readArray(file, "/history/exploitability", clair))
    throw InputError("plot: '" + result.string() + "' has no /history/wall_seconds and /history/exploitability");
  const bool has_exact = readArray(file, "/history/non_anticipative", exact);
  const auto out = std::filesystem::path(dir);
  exploitabilityPlot((out / "exploitability.png").string(), wall, clair, has_exact ? &exact : nullptr);
  log.info("wrote {}", (out / "exploitability.png").string());

  if (readArray(file, "/paths/mean_field", mu) && mu.dims.size() >= 3) {
    const auto P = mu.dims[0], T1 = mu.dims[1], first = mu.dims[2];
    std::size_t S = 1;
    for (std::size_t d = 2; d < mu.dims.size(); ++d) S *= mu.dims[d];
    const std::size_t rest = S / first;
    for (hsize_t j = 0; j < P; ++j) {
      // rows = first state coordinate (marginal over the others), columns = time.
      std::vector<double> grid(first * T1, 0.0);
      for (hsize_t t = 0; t < T1; ++t)
        for (std::size_t s = 0; s < S; ++s) grid[(s / rest) * T1 + t] += mu.values[(j * T1 + t) * S + s];
      const auto name = out / fmt::format("mean_field_path{}.png", j);
      heatmap(name.string(), fmt::format("mean field, path {} ({} vs time)", j, rest > 1 ? "first state coordinate, marginal" : "state"), grid,
              first, T1, "time t", rest > 1 ? "first state coordinate" : "state");
      log.info("wrote {}", name.string());
    }
  }
  if (readArray(file, "/paths/policy", pi) && pi.dims.size() >= 4) {
    std::vector<std::int64_t> times;
    if (io::Hid g(H5Gopen2(file, "/paths", H5P_DEFAULT), H5Gclose); g.valid() && H5Aexists(g, "times") > 0) {
      io::Hid a(H5Aopen(g, "times", H5P_DEFAULT), H5Aclose);
      io::Hid s(H5Aget_space(a), H5Sclose);
      times.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
      H5Aread(a, H5T_NATIVE_INT64, times.data());
    }
    const auto K = pi.dims[1];
    std::size_t total = 1;
    for (std::size_t d = 2; d < pi.dims.size(); ++d) total *= pi.dims[d];
    std::size_t S = 1;
    for (std::size_t d = 2; d < mu.dims.size(); ++d) S *= mu.dims[d];
    if (S == 0 || total % S != 0) S = pi.dims[2];
    const std::size_t A = total / S;
    for (hsize_t k = 0; k < K; ++k) {
      std::vector<double> slice(pi.values.begin() + static_cast<long>(k * total),
                                pi.values.begin() + static_cast<long>((k + 1) * total));
      const long t = k < times.size() ? times[k] : static_cast<long>(k);
      const auto name = out / fmt::format("policy_t{}.png", t);
      heatmap(name.string(), fmt::format("policy at t = {}, path 0 (action vs state)", t), slice, S, A, "action",
              "state");
      log.info("wrote {}", name.string());
    }
  }
}

}  // namespace mfg::cli
