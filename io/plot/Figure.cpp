#include "io/plot/Figure.hpp"

#include <plplot.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "solver/models/InputError.hpp"

namespace mfg::io::plot {

namespace {

// Colour map 0, indexed by Colour: white paper, near-black ink, light grid, then the
// matplotlib "tab10" hues that readers know from other plots.
constexpr std::array<Rgb, 11> kPalette = {{{255, 255, 255},
                                           {30, 30, 30},
                                           {220, 220, 220},
                                           {31, 119, 180},
                                           {255, 127, 14},
                                           {44, 160, 44},
                                           {214, 39, 40},
                                           {148, 103, 189},
                                           {174, 199, 232},
                                           {127, 127, 127},
                                           {255, 255, 255}}};

// Viridis at five evenly spaced points; PLplot interpolates linearly in RGB between them.
constexpr std::array<Rgb, 5> kViridis = {{{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, kColourMapTop}};

// PLplot reports non-fatal errors through one process-wide callback without a user pointer; the
// stream being drawn points this at its own list while it is current (one stream at a time).
thread_local std::vector<std::string>* t_error_sink = nullptr;

void recordError(const char* message) {
  if (t_error_sink) t_error_sink->emplace_back(message ? message : "unknown PLplot error");
}

void setColourMaps() {
  std::array<PLINT, kPalette.size()> r{}, g{}, b{};
  for (std::size_t k = 0; k < kPalette.size(); ++k) {
    r[k] = kPalette[k].r;
    g[k] = kPalette[k].g;
    b[k] = kPalette[k].b;
  }
  plscmap0(r.data(), g.data(), b.data(), static_cast<PLINT>(kPalette.size()));
  std::array<PLFLT, kViridis.size()> at{}, red{}, green{}, blue{};
  for (std::size_t k = 0; k < kViridis.size(); ++k) {
    at[k] = static_cast<double>(k) / static_cast<double>(kViridis.size() - 1);
    red[k] = kViridis[k].r / 255.0;
    green[k] = kViridis[k].g / 255.0;
    blue[k] = kViridis[k].b / 255.0;
  }
  plscmap1n(256);
  plscmap1l(1, static_cast<PLINT>(kViridis.size()), at.data(), red.data(), green.data(), blue.data(), nullptr);
}

/// PLplot asks on the terminal for another device when the requested one is missing; check first.
void requireDevice(const std::string& device) {
  std::array<const char*, 256> menus{}, names{};
  int count = static_cast<int>(names.size());  // in: room in the arrays; out: devices listed
  const char** menu_list = menus.data();
  const char** name_list = names.data();
  plgDevs(&menu_list, &name_list, &count);
  for (int k = 0; k < count; ++k)
    if (names[static_cast<std::size_t>(k)] && device == names[static_cast<std::size_t>(k)]) return;
  throw std::runtime_error("PLplot has no '" + device + "' driver (Debian: plplot-driver-cairo)");
}

std::string deviceFor(const std::string& extension) {
  if (extension == "png") return "pngcairo";
  if (extension == "pdf") return "pdfcairo";
  return "svgcairo";
}

}  // namespace

Formats Formats::parse(const std::string& list) {
  Formats f{false, false, false};
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item == "png") f.png = true;
    else if (item == "pdf") f.pdf = true;
    else if (item == "svg") f.svg = true;
    else throw InputError("--format: '" + item + "' is not a plot format (valid: png, pdf, svg, comma-separated)");
  }
  if (!f.png && !f.pdf && !f.svg) throw InputError("--format: empty list (valid: png, pdf, svg, comma-separated)");
  return f;
}

std::vector<std::string> Formats::extensions() const {
  std::vector<std::string> out;
  if (png) out.emplace_back("png");
  if (pdf) out.emplace_back("pdf");
  if (svg) out.emplace_back("svg");
  return out;
}

Rgb rgbOf(Colour colour) { return kPalette.at(static_cast<std::size_t>(colour)); }

Stream::Stream(const std::string& device, const std::string& file, PageSize size) {
  requireDevice(device);
  PLINT id = -1;
  plmkstrm(&id);  // a new stream, made current
  if (id < 0) throw std::runtime_error("PLplot could not create a stream for " + file);
  id_ = id;
  t_error_sink = &errors_;
  plsabort(recordError);
  plsdev(device.c_str());
  plsfnam(file.c_str());
  const std::string geometry = std::to_string(size.width) + "x" + std::to_string(size.height);
  plsetopt("geometry", geometry.c_str());
  setColourMaps();
  plinit();
  pladv(0);
  plschr(0.0, 0.9);
}

void Stream::finish() {
  if (ended_) return;
  plsstrm(id_);
  plend1();
  ended_ = true;
  t_error_sink = nullptr;
  if (!errors_.empty()) throw std::runtime_error("PLplot: " + errors_.front());
}

Stream::~Stream() {
  if (ended_) return;
  plsstrm(id_);
  plend1();
  t_error_sink = nullptr;
}

std::vector<std::string> render(const std::string& base, const Formats& formats, PageSize size,
                                const std::function<void()>& draw) {
  std::vector<std::string> written;
  for (const auto& extension : formats.extensions()) {
    const std::string path = base + "." + extension;
    const std::string partial = base + ".partial-" + std::to_string(::getpid()) + "." + extension;
    // PLplot exits the process when it cannot open its output; open it here first so that an
    // unwritable directory is an exception instead.
    if (!std::ofstream(partial, std::ios::binary | std::ios::trunc))
      throw std::runtime_error("cannot write the plot file " + partial);
    try {
      Stream stream(deviceFor(extension), partial, size);
      draw();
      stream.finish();
    } catch (...) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw;
    }
    std::error_code ec;
    std::filesystem::rename(partial, path, ec);
    if (ec) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw std::runtime_error("cannot rename " + partial + " to " + path + ": " + ec.message());
    }
    written.push_back(path);
  }
  return written;
}

}  // namespace mfg::io::plot
