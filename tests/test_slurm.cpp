// The Slurm jobs of jobs/slurm on a real one-node cluster (jobs/slurm/local_cluster.sh, started
// and stopped by this suite): a 2-rank train job signalled mid-run requeues itself and ends with
// the results of an uninterrupted run; a job-array sweep completes with every result; a job
// killed with SIGKILL ten times and resumed each time never leaves an unreadable file and ends
// with the uninterrupted results; a rank that dies fails the job within seconds.
#define BOOST_TEST_MODULE slurm
#include <signal.h>
#include <torch/torch.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "tests/ProcessHelpers.hpp"

namespace fs = std::filesystem;
using mfgtest::readAll;
using mfgtest::readJson;
using mfgtest::shell;

namespace {

const fs::path kWork = fs::temp_directory_path() / ("mfg-test-slurm-" + std::to_string(::getpid()));

// The run every test compares with: RSPG on lq, 2 ranks, checkpoints every 5 iterations.
const std::string kTrainArgs =
    "--model lq --algorithm rspg --paths 8 --iterations 240 --eval-every 20 --checkpoint-every 5";

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

/// The cluster, and the uninterrupted reference run submitted as soon as it is up.
struct Cluster {
  std::string reference_job;

  Cluster() {
    fs::create_directories(kWork);
    ::setenv("MFG_SLURM_DIR", (kWork / "cluster").c_str(), 1);
    ::setenv("MFG_ROOT", MFG_SOURCE_DIR, 1);
    ::setenv("MFG_BIN", MFG_BINARY, 1);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    const auto r = shell(std::string("bash ") + MFG_SOURCE_DIR + "/jobs/slurm/local_cluster.sh start");
    if (r.status != 0) throw std::runtime_error("local_cluster.sh start failed:\n" + r.output);
    ::setenv("SLURM_CONF", (kWork / "cluster" / "slurm.conf").c_str(), 1);
    reference_job = submitTrain(kWork / "reference", "");
  }
  ~Cluster() {
    shell(std::string("bash ") + MFG_SOURCE_DIR + "/jobs/slurm/local_cluster.sh stop");
    std::error_code ec;
    fs::remove_all(kWork, ec);
  }

  static std::string submitTrain(const fs::path& out, const std::string& extra) {
    fs::create_directories(out);
    const auto r = shell("sbatch --parsable --output=" + quoted(out / "job.log") + " " + extra + " " +
                         MFG_SOURCE_DIR + "/jobs/slurm/train.sbatch " + kTrainArgs + " --out " + quoted(out / "run"));
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
    return r.output.substr(0, r.output.find_first_of(";\n"));
  }
};

Cluster* g_cluster = nullptr;
struct ClusterFixture {
  Cluster cluster;
  ClusterFixture() { g_cluster = &cluster; }
  ~ClusterFixture() { g_cluster = nullptr; }
};
BOOST_TEST_GLOBAL_FIXTURE(ClusterFixture);

struct JobInfo {
  std::string state;
  int restarts = 0;
  std::string exit_code;
};

JobInfo job(const std::string& id) {
  const auto r = shell("scontrol show job -o " + id);
  JobInfo info;
  std::smatch m;
  if (std::regex_search(r.output, m, std::regex("JobState=(\\S+)"))) info.state = m[1];
  if (std::regex_search(r.output, m, std::regex("Restarts=(\\d+)"))) info.restarts = std::stoi(m[1]);
  if (std::regex_search(r.output, m, std::regex(" ExitCode=(\\S+)"))) info.exit_code = m[1];
  return info;
}

bool terminal(const std::string& state) {
  for (const char* s : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
                        "DEADLINE", "PREEMPTED"})
    if (state == s) return true;
  return false;
}

/// Polls until `done(job)` holds; fails the test after `seconds`.
template <class Pred>
JobInfo waitFor(const std::string& id, Pred done, double seconds, const std::string& what) {
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    const auto info = job(id);
    if (done(info)) return info;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds) {
      BOOST_FAIL("job " << id << " did not reach '" << what << "' in " << seconds << " s (state " << info.state
                        << ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

JobInfo waitEnded(const std::string& id, double seconds = 300) {
  return waitFor(id, [](const JobInfo& j) { return terminal(j.state); }, seconds, "ended");
}

/// One line of `scontrol listpids`: a process of the job, its step ("batch", "0", ...) and its
/// task's local id ("-" for the batch shell and srun).
struct JobProcess {
  long pid = 0;
  std::string step, local;
};

std::vector<JobProcess> jobProcesses(const std::string& id) {
  const auto listed = shell("scontrol listpids " + id);
  std::istringstream lines(listed.output);
  std::string line;
  std::getline(lines, line);  // header: PID JOBID STEPID LOCALID GLOBALID
  std::vector<JobProcess> out;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string pid, job_id;
    JobProcess p;
    if (fields >> pid >> job_id >> p.step >> p.local && pid.find_first_not_of("0123456789") == std::string::npos) {
      p.pid = std::stol(pid);
      out.push_back(p);
    }
  }
  return out;
}

std::string fileText(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// The iteration stored in a checkpoint; fails the test if the file cannot be read whole.
long checkpointIteration(const fs::path& file) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string());
  } catch (const c10::Error& e) {
    BOOST_FAIL("checkpoint " << file << " is unreadable: " << e.what_without_backtrace());
  }
  torch::Tensor it;
  archive.read("iteration", it);
  return static_cast<long>(it.item<std::int64_t>());
}

/// What must equal between an interrupted and an uninterrupted run: everything but wall times.
void requireSameResults(const fs::path& a, const fs::path& b) {
  for (const char* name : {"/history/iteration", "/history/exploitability", "/history/exploitability_ci95_low",
                           "/history/exploitability_ci95_high", "/history/objective", "/history/non_anticipative",
                           "/paths/mean_field", "/paths/policy", "/paths/z"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto x = readAll(a / "result.h5", name), y = readAll(b / "result.h5", name);
      BOOST_REQUIRE_EQUAL(x.size(), y.size());
      BOOST_TEST(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);  // bit for bit
    }
  }
  const auto sa = readJson(a / "summary.json"), sb = readJson(b / "summary.json");
  BOOST_TEST(sa["exploitability"].get<double>() == sb["exploitability"].get<double>());
  BOOST_TEST(sa["iterations"].get<int>() == 240);
  BOOST_TEST(checkpointIteration(a / "checkpoint.pt") == 240);
  BOOST_TEST(checkpointIteration(b / "checkpoint.pt") == 240);
}

const fs::path& reference() {
  static const fs::path dir = [] {
    const auto info = waitEnded(g_cluster->reference_job);
    BOOST_REQUIRE_MESSAGE(info.state == "COMPLETED", "reference job " << info.state << ":\n"
                                                                        << fileText(kWork / "reference" / "job.log"));
    const auto history = readAll(kWork / "reference" / "run" / "result.h5", "/history/exploitability");
    BOOST_REQUIRE(history.back() < 0.5 * history.front());  // it learned, so the comparison means something
    return kWork / "reference" / "run";
  }();
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_CASE(signalled_job_requeues_and_ends_as_an_uninterrupted_run) {
  const fs::path out = kWork / "signalled";
  const std::string id = Cluster::submitTrain(out, "");
  const fs::path checkpoint = out / "run" / "checkpoint.pt";

  // 1. `scancel --signal=USR1` reaches the ranks (the job step) directly.
  waitFor(id, [&](const JobInfo&) { return fs::exists(checkpoint); }, 300, "first checkpoint");
  BOOST_REQUIRE(shell("scancel --signal=USR1 " + id).status == 0);
  waitFor(id, [](const JobInfo& j) { return j.restarts >= 1 && j.state == "RUNNING"; }, 300, "requeued and running");
  // 2. Slurm's warning signal goes to the batch shell (--signal=B:USR1@...), which passes it on.
  const long before = checkpointIteration(checkpoint);
  waitFor(id, [&](const JobInfo&) { return checkpointIteration(checkpoint) > before; }, 300, "progress after resume");
  BOOST_REQUIRE(shell("scancel --batch --signal=USR1 " + id).status == 0);
  waitFor(id, [](const JobInfo& j) { return j.restarts >= 2; }, 300, "second requeue");

  const auto info = waitEnded(id);
  const std::string log = fileText(out / "job.log");
  BOOST_REQUIRE_MESSAGE(info.state == "COMPLETED", info.state << "\n" << log);
  BOOST_TEST(info.restarts == 2);
  BOOST_TEST(count(log, "stopped by signal 10") == 2u, log);
  BOOST_TEST(count(log, "exiting with status 75") == 2u, log);
  BOOST_TEST(count(log, "resumed from") == 2u, log);
  requireSameResults(out / "run", reference());
}

BOOST_AUTO_TEST_CASE(job_array_sweep_completes_with_every_result) {
  const fs::path out = kWork / "sweep";
  const fs::path grid = kWork / "sweep.grid";
  const std::vector<std::string> lines = {
      "solve --model classic/beach_bar --algorithm omd --iterations 20 --set n=8",
      "solve --model classic/beach_bar --algorithm fp --iterations 20 --set n=8",
      "solve --model classic/left_right --algorithm omd --iterations 10 --learning-rate 0.5",
      "solve --model sis --algorithm fixed-point --iterations 10",
      "certify --model lq --set T=6 --policy uniform --paths 4",
  };
  {
    std::ofstream g(grid);
    g << "# a comment and a blank line, which are not tasks\n\n";
    for (const auto& l : lines) g << l << "\n";
  }
  const auto r = shell(std::string("bash ") + MFG_SOURCE_DIR + "/jobs/slurm/submit_sweep.sh " + quoted(grid) + " " +
                       quoted(out));
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.output);
  std::istringstream ids(r.output);
  std::string array, collector;
  ids >> array >> collector;
  const auto info = waitEnded(collector, 300);
  BOOST_REQUIRE_MESSAGE(info.state == "COMPLETED", info.state << "\n" << fileText(out / "collect.log"));

  const auto summary = readJson(out / "summary.json");
  BOOST_REQUIRE_EQUAL(summary.size(), lines.size());
  for (std::size_t k = 0; k < lines.size(); ++k) {
    BOOST_TEST_CONTEXT("task " << k << ": " << lines[k]) {
      const fs::path dir = out / ("task-" + std::to_string(k));
      BOOST_TEST(summary[k]["task"].get<int>() == static_cast<int>(k));
      BOOST_TEST(summary[k]["status"].get<int>() == 0);
      BOOST_TEST(summary[k]["args"].get<std::string>() == lines[k]);
      BOOST_TEST(fileText(dir / "status") == "0\n");
      // Each task's result equals the same command run directly, outside Slurm.
      const fs::path direct = kWork / ("direct-" + std::to_string(k));
      const bool cert = lines[k].rfind("certify", 0) == 0;
      const auto d = shell(std::string(MFG_BINARY) + " " + lines[k] + " --out " +
                           quoted(cert ? direct / "certificate" : direct));
      BOOST_REQUIRE_MESSAGE(d.status == 0, d.output);
      if (cert) {
        const auto a = readJson(dir / "certificate.json"), b = readJson(direct / "certificate.json");
        BOOST_TEST(a["bounds"]["clairvoyant"]["value"].get<double>() == b["bounds"]["clairvoyant"]["value"].get<double>());
        BOOST_TEST(summary[k]["summary"]["bounds"]["non_anticipative"]["value"].get<double>() ==
                   b["bounds"]["non_anticipative"]["value"].get<double>());
      } else {
        const auto a = readJson(dir / "summary.json"), b = readJson(direct / "summary.json");
        BOOST_TEST(a["exploitability"].get<double>() == b["exploitability"].get<double>());
        BOOST_TEST(summary[k]["summary"]["exploitability"].get<double>() == b["exploitability"].get<double>());
        BOOST_TEST(readAll(dir / "result.h5", "/policy") == readAll(direct / "result.h5", "/policy"),
                   boost::test_tools::per_element());
      }
    }
  }
  const std::string tsv = fileText(out / "summary.tsv");
  BOOST_TEST(count(tsv, "\n") == lines.size() + 1, tsv);
}

BOOST_AUTO_TEST_CASE(job_killed_ten_times_resumes_to_the_uninterrupted_result) {
  // Kill moments are scheduled against the job's own progress, not the clock, so that a cold
  // machine (slow srun, MPI and LibTorch start-up) is killed at the same points of the run as a
  // warm one: odd kills land at a random moment during start-up or the first iterations of an
  // attempt; even kills wait until that attempt has written a new checkpoint and then land at a
  // random moment up to 1.5 s later (often while the next checkpoint is being written).
  const fs::path out = kWork / "killed";
  const fs::path run = out / "run";
  std::mt19937_64 rng(20261121);
  std::uniform_real_distribution<double> early(0.0, 3.0), after_checkpoint(0.0, 1.5);
  int kills = 0;
  long last = 0;
  for (int attempt = 0; kills < 10; ++attempt) {
    BOOST_REQUIRE_MESSAGE(attempt < 40, "the job finished before it could be killed 10 times");
    const std::string id = Cluster::submitTrain(out, "");
    waitFor(id, [](const JobInfo& j) { return j.state == "RUNNING" || terminal(j.state); }, 300, "running");
    const bool after_progress = kills % 2 == 1;
    if (after_progress) {
      const long before = fs::exists(run / "checkpoint.pt") ? checkpointIteration(run / "checkpoint.pt") : 0;
      waitFor(id, [&](const JobInfo& j) {
        return terminal(j.state) || (fs::exists(run / "checkpoint.pt") && checkpointIteration(run / "checkpoint.pt") > before);
      }, 300, "a new checkpoint");
    }
    const double wait = after_progress ? after_checkpoint(rng) : early(rng);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    if (job(id).state != "RUNNING") break;  // finished already: nothing to kill
    // kill -9 of every process of the job (batch shell, srun, ranks): `scancel --signal=KILL` would
    // let Slurm send SIGTERM first, which mfg handles.
    int killed = 0;
    for (const auto& p : jobProcesses(id))
      if (p.pid > 1 && ::kill(static_cast<pid_t>(p.pid), SIGKILL) == 0) ++killed;
    BOOST_REQUIRE_MESSAGE(killed > 0, "no process of job " << id << " could be killed");
    const auto info = waitEnded(id, 60);
    if (info.state == "COMPLETED") break;
    ++kills;
    // Whatever the moment, every file there is whole: the checkpoint loads, and so do the results.
    if (fs::exists(run / "checkpoint.pt")) {
      const long it = checkpointIteration(run / "checkpoint.pt");
      BOOST_TEST(it >= last);
      BOOST_TEST(it % 5 == 0);
      last = it;
    }
    if (fs::exists(run / "result.h5")) readAll(run / "result.h5", "/history/exploitability");
    if (fs::exists(run / "summary.json")) BOOST_TEST(readJson(run / "summary.json").contains("exploitability"));
    BOOST_TEST_MESSAGE("kill " << kills << (after_progress ? " after a new checkpoint" : " early") << ", +" << wait
                                << " s: checkpoint at iteration " << last);
  }
  BOOST_TEST(kills >= 10);
  BOOST_TEST(last > 0);  // the runs made progress between kills
  const std::string id = Cluster::submitTrain(out, "");
  const auto info = waitEnded(id);
  BOOST_REQUIRE_MESSAGE(info.state == "COMPLETED", info.state << "\n" << fileText(out / "job.log"));
  requireSameResults(run, reference());
}

BOOST_AUTO_TEST_CASE(a_rank_that_dies_fails_the_job_within_seconds) {
  // srun --kill-on-bad-exit: the other rank is not left waiting in its next allreduce.
  const fs::path out = kWork / "rank_death";
  const std::string id = Cluster::submitTrain(out, "");
  waitFor(id, [&](const JobInfo&) { return fs::exists(out / "run" / "checkpoint.pt"); }, 300, "first checkpoint");
  long victim = 0;
  for (const auto& p : jobProcesses(id))
    if (p.step == "0" && p.local == "1") victim = p.pid;
  BOOST_REQUIRE_MESSAGE(victim > 1, "no rank 1 in step 0 of job " << id);
  BOOST_REQUIRE(::kill(static_cast<pid_t>(victim), SIGKILL) == 0);
  const auto killed = std::chrono::steady_clock::now();
  const auto info = waitEnded(id, 60);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  BOOST_TEST_MESSAGE("job " << info.state << " " << seconds << " s after rank 1 died");
  BOOST_TEST(info.state == "FAILED", fileText(out / "job.log"));
  // Well below the cluster's KillWait (30 s): the survivor ends itself (the StopRequest deadline,
  // 5 s for iterations this short) rather than waiting for Slurm's SIGKILL. The margin is wide so
  // that a loaded machine cannot fail the test (about 5 s measured; 9.3 s on a machine busy compiling).
  BOOST_TEST(seconds < 25.0);
  BOOST_TEST(checkpointIteration(out / "run" / "checkpoint.pt") >= 5);  // the last checkpoint is whole
}
