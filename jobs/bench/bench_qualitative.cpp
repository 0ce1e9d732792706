// The RSPG paper's qualitative results, read from the /paths of a `mfg train` result.h5:
//   beach_bar: per path, the mass within distance 1 of the bar (b = z[0], open = z[1]) and the
//              mean distance to it, per t (the history-aware policy leaves before the possible
//              closure at t = 15 and comes back when the bar stays open), then one summary line:
//              the largest such mass before t = 13, the mass at t = 15, and its mean over t = 20..25;
//   macro:     per path, the mean wealth index per t (spending before the horizon lowers it).
//   bench_qualitative beach_bar|macro OUT/result.h5
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/Hdf5.hpp"

namespace {

using mfg::io::checked;
using mfg::io::Hid;

std::vector<double> readDataset(hid_t file, const char* name, std::vector<hsize_t>& dims) {
  Hid d(checked(H5Dopen2(file, name, H5P_DEFAULT), name), H5Dclose);
  Hid s(checked(H5Dget_space(d), "H5Dget_space"), H5Sclose);
  dims.resize(static_cast<std::size_t>(checked(H5Sget_simple_extent_ndims(s), "H5Sget_simple_extent_ndims")));
  checked(H5Sget_simple_extent_dims(s, dims.data(), nullptr), "H5Sget_simple_extent_dims");
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  checked(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
  return v;
}

void beachBar(const std::vector<double>& mu, const std::vector<hsize_t>& md, const std::vector<double>& z,
              const std::vector<hsize_t>& zd) {
  const hsize_t P = md[0], T1 = md[1], S = md[2], W = zd[2];
  for (hsize_t j = 0; j < P; ++j) {
    const long b = std::lround(z[(j * T1) * W]);
    std::printf("path %llu: bar at %ld, %s after t = 15\n", static_cast<unsigned long long>(j), b,
                z[(j * T1 + T1 - 1) * W + 1] > 0.5 ? "open" : "closed");
    std::printf("   t  mass |s-b|<=1  mean |s-b|  open\n");
    double before = 0.0, at15 = NAN, after = 0.0;
    int after_steps = 0;
    for (hsize_t t = 0; t < T1; ++t) {
      double near = 0.0, distance = 0.0;
      for (hsize_t s = 0; s < S; ++s) {
        const double m = mu[(j * T1 + t) * S + s];
        const long d = std::labs(static_cast<long>(s) - b);
        near += d <= 1 ? m : 0.0;
        distance += m * static_cast<double>(d);
      }
      std::printf("  %2llu  %12.4f  %10.3f  %g\n", static_cast<unsigned long long>(t), near, distance,
                  z[(j * T1 + t) * W + 1]);
      if (t < 13) before = std::max(before, near);
      if (t == 15) at15 = near;
      if (t >= 20 && t <= 25) after += near, ++after_steps;
    }
    std::printf("path %llu summary: largest mass before t = 13 %.3f, at t = 15 %.3f, mean over t = 20..25 %.3f\n",
                static_cast<unsigned long long>(j), before, at15, after_steps > 0 ? after / after_steps : NAN);
  }
}

void macro(const std::vector<double>& mu, const std::vector<hsize_t>& md) {
  const hsize_t P = md[0], T1 = md[1], incomes = md.size() > 3 ? md[3] : 1;
  hsize_t S = 1;
  for (std::size_t k = 2; k < md.size(); ++k) S *= md[k];
  std::printf("mean wealth index (state = wealth index x %llu incomes + income index)\n   t",
              static_cast<unsigned long long>(incomes));
  for (hsize_t j = 0; j < P; ++j) std::printf("   path %llu", static_cast<unsigned long long>(j));
  std::printf("\n");
  for (hsize_t t = 0; t < T1; t += (t + 8 < T1 ? 8 : 1)) {
    std::printf("%4llu", static_cast<unsigned long long>(t));
    for (hsize_t j = 0; j < P; ++j) {
      double m = 0.0;
      for (hsize_t s = 0; s < S; ++s) m += mu[(j * T1 + t) * S + s] * static_cast<double>(s / incomes);
      std::printf("  %7.2f", m);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "beach_bar" && std::string(argv[1]) != "macro")) {
    std::fprintf(stderr, "usage: bench_qualitative beach_bar|macro OUT/result.h5\n");
    return 2;
  }
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    Hid file(checked(H5Fopen(argv[2], H5F_ACC_RDONLY, H5P_DEFAULT), "H5Fopen"), H5Fclose);
    std::vector<hsize_t> md, zd;
    const auto mu = readDataset(file, "/paths/mean_field", md);
    if (std::string(argv[1]) == "beach_bar") {
      const auto z = readDataset(file, "/paths/z", zd);
      beachBar(mu, md, z, zd);
    } else {
      macro(mu, md);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_qualitative: %s: %s\n", argv[2], e.what());
    return 2;
  }
  return 0;
}
