// The installed package, as a user meets it: `cmake --install` into a fresh prefix, then a project
// outside the source tree (tests/install: the README's C++ API example, a model of its own) is
// configured with find_package(mfg), built, and run at 1 and 2 ranks; the same source is also
// compiled with nothing but `pkg-config mfg`. The exploitability of the uniform policy is 0.05 by
// hand (see tests/install/user_model.cpp), and OMD must bring it below 1e-3.
#define BOOST_TEST_MODULE install
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/ProcessHelpers.hpp"

namespace fs = std::filesystem;
using mfgtest::shell;

namespace {

const fs::path kWork = fs::temp_directory_path() / ("mfg-test-install-" + std::to_string(::getpid()));
const fs::path kPrefix = kWork / "prefix";

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

/// Runs the user's program and returns (initial, final) exploitability from its output line.
std::pair<double, double> runUser(const fs::path& exe, int ranks) {
  const auto r = shell(std::string(MFG_MPIEXEC) + " -n " + std::to_string(ranks) +
                       " --oversubscribe --allow-run-as-root " + quoted(exe));
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  double initial = -1.0, last = -1.0;
  const auto at = r.output.find("initial ");
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, r.output);
  BOOST_REQUIRE(std::sscanf(r.output.c_str() + at, "initial %lf final %lf", &initial, &last) == 2);
  return {initial, last};
}

struct Installed {
  Installed() {
    fs::remove_all(kWork);
    fs::create_directories(kWork);
    const auto r = shell("cmake --install " + quoted(MFG_BUILD_DIR) + " --prefix " + quoted(kPrefix));
    if (r.status != 0) throw std::runtime_error("cmake --install failed:\n" + r.output);
  }
  ~Installed() {
    std::error_code ec;
    fs::remove_all(kWork, ec);
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Installed);

}  // namespace

BOOST_AUTO_TEST_CASE(install_tree_has_the_binary_headers_package_and_pkg_config) {
  for (const char* f : {"bin/mfg", "include/mfg/solver/models/Model.hpp", "include/mfg/solver/engine/ExactEngine.hpp",
                        "include/mfg/parallel/StateLayout.hpp", "lib/cmake/mfg/mfgConfig.cmake",
                        "lib/cmake/mfg/mfgConfigVersion.cmake", "lib/cmake/mfg/mfgTargets.cmake",
                        "share/doc/mfg/models.md", "share/doc/mfg/methods.md"})
    BOOST_TEST(fs::exists(kPrefix / f), f << " is not installed");
  bool pc = false;
  for (const auto& e : fs::recursive_directory_iterator(kPrefix))
    if (e.path().filename() == "mfg.pc") pc = true;
  BOOST_TEST(pc);
  // The installed binary runs on its own.
  const auto r = shell(quoted(kPrefix / "bin" / "mfg") + " models");
  BOOST_TEST(r.status == 0, r.output);
  BOOST_TEST(r.output.find("classic/crowd_motion") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("docs/models.md") != std::string::npos, r.output);  // where the definitions are
}

BOOST_AUTO_TEST_CASE(user_model_builds_with_find_package_and_solves) {
  const fs::path build = kWork / "user-cmake";
  const auto configure = shell("cmake -S " + quoted(fs::path(MFG_SOURCE_DIR) / "tests" / "install") + " -B " +
                               quoted(build) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=" + quoted(kPrefix));
  BOOST_REQUIRE_MESSAGE(configure.status == 0, configure.output);
  const auto compile = shell("cmake --build " + quoted(build));
  BOOST_REQUIRE_MESSAGE(compile.status == 0, compile.output);
  for (int ranks : {1, 2}) {
    const auto [initial, last] = runUser(build / "user_model", ranks);
    BOOST_TEST(std::abs(initial - 0.05) <= 1e-12, ranks << " rank(s): initial " << initial);
    BOOST_TEST(last >= 0.0);
    BOOST_TEST(last < 1e-3, ranks << " rank(s): final " << last);
  }
}

BOOST_AUTO_TEST_CASE(user_model_builds_with_pkg_config) {
  fs::path pcdir;
  for (const auto& e : fs::recursive_directory_iterator(kPrefix))
    if (e.path().filename() == "mfg.pc") pcdir = e.path().parent_path();
  BOOST_REQUIRE(!pcdir.empty());
  const fs::path exe = kWork / "user-pkg-config";
  const auto compile = shell("PKG_CONFIG_PATH=" + quoted(pcdir) + " && export PKG_CONFIG_PATH && c++ -O1 " +
                             quoted(fs::path(MFG_SOURCE_DIR) / "tests" / "install" / "user_model.cpp") + " -o " +
                             quoted(exe) + " $(pkg-config --cflags --libs mfg)");
  BOOST_REQUIRE_MESSAGE(compile.status == 0, compile.output);
  const auto [initial, last] = runUser(exe, 2);
  BOOST_TEST(std::abs(initial - 0.05) <= 1e-12, "initial " << initial);
  BOOST_TEST(last < 1e-3, "final " << last);
}
