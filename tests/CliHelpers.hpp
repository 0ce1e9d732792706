#pragma once
// Helpers of the suites that drive the `mfg` binary (test_cli*, test_plot): run it with or without
// mpirun, a scratch folder per suite and process, and read back what it wrote.
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/ProcessHelpers.hpp"

namespace clitest {

namespace fs = std::filesystem;
using mfgtest::readAll;
using mfgtest::readJson;
using mfgtest::Run;

// ranks = 0 starts mfg without mpirun (an MPI singleton, as a laptop user runs it); mpirun takes
// a second or two to wind down a job that exits non-zero, so the many failure cases use that.
inline Run mfg(int ranks, const std::string& args) {
  const std::string launcher = ranks == 0 ? std::string()
                                          : std::string(MFG_MPIEXEC) + " -n " + std::to_string(ranks) +
                                                " --oversubscribe --allow-run-as-root ";
  return mfgtest::shell(launcher + MFG_BINARY + " " + args);
}

/// This process's own scratch folder, `/tmp/mfg-<suite>-<pid>`.
inline fs::path scratchRoot() {
  return fs::temp_directory_path() / (std::string("mfg-") + MFG_SUITE + "-" + std::to_string(::getpid()));
}

/// A path under the scratch folder, `/tmp/mfg-<suite>-<pid>/name`.
inline fs::path scratch(const std::string& name) {
  const fs::path p = scratchRoot() / name;
  fs::create_directories(p.parent_path());
  return p;
}

/// Removes the scratch folder when every test of the suite passed, so that repeated runs do not
/// fill /tmp (some suites write ~200 MB); after a failure it stays for inspection.
struct ScratchCleanup {
  ScratchCleanup() = default;
  ScratchCleanup(const ScratchCleanup&) = delete;
  ScratchCleanup& operator=(const ScratchCleanup&) = delete;
  ~ScratchCleanup() {
    namespace ut = boost::unit_test;
    if (!ut::results_collector.results(ut::framework::master_test_suite().p_id).passed()) return;
    std::error_code ec;
    fs::remove_all(scratchRoot(), ec);
  }
};

inline std::vector<hsize_t> datasetShape(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  BOOST_REQUIRE(d >= 0);
  const hid_t s = H5Dget_space(d);
  std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(s));
  H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  H5Sclose(s);
  H5Dclose(d);
  return dims;
}

inline std::string stringAttribute(hid_t obj, const char* name) {
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  BOOST_REQUIRE(a >= 0);
  const hid_t t = H5Aget_type(a);
  std::string s(H5Tget_size(t), '\0');
  H5Aread(a, t, s.data());
  H5Tclose(t);
  H5Aclose(a);
  return s;
}

inline long intAttribute(hid_t obj, const char* name) {
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  BOOST_REQUIRE(a >= 0);
  long long v = 0;
  H5Aread(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  return static_cast<long>(v);
}

inline void writePolicy(const fs::path& file, const std::vector<hsize_t>& dims, const std::vector<double>& values,
                 hid_t type = H5T_IEEE_F64LE, const char* name = "/policy") {
  const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t s = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(f, name, type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(d);
  H5Sclose(s);
  H5Fclose(f);
}

inline bool noPartialFiles(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".partial-") != std::string::npos) return false;
  return true;
}

/// The system's sha256sum: an implementation independent of mfg's own.
inline std::string sha256sum(const fs::path& file) {
  FILE* pipe = popen(("sha256sum " + file.string()).c_str(), "r");
  BOOST_REQUIRE(pipe);
  char buf[256] = {0};
  const bool ok = std::fgets(buf, sizeof buf, pipe) != nullptr;
  pclose(pipe);
  BOOST_REQUIRE(ok);
  return std::string(buf).substr(0, 64);
}

}  // namespace clitest

using CliScratchCleanup = clitest::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(CliScratchCleanup);
