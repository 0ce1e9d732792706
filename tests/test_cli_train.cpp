// `mfg train` through the command line: resume and time limit (bit for bit), the certificate of a
// trained network, the sample-based learners (resume, summary, bad settings), the plots of a run,
// divergence (exit 3, last good checkpoint kept), and bad configs and checkpoints (exit 2, nothing
// written).
#define BOOST_TEST_MODULE cli_train
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

BOOST_AUTO_TEST_CASE(train_resume_and_time_limit) {
  // RSPG on a short lq: an uninterrupted run against one stopped after 2 iterations and resumed;
  // the histories must agree bit for bit (same paths, same θ, same Adam state).
  const fs::path dir = scratch("train_lq");
  const std::string common = "train --model lq --set T=8 --algorithm rspg --paths 3 --learning-rate 0.01 "
                             "--eval-every 1 --checkpoint-every 1 --iterations 4 ";
  const Run whole = mfg(2, common + "--out " + (dir / "whole").string());
  BOOST_REQUIRE_MESSAGE(whole.status == 0, whole.output);
  const Run part = mfg(2, "train --model lq --set T=8 --algorithm rspg --paths 3 --learning-rate 0.01 "
                          "--eval-every 1 --checkpoint-every 1 --iterations 4 --time-limit 1e-9 --out " +
                              (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(part.status == 0, part.output);
  const auto stopped = readJson(dir / "split" / "summary.json");
  BOOST_TEST(stopped["stopped_by_time_limit"].get<bool>());
  BOOST_TEST(stopped["iterations"].get<int>() < 4);
  BOOST_TEST(fs::exists(dir / "split" / "checkpoint.pt"));
  const Run resumed = mfg(2, common + "--resume --out " + (dir / "split").string());
  BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  BOOST_TEST(resumed.output.find("resumed") != std::string::npos, resumed.output);

  const auto a = readAll(dir / "whole" / "result.h5", "/history/exploitability");
  const auto b = readAll(dir / "split" / "result.h5", "/history/exploitability");
  const auto ia = readAll(dir / "whole" / "result.h5", "/history/iteration");
  const auto ib = readAll(dir / "split" / "result.h5", "/history/iteration");
  BOOST_TEST(ia == std::vector<double>({0, 1, 2, 3, 4}), boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(ib.size(), ia.size());
  BOOST_TEST(ib == ia, boost::test_tools::per_element());
  BOOST_TEST(a == b, boost::test_tools::per_element());  // bit for bit
  const auto summary = readJson(dir / "whole" / "summary.json");
  BOOST_TEST(summary["iterations"].get<int>() == 4);
  BOOST_TEST(!summary["stopped_by_time_limit"].get<bool>());
  BOOST_TEST(summary["exploitability"].get<double>() == a.back());
  BOOST_TEST(summary["exploitability"].get<double>() < a.front());  // it learned
  BOOST_TEST(summary.contains("non_anticipative_exploitability"));
  const auto wall = readAll(dir / "whole" / "result.h5", "/history/wall_seconds");
  for (std::size_t k = 1; k < wall.size(); ++k) BOOST_TEST(wall[k] >= wall[k - 1]);

  // The trained network certified from its checkpoint: the exact non-anticipative bound is the
  // exploitability that training reported for the same θ.
  const Run cert = mfg(2, "certify --model lq --set T=8 --policy " + (dir / "whole" / "checkpoint.pt").string() +
                              " --paths 4 --out " + (dir / "cert").string());
  BOOST_REQUIRE_MESSAGE(cert.status == 0, cert.output);
  const double na = readJson(dir / "cert.json")["bounds"]["non_anticipative"]["value"].get<double>();
  const double trained = summary["non_anticipative_exploitability"].get<double>();
  // The network runs in float32, and BLAS rounds a batch of states differently from a sub-batch:
  // the same θ on another state split gives π equal to ~1e-7, so the values agree to ~1e-6.
  BOOST_TEST(std::abs(na - trained) <= 1e-5 * std::abs(trained), "certified " << std::setprecision(17) << na << " vs trained " << trained);
  BOOST_TEST(readJson(dir / "cert.json")["policy"]["sha256"].get<std::string>() ==
             sha256sum(dir / "whole" / "checkpoint.pt"));
  const Run other = mfg(0, "certify --model lq --set T=9 --policy " + (dir / "whole" / "checkpoint.pt").string() +
                               " --paths 2 --out " + (dir / "cert_bad").string());
  BOOST_TEST(other.status == 2, other.output);
  BOOST_TEST(other.output.find("belongs to another run") != std::string::npos, other.output);

  const struct { std::string args; std::string must_mention; } bad[] = {
      {"train --model lq --algorithm ppo --out " + (dir / "bad").string(), "algorithm"},
      {"train --model lq --paths 0 --out " + (dir / "bad").string(), "paths"},
      {"train --model lq --eval-every 0 --out " + (dir / "bad").string(), "eval-every"},
      {"train --model lq --set T=0 --out " + (dir / "bad").string(), "T"},
      {"train --model lq --state-encoding onehot --out " + (dir / "bad").string(), "state-encoding"},
      {"train --model beach_bar --resume --iterations 1 --out " + (dir / "whole").string(), "checkpoint"},
  };
  for (const auto& c : bad) {
    BOOST_TEST_CONTEXT(c.args) {
      const Run r = mfg(0, c.args);
      BOOST_TEST(r.status == 2, r.output);
      BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
    }
  }
  BOOST_TEST(!fs::exists(dir / "bad"));
}

BOOST_AUTO_TEST_CASE(sample_based_learners_resume_bit_for_bit_and_reject_bad_settings) {
  // IPPO, RIPPO and M-OMD through the command line on 2 ranks: an uninterrupted run against one stopped
  // by the time limit and resumed (sampled sequences, learners' episodes, GRU states and the replay
  // memory all restored), the summary's RL fields, and bad settings rejected with exit 2.
  const fs::path dir = scratch("train_rl");
  for (const std::string algorithm : {"ippo", "rippo", "momd"}) {
    BOOST_TEST_CONTEXT(algorithm) {
      const std::string common = "train --model lq --set T=6 --algorithm " + algorithm +
                                 " --paths 2 --learners 3 --particles 400 --eval-every 1 --checkpoint-every 1 "
                                 "--iterations 3 --no-plots ";
      const fs::path whole = dir / (algorithm + "_whole"), split = dir / (algorithm + "_split");
      const Run a = mfg(2, common + "--out " + whole.string());
      BOOST_REQUIRE_MESSAGE(a.status == 0, a.output);
      const Run b = mfg(2, common + "--time-limit 1e-9 --out " + split.string());
      BOOST_REQUIRE_MESSAGE(b.status == 0, b.output);
      BOOST_TEST(readJson(split / "summary.json")["stopped_by_time_limit"].get<bool>());
      const Run c = mfg(2, common + "--resume --out " + split.string());
      BOOST_REQUIRE_MESSAGE(c.status == 0, c.output);
      BOOST_TEST(c.output.find("resumed") != std::string::npos, c.output);
      const auto ha = readAll(whole / "result.h5", "/history/exploitability");
      const auto hb = readAll(split / "result.h5", "/history/exploitability");
      BOOST_TEST(ha.size() == 4u);
      BOOST_TEST(ha == hb, boost::test_tools::per_element());  // bit for bit
      for (double e : ha) BOOST_TEST((std::isfinite(e) && e >= -1e-9), "exploitability " << e);
      const auto summary = readJson(whole / "summary.json");
      BOOST_TEST(summary["algorithm"].get<std::string>() == algorithm);
      BOOST_TEST(summary["particles"].get<long>() == 400);
      BOOST_TEST(summary["learners_per_path"].get<long>() == 3);
      BOOST_TEST(summary["iterations"].get<int>() == 3);
    }
  }
  // A baseline's network is certified from its checkpoint like an SPG/RSPG one: the exact
  // non-anticipative bound is the exploitability that training reported for the same network.
  for (const std::string algorithm : {"rippo", "momd"}) {
    BOOST_TEST_CONTEXT(algorithm) {
      const fs::path run = dir / (algorithm + "_whole");
      const Run cert = mfg(2, "certify --model lq --set T=6 --policy " + (run / "checkpoint.pt").string() +
                                  " --paths 4 --no-plots --out " + (dir / (algorithm + "_cert")).string());
      BOOST_REQUIRE_MESSAGE(cert.status == 0, cert.output);
      const double na =
          readJson(dir / (algorithm + "_cert.json"))["bounds"]["non_anticipative"]["value"].get<double>();
      const double trained = readJson(run / "summary.json")["non_anticipative_exploitability"].get<double>();
      BOOST_TEST(std::abs(na - trained) <= 1e-5 * std::abs(trained), "certified " << na << " vs trained " << trained);
    }
  }
  const Run mismatch = mfg(0, "certify --model lq --set T=7 --policy " + (dir / "ippo_whole" / "checkpoint.pt").string() +
                                  " --paths 2 --out " + (dir / "cert_bad").string());
  BOOST_TEST(mismatch.status == 2, mismatch.output);
  BOOST_TEST(mismatch.output.find("belongs to another run") != std::string::npos, mismatch.output);

  // Another learner's checkpoint is not resumed.
  const Run wrong = mfg(0, "train --model lq --set T=6 --algorithm momd --paths 2 --learners 3 --particles 400 "
                           "--iterations 4 --resume --out " + (dir / "ippo_whole").string());
  BOOST_TEST(wrong.status == 2, wrong.output);
  BOOST_TEST(wrong.output.find("belongs to another run") != std::string::npos, wrong.output);

  const struct { std::string args; std::string must_mention; } bad[] = {
      {"--algorithm ippo --particles 0", "particles = 0"},
      {"--algorithm momd --particles -5", "particles"},
      {"--algorithm rippo --learners 0", "learners = 0"},
      {"--algorithm ppo", "momd"},
  };
  for (const auto& c : bad) {
    BOOST_TEST_CONTEXT(c.args) {
      const Run r = mfg(0, "train --model lq " + c.args + " --out " + (dir / "bad").string());
      BOOST_TEST(r.status == 2, r.output);
      BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
    }
  }
  BOOST_TEST(!fs::exists(dir / "bad"));
}

BOOST_AUTO_TEST_CASE(plot_writes_the_pngs_of_a_training_run) {
  const fs::path dir = scratch("plot_bb");
  const Run train = mfg(2, "train --model beach_bar --set T=16 --algorithm rspg --paths 2 --iterations 2 "
                           "--eval-every 1 --no-plots --out " + dir.string());
  BOOST_REQUIRE_MESSAGE(train.status == 0, train.output);
  BOOST_TEST(!fs::exists(dir / "exploitability.png"), "--no-plots drew nothing");
  const Run plot = mfg(0, "plot " + dir.string());
  BOOST_REQUIRE_MESSAGE(plot.status == 0, plot.output);
  const mfgtest::Png e = mfgtest::requirePng(dir / "exploitability.png", 900, 560);
  BOOST_TEST(e.count(31, 119, 180) > 20u);  // the clairvoyant series is drawn
  BOOST_TEST(e.count(255, 127, 14) > 20u);  // and the exact one (beach_bar's tree is enumerable)
  mfgtest::requirePdf(dir / "exploitability.pdf", 1, 900, 560);
  for (int j = 0; j < 4; ++j) {
    const mfgtest::Png m = mfgtest::requirePng(dir / ("mean_field_path" + std::to_string(j) + ".png"), 960, 600);
    BOOST_TEST(m.count(253, 231, 37) > 0u);  // the maximum of μ gets the top of the colour map
    mfgtest::requirePdf(dir / ("mean_field_path" + std::to_string(j) + ".pdf"), 1, 960, 600);
  }
  // Policies at t = 0, 4, 8, 12, 15 (T = 16).
  for (int t : {0, 4, 8, 12, 15}) {
    mfgtest::requirePng(dir / ("policy_t" + std::to_string(t) + ".png"), 960, 600);
    BOOST_TEST(fs::exists(dir / ("policy_t" + std::to_string(t) + ".pdf")), t);
  }
  const auto shape = datasetShape(H5Fopen((dir / "result.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "/paths/mean_field");
  BOOST_TEST((shape == std::vector<hsize_t>{4, 17, 101}));
  const Run missing = mfg(0, "plot " + (dir / "nothing").string());
  BOOST_TEST(missing.status == 2, missing.output);
  BOOST_TEST(missing.output.find((dir / "nothing").string()) != std::string::npos, missing.output);
}

BOOST_AUTO_TEST_CASE(divergence_stops_training_and_keeps_the_last_good_checkpoint) {
  const fs::path dir = scratch("diverged");
  const std::string args = "train --model lq --set T=6 --algorithm spg --paths 2 --iterations 8 --eval-every 2 "
                           "--checkpoint-every 2 --out " + dir.string();
  const Run r = mfg(2, args + " --inject-nan-at 5");
  BOOST_TEST(r.status == 3, r.output);
  BOOST_TEST(r.output.find("diverged") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("not finite at iteration 5") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("last good checkpoint is kept") != std::string::npos, r.output);
  BOOST_TEST(!fs::exists(dir / "result.h5"));
  BOOST_TEST(!fs::exists(dir / "summary.json"));
  // The checkpoint is the one of iteration 4, and a resumed run finishes from it.
  const Run resumed = mfg(2, args + " --resume");
  BOOST_REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  BOOST_TEST(resumed.output.find("at iteration 4") != std::string::npos, resumed.output);
  BOOST_TEST(std::isfinite(readJson(dir / "summary.json")["exploitability"].get<double>()));
}

BOOST_AUTO_TEST_CASE(bad_train_configs_and_checkpoints_exit_2_and_write_nothing) {
  const fs::path dir = scratch("bad_train");
  const fs::path out = dir / "out";
  fs::create_directories(dir);
  const struct { std::string toml; std::string must_mention; } configs[] = {
      {"[settings]\npaths = -4\n", "settings.paths = -4"},
      {"[settings]\npaths = 1e12\n", "settings.paths"},
      {"[settings]\npaths = 2.5\n", "an integer"},
      {"[settings]\nlearning_rate = 0\n", "(0, 10]"},
      {"[settings]\nlearning_rate = nan\n", "learning_rate = nan"},
      {"[settings]\ntime_limit = -1\n", "time_limit"},
      {"[settings]\neval_every = 0\n", "eval_every"},
      {"[settings]\nmomentum = 0.9\n", "settings.momentum"},
      {"[settings]\nseed = \"x\"\n", "settings.seed"},
      {"iterations = -1\n", "iterations"},
      {"model = \"lq\"\n[parameters]\nT = 0\n", "T"},
      {"model = \"lq\"\n[parameters]\ngamma = 1.5\n", "gamma"},
      {"[parameters\n", "not valid TOML"},
  };
  int k = 0;
  for (const auto& c : configs) {
    BOOST_TEST_CONTEXT(c.toml) {
      const fs::path cfg = dir / ("c" + std::to_string(k++) + ".toml");
      std::ofstream(cfg) << c.toml;
      const Run r = mfg(0, "train --model lq --config " + cfg.string() + " --out " + out.string());
      BOOST_TEST(r.status == 2, r.output);
      BOOST_TEST(r.output.find(c.must_mention) != std::string::npos, r.output);
      BOOST_TEST(!fs::exists(out));
    }
  }

  // Checkpoints: a truncated one, one that is not a checkpoint at all, another model's.
  const fs::path good = dir / "good";
  const Run trained = mfg(0, "train --model lq --set T=4 --paths 2 --iterations 1 --out " + good.string());
  BOOST_REQUIRE_MESSAGE(trained.status == 0, trained.output);
  const auto size = fs::file_size(good / "checkpoint.pt");
  fs::create_directories(dir / "truncated");
  fs::copy_file(good / "checkpoint.pt", dir / "truncated" / "checkpoint.pt");
  fs::resize_file(dir / "truncated" / "checkpoint.pt", size / 2);
  fs::create_directories(dir / "text");
  std::ofstream(dir / "text" / "checkpoint.pt") << "not a checkpoint\n";
  for (const char* name : {"truncated", "text"}) {
    BOOST_TEST_CONTEXT(name) {
      const fs::path ckpt = dir / name / "checkpoint.pt";
      const Run resume = mfg(0, "train --model lq --set T=4 --paths 2 --iterations 2 --resume --out " +
                                    (dir / name).string());
      BOOST_TEST(resume.status == 2, resume.output);
      BOOST_TEST(resume.output.find("checkpoint") != std::string::npos, resume.output);
      BOOST_TEST(!fs::exists(dir / name / "result.h5"));
      const Run cert = mfg(0, "certify --model lq --set T=4 --policy " + ckpt.string() + " --paths 2 --out " +
                                  (dir / name / "cert").string());
      BOOST_TEST(cert.status == 2, cert.output);
      BOOST_TEST(!fs::exists(dir / name / "cert.json"));
    }
  }
  const Run other = mfg(0, "certify --model beach_bar --policy " + (good / "checkpoint.pt").string() +
                               " --paths 2 --out " + (dir / "other").string());
  BOOST_TEST(other.status == 2, other.output);
  BOOST_TEST(other.output.find("belongs to another run") != std::string::npos, other.output);
}
