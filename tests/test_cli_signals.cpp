// Runs that are interrupted: a rank killed with SIGKILL ends the whole job within seconds, and a
// solve stopped by SIGUSR1 (exit 75, checkpoint) resumes to the uninterrupted result, bit for bit
// on the same ranks and to 1e-12 on others.
#define BOOST_TEST_MODULE cli_signals
#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/ImageChecks.hpp"
#include "tests/CliHelpers.hpp"
#include "tests/ProcessHelpers.hpp"

using namespace clitest;

BOOST_AUTO_TEST_CASE(a_rank_that_dies_ends_the_whole_job_within_seconds) {
  // kill -9 one rank of a 3-rank training run: mpirun must end every rank and exit non-zero soon,
  // not leave the others waiting in the next allreduce.
  const fs::path dir = scratch("rank_failure");
  const std::string log = (dir.parent_path() / "rank_failure.log").string();
  const std::string cmd = std::string(MFG_MPIEXEC) + " -n 3 --oversubscribe --allow-run-as-root " + MFG_BINARY +
                          " train --model lq --iterations 100000 --eval-every 1000000 --out " + dir.string();
  const pid_t launcher = mfgtest::spawn(cmd, log);
  // The ranks: mfg processes whose parent is mpirun; wait until all three run and training began.
  const auto ranks = [&] {
    std::vector<pid_t> pids;
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string name = e.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(e.path() / "stat");
      std::string pid, comm, state;
      long ppid = 0;
      if (stat >> pid >> comm >> state >> ppid && ppid == launcher && comm == "(mfg)") pids.push_back(std::stoi(pid));
    }
    return pids;
  };
  std::vector<pid_t> pids;
  for (int i = 0; i < 300 && (pids.size() < 3 || !fs::exists(dir)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pids = ranks();
  }
  BOOST_REQUIRE_EQUAL(pids.size(), 3u);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // well inside the iterations
  BOOST_REQUIRE(::kill(pids.back(), SIGKILL) == 0);
  const auto killed = std::chrono::steady_clock::now();
  int raw = 0;
  pid_t done = 0;
  while ((done = ::waitpid(launcher, &raw, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() - killed < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  if (done == 0) {
    ::kill(launcher, SIGKILL);
    ::waitpid(launcher, &raw, 0);
  }
  BOOST_REQUIRE_MESSAGE(done == launcher, "mpirun still running 30 s after a rank died");
  BOOST_TEST_MESSAGE("job ended " << seconds << " s after the rank died");
  BOOST_TEST(seconds < 10.0);
  BOOST_TEST(!(WIFEXITED(raw) && WEXITSTATUS(raw) == 0));
  // No rank is left running (a zombie waiting for its parent to reap it has ended).
  const auto running = [](pid_t p) {
    std::ifstream stat("/proc/" + std::to_string(p) + "/stat");
    std::string pid, comm, state;
    return static_cast<bool>(stat >> pid >> comm >> state) && state != "Z" && state != "X";
  };
  // mpirun may return while a survivor still winds down (it handles mpirun's SIGTERM and ends at
  // its StopRequest deadline), so the ranks get until 10 s after the kill, the same bound as the job.
  const auto any_running = [&] { return std::any_of(pids.begin(), pids.end(), running); };
  while (any_running() && std::chrono::steady_clock::now() - killed < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (pid_t p : pids) BOOST_TEST(!running(p), "rank " << p << " still running 10 s after the kill");
}

BOOST_AUTO_TEST_CASE(solve_stopped_by_a_signal_resumes_to_the_uninterrupted_result) {
  const fs::path dir = scratch("solve_signal");
  const std::string common = "solve --model beach_bar --algorithm omd --learning-rate 0.5 --checkpoint-every 3 ";
  // A long run, signalled once its first checkpoint exists: exit 75 with a checkpoint.
  const std::string cmd = std::string(MFG_MPIEXEC) + " -n 2 --oversubscribe --allow-run-as-root " + MFG_BINARY + " " +
                          common + "--iterations 100000 --out " + (dir / "split").string();
  const pid_t launcher = mfgtest::spawn(cmd, dir.string() + ".log");
  for (int i = 0; i < 600 && !fs::exists(dir / "split" / "checkpoint.h5"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  BOOST_REQUIRE(fs::exists(dir / "split" / "checkpoint.h5"));
  ::kill(launcher, SIGUSR1);  // mpirun forwards SIGUSR1 to the ranks
  int raw = 0;
  ::waitpid(launcher, &raw, 0);
  std::ifstream logfile(dir.string() + ".log");
  const std::string log((std::istreambuf_iterator<char>(logfile)), std::istreambuf_iterator<char>());
  BOOST_TEST((WIFEXITED(raw) && WEXITSTATUS(raw) == 75), log);
  BOOST_TEST(log.find("stopped by a signal") != std::string::npos, log);
  BOOST_TEST(!fs::exists(dir / "split" / "result.h5"));

  const hid_t f = H5Fopen((dir / "split" / "checkpoint.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  const long stopped = intAttribute(f, "iteration");
  H5Fclose(f);
  BOOST_TEST(stopped >= 3);
  const std::string iterations = "--iterations " + std::to_string(stopped + 4);
  const Run resumed = mfg(2, common + iterations + " --resume --out " + (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  BOOST_TEST(resumed.output.find("resumed from") != std::string::npos, resumed.output);
  const Run whole = mfg(2, common + iterations + " --out " + (dir / "whole").string());
  BOOST_REQUIRE_MESSAGE(whole.status == 0, whole.output);
  for (const char* name : {"/policy", "/mean_field", "/history/exploitability"}) {
    const auto a = readAll(dir / "whole" / "result.h5", name), b = readAll(dir / "split" / "result.h5", name);
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0, name << " differs");  // bit for bit
  }
  // Another rank count resumes the same checkpoint to the same result (sums in another order).
  const Run third = mfg(3, common + "--iterations " + std::to_string(stopped + 8) + " --resume --out " +
                               (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(third.status == 0, third.output);
  const Run whole8 = mfg(1, common + "--iterations " + std::to_string(stopped + 8) + " --out " + (dir / "whole8").string());
  BOOST_REQUIRE_MESSAGE(whole8.status == 0, whole8.output);
  const auto a = readAll(dir / "whole8" / "result.h5", "/history/exploitability");
  const auto b = readAll(dir / "split" / "result.h5", "/history/exploitability");
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) BOOST_TEST(std::abs(a[k] - b[k]) <= 1e-12 * std::max(1.0, std::abs(a[k])));
  // A checkpoint of another run is refused before any work.
  const Run other = mfg(0, "solve --model beach_bar --algorithm fp --iterations 20 --resume --out " +
                               (dir / "split").string());
  BOOST_TEST(other.status == 2, other.output);
  BOOST_TEST(other.output.find("belongs to another run") != std::string::npos, other.output);
}
