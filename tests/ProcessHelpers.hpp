#pragma once
// Helpers of the tests that drive programs (mfg, mpirun, Slurm's commands) and read what they
// wrote: a shell command's status and output, JSON and HDF5 datasets.
#include <fcntl.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mfgtest {

struct Run {
  int status;
  std::string output;
};

/// Runs `cmd` with /bin/sh, stdout and stderr together; status −1 if it did not exit normally.
inline Run shell(const std::string& cmd) {
  Run r{0, {}};
  FILE* pipe = popen((cmd + " < /dev/null 2>&1").c_str(), "r");
  BOOST_REQUIRE(pipe);
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) r.output += buf;
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

/// Starts `cmd` with /bin/sh in the background, stdout and stderr into `log`; returns the pid of
/// the command itself (`exec` replaces the shell), for signals and waitpid.
inline pid_t spawn(const std::string& cmd, const std::string& log) {
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

inline nlohmann::json readJson(const std::filesystem::path& p) {
  std::ifstream f(p);
  return nlohmann::json::parse(f);
}

/// A whole dataset as doubles.
inline std::vector<double> readAll(const std::filesystem::path& file, const char* name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE_MESSAGE(f >= 0, "cannot open " << file);
  const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  BOOST_REQUIRE_MESSAGE(d >= 0, "no dataset " << name << " in " << file);
  const hid_t s = H5Dget_space(d);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  const herr_t status = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  BOOST_REQUIRE_MESSAGE(status >= 0, "cannot read " << name << " of " << file);
  return v;
}

}  // namespace mfgtest
