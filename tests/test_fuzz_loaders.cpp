// Fuzzing of the loaders that read what users hand us: TOML configs (with the model and setting
// validation behind them), HDF5 policy files, HDF5 episode and demonstration files, and TOML types
// files (with the JSON form of the types). A seeded mutator (byte flips, inserted
// tokens, deleted spans, duplicated lines, truncation) makes thousands of inputs from valid seeds;
// each must be accepted or rejected with an InputError, never crash, hang or raise anything else.
// This binary is built with AddressSanitizer and UBSan over the loaders' own sources, so memory
// errors and undefined behaviour in them fail the test too.
#define BOOST_TEST_MODULE fuzz_loaders
#include <hdf5.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "MpiFixture.hpp"
#include "io/Config.hpp"
#include "io/DemonstrationFile.hpp"
#include "io/EpisodeFile.hpp"
#include "io/ResultFile.hpp"
#include "io/TypesFile.hpp"
#include "parallel/StateLayout.hpp"
#include "solver/models/InputError.hpp"
#include "solver/models/Registry.hpp"
#include "tests/DemonstrationFiles.hpp"
#include "tests/EpisodeFiles.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::temp_directory_path() / ("mfg-test-fuzz-" + std::to_string(::getpid()));
constexpr double kSlowSeconds = 10.0;  // one input taking longer counts as a hang (inputs take ms; the margin is for a loaded machine)

/// The mutator's seed: fixed, so CI is reproducible; MFG_FUZZ_SEED explores others.
std::uint64_t fuzzSeed(std::uint64_t fixed) {
  const char* v = std::getenv("MFG_FUZZ_SEED");
  return v ? fixed ^ std::strtoull(v, nullptr, 10) * 0x9E3779B97F4A7C15ULL : fixed;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string mutate(std::string s, const std::vector<std::string>& tokens) {
    const int n = 1 + static_cast<int>(rng_() % 3);
    for (int k = 0; k < n; ++k) {
      const std::size_t at = s.empty() ? 0 : rng_() % (s.size() + 1);
      switch (rng_() % 6) {
        case 0:  // flip a byte
          if (!s.empty()) s[std::min(at, s.size() - 1)] = static_cast<char>(rng_() % 256);
          break;
        case 1:  // flip one bit
          if (!s.empty()) s[std::min(at, s.size() - 1)] ^= static_cast<char>(1u << (rng_() % 8));
          break;
        case 2:  // insert a token
          s.insert(at, tokens[rng_() % tokens.size()]);
          break;
        case 3:  // delete a span
          s.erase(at, 1 + rng_() % 16);
          break;
        case 4: {  // duplicate a span
          const std::string span = s.substr(at, 1 + rng_() % 32);
          s.insert(rng_() % (s.size() + 1), span);
          break;
        }
        default:  // truncate
          s.resize(at);
      }
    }
    return s;
  }

  std::uint64_t next() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

void writeBytes(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string readBytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// Runs one input; fails the test on anything but success or InputError, or when it is slow.
template <class F>
bool survives(F&& load, const std::string& what, int& rejected) {
  const auto start = std::chrono::steady_clock::now();
  bool ok = true;
  try {
    load();
  } catch (const mfg::InputError&) {
    ++rejected;
  } catch (const std::exception& e) {
    BOOST_ERROR(what << ": raised a " << typeid(e).name() << " instead of InputError: " << e.what());
    ok = false;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (seconds > kSlowSeconds) {
    BOOST_ERROR(what << ": took " << seconds << " s");
    ok = false;
  }
  return ok;
}

}  // namespace

BOOST_AUTO_TEST_CASE(config_loader_survives_mutated_configs) {
  fs::create_directories(kDir);
  const std::vector<std::string> seeds = {
      "model = \"classic/crowd_motion\"\nalgorithm = \"omd\"\niterations = 50\nout = \"r\"\n"
      "[parameters]\nT = 3\n[settings]\nlearning_rate = 1.0\n",
      "model = \"lq\"\nalgorithm = \"rspg\"\niterations = 400\n[parameters]\nT = 30\ngamma = 0.99\n"
      "[settings]\npaths = 8\nlearning_rate = 1e-3\nseed = 3\neval_every = 10\ntime_limit = 120.0\n",
      "model = \"beach_bar\"\n[parameters]\nn = 20\nbar = 10\n[settings]\ncheckpoint_every = 5\ngroups = 2\n",
      "model = \"macro\"\n[parameters]\nwealth_points = 40\nincome_points = 3\naction_points = 5\nT = 8\n"
      "noise_points = 3\n",
      "model = \"classic/beach_bar\"\n[parameters]\nn = 8\nbar = 3\np_still = 0.5\n",
  };
  const std::vector<std::string> tokens = {
      "=", "[", "]", "[[", "]]", "\"", "'", "\n", "#", ",", ".", "{", "}", "\"\"\"", "1e400", "-1", "0", "-0",
      "nan", "inf", "-inf", "true", "2.5", "9223372036854775807", "0x7f", "[1,2,3]", "[[1],[2]]", "T", "n", "gamma",
      "paths", "seed", "parameters", "settings", "model", "iterations", "\"lq\"", "\"macro\"", "1e9", "100001",
      "wealth_points", "\\u0000", "\xff\xfe", "\t", "=\"\"\n", "1979-05-27T07:32:00Z",
  };
  Mutator mutator(fuzzSeed(0x5EED0001));
  int inputs = 0, rejected = 0, failures = 0;
  const fs::path file = kDir / "config.toml";
  for (int k = 0; k < 10000 && failures < 5; ++k) {
    const std::string text = mutator.mutate(seeds[k % seeds.size()], tokens);
    writeBytes(file, text);
    ++inputs;
    const bool ok = survives(
        [&] {
          mfg::io::SolveConfig config;
          mfg::io::applyTomlFile(file.string(), config);
          mfg::io::checkSettings(file.string(), config.settings, mfg::io::trainSettingRanges());
          const auto model = mfg::makeModel(config.model, config.parameters);
          BOOST_TEST(model->numStates() > 0);
        },
        "config #" + std::to_string(k), rejected);
    if (!ok) {
      ++failures;
      BOOST_TEST_MESSAGE("input:\n" << text);
    }
  }
  BOOST_TEST_MESSAGE(inputs << " mutated configs, " << rejected << " rejected with InputError");
  BOOST_TEST(inputs >= 10000);
  BOOST_TEST(rejected > inputs / 10);          // the mutations reach the error paths...
  BOOST_TEST(rejected < inputs - inputs / 50);  // ...and the valid paths too
}

namespace {

/// A policy file of classic/left_right ([steps, 3, 2]) holding `values`, written plainly.
void writeLeftRightPolicy(const fs::path& file, int steps, const std::vector<double>& values) {
  const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[3] = {static_cast<hsize_t>(steps), 3, 2};
  const hid_t space = H5Screate_simple(3, dims, nullptr);
  const hid_t d = H5Dcreate2(f, "/policy", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(d);
  H5Sclose(space);
  H5Fclose(f);
}

}  // namespace

BOOST_AUTO_TEST_CASE(policy_rows_must_sum_to_one_within_1e_9) {
  // README: "Rows must be distributions ... within 1e-9". A row off by 1e-6 (above or below) is
  // an InputError that names its step and state; rows off by 1e-12 load unchanged.
  fs::create_directories(kDir);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const auto model = mfg::makeModel("classic/left_right", {});
  const int steps = model->numSteps();
  BOOST_REQUIRE(steps >= 2);
  const mfg::parallel::StateLayout layout(MPI_COMM_SELF, model->numStates(), model->numActions());
  const std::vector<double> uniform(static_cast<std::size_t>(steps * 6), 0.5);
  const fs::path file = kDir / "rows.h5";
  const struct { int t; int state; double off; } bad[] = {{1, 2, 1e-6}, {1, 2, -1e-6}, {0, 1, 1e-6}, {0, 0, -1e-6}};
  for (const auto& c : bad) {
    std::vector<double> values = uniform;
    values[static_cast<std::size_t>((c.t * 3 + c.state) * 2 + 1)] += c.off;
    writeLeftRightPolicy(file, steps, values);
    const std::string row = "t=" + std::to_string(c.t) + ", state=" + std::to_string(c.state);
    try {
      mfg::io::readPolicy(file.string(), *model, layout, {steps});
      BOOST_ERROR("row " << row << " summing to 1 " << (c.off > 0 ? "+ " : "- ") << std::abs(c.off) << " was accepted");
    } catch (const mfg::InputError& e) {
      const std::string what = e.what();
      BOOST_TEST(what.find(row) != std::string::npos, "the error does not name row " << row << ": " << what);
      BOOST_TEST(what.find("sums to") != std::string::npos, what);
    }
  }
  // Off by 1e-12 in every row (up in one action, down in the other, or up in both): accepted.
  std::vector<double> close = uniform;
  for (std::size_t i = 0; i < close.size(); ++i) close[i] += (i % 4 == 3 ? -1e-12 : 1e-12) / 2.0;
  writeLeftRightPolicy(file, steps, close);
  const auto policy = mfg::io::readPolicy(file.string(), *model, layout, {steps});
  BOOST_REQUIRE_EQUAL(policy.steps(), steps);
  for (int t = 0; t < steps; ++t)
    for (std::size_t r = 0; r < 6; ++r) BOOST_TEST(policy.pi[t][r] == close[static_cast<std::size_t>(t) * 6 + r]);
  std::error_code ec;
  fs::remove(file, ec);
}

BOOST_AUTO_TEST_CASE(policy_loader_survives_mutated_hdf5_files) {
  fs::create_directories(kDir);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // as mfg does: failures are reported as InputError
  // Seeds: valid policies of classic/left_right (by step) in the layouts users write.
  const auto model = mfg::makeModel("classic/left_right", {});
  const int steps = model->numSteps();
  const auto S = model->numStates(), A = model->numActions();
  const mfg::parallel::StateLayout layout(MPI_COMM_SELF, S, A);
  std::vector<std::string> seeds;
  for (int variant = 0; variant < 3; ++variant) {
    const fs::path seed = kDir / ("seed" + std::to_string(variant) + ".h5");
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (variant == 2) H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    const hid_t f = H5Fcreate(seed.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    const hsize_t dims[3] = {static_cast<hsize_t>(steps), static_cast<hsize_t>(S), static_cast<hsize_t>(A)};
    const hid_t space = H5Screate_simple(3, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (variant == 1) {  // chunked and compressed, as h5py users often write
      const hsize_t chunk[3] = {1, dims[1], dims[2]};
      H5Pset_chunk(dcpl, 3, chunk);
      H5Pset_deflate(dcpl, 4);
    }
    const hid_t d = H5Dcreate2(f, "/policy", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    std::vector<double> values(static_cast<std::size_t>(steps * S * A), 1.0 / static_cast<double>(A));
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Pclose(dcpl);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f);
    seeds.push_back(readBytes(seed));
    // Each seed loads as it is.
    const auto policy = mfg::io::readPolicy(seed.string(), *model, layout, {steps});
    BOOST_TEST(policy.steps() == steps);
  }
  const std::vector<std::string> tokens = {std::string(8, '\0'), std::string(8, '\xff'), "HDF", "\x89HDF\r\n\x1a\n",
                                           "TREE", "HEAP", "SNOD", "OHDR", "OCHK", "policy", "\x01", "\x7f"};
  Mutator mutator(fuzzSeed(0x5EED0002));
  int inputs = 0, rejected = 0, failures = 0;
  const fs::path file = kDir / "policy.h5";
  for (int k = 0; k < 10000 && failures < 5; ++k) {
    const std::string bytes = mutator.mutate(seeds[k % seeds.size()], tokens);
    writeBytes(file, bytes);
    ++inputs;
    if (!survives([&] { mfg::io::readPolicy(file.string(), *model, layout, {steps}); }, "policy #" + std::to_string(k),
                  rejected)) {
      ++failures;
      fs::copy_file(file, kDir.parent_path() / ("mfg-fuzz-failure-" + std::to_string(k) + ".h5"),
                    fs::copy_options::overwrite_existing);
    }
  }
  BOOST_TEST_MESSAGE(inputs << " mutated policy files, " << rejected << " rejected with InputError");
  BOOST_TEST(inputs >= 10000);
  BOOST_TEST(rejected > inputs / 2);
  std::error_code ec;
  fs::remove_all(kDir, ec);
}

BOOST_AUTO_TEST_CASE(episode_loader_survives_mutated_hdf5_files) {
  fs::create_directories(kDir);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // Seeds: the sample episodes of tests/EpisodeFiles.hpp as other tools write them (plain; chunked
  // and deflated in the latest format; h5py's enums and variable-length strings; big-endian), and
  // as mfg writes them.
  std::vector<std::string> seeds;
  std::vector<std::function<void(episodetest::RawEpisodes&)>> variants = {
      [](episodetest::RawEpisodes&) {},
      [](episodetest::RawEpisodes& r) { r.chunked = r.latest_format = true; },
      [](episodetest::RawEpisodes& r) {
        r.flags_as_enum = r.vlen_game = r.players_as_list = true;
        r.float_type = H5T_IEEE_F64LE;
      },
      [](episodetest::RawEpisodes& r) {
        r.action_type = H5T_STD_I16BE;
        r.float_type = H5T_IEEE_F32BE;
      },
  };
  for (std::size_t v = 0; v <= variants.size(); ++v) {
    const fs::path seed = kDir / ("episodes" + std::to_string(v) + ".h5");
    if (v < variants.size()) {
      auto raw = episodetest::sampleEpisodes();
      variants[v](raw);
      episodetest::writeRaw(seed, raw);
    } else {
      const auto sample = mfg::io::readEpisodes((kDir / "episodes0.h5").string(), MPI_COMM_SELF);
      mfg::io::writeEpisodes(seed.string(), sample, MPI_COMM_SELF, {"sample", 1});
    }
    seeds.push_back(readBytes(seed));
    const auto data = mfg::io::readEpisodes(seed.string(), MPI_COMM_SELF);  // each seed loads as it is
    BOOST_TEST(data.transitions() == 14);
  }
  const std::vector<std::string> tokens = {std::string(8, '\0'), std::string(8, '\xff'), "HDF", "\x89HDF\r\n\x1a\n",
                                           "TREE", "HEAP", "SNOD", "OHDR", "OCHK", "actions", "filled", "players",
                                           "game", "\x01", "\x7f", std::string(4, '\x7f')};
  Mutator mutator(fuzzSeed(0x5EED0003));
  int inputs = 0, rejected = 0, failures = 0;
  const fs::path file = kDir / "episodes.h5";
  for (int k = 0; k < 10000 && failures < 5; ++k) {
    const std::string bytes = mutator.mutate(seeds[k % seeds.size()], tokens);
    writeBytes(file, bytes);
    ++inputs;
    const bool ok = survives(
        [&] {
          const auto data = mfg::io::readEpisodes(file.string(), MPI_COMM_SELF);
          data.check();  // what loads is consistent
        },
        "episodes #" + std::to_string(k), rejected);
    if (!ok) {
      ++failures;
      fs::copy_file(file, kDir.parent_path() / ("mfg-fuzz-failure-episodes-" + std::to_string(k) + ".h5"),
                    fs::copy_options::overwrite_existing);
    }
  }
  BOOST_TEST_MESSAGE(inputs << " mutated episode files, " << rejected << " rejected with InputError");
  BOOST_TEST(inputs >= 10000);
  BOOST_TEST(rejected > inputs / 2);
  BOOST_TEST(rejected < inputs);  // some mutations leave a loadable file
  std::error_code ec;
  fs::remove_all(kDir, ec);
}

BOOST_AUTO_TEST_CASE(demonstration_loader_survives_mutated_hdf5_files) {
  fs::create_directories(kDir);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // Seeds: the sample of tests/DemonstrationFiles.hpp as other tools write it (plain; chunked and
  // deflated in the latest format; h5py's variable-length strings, lists of one, int32 and no
  // /type; big-endian narrow integers), and as mfg writes it.
  std::vector<std::string> seeds;
  std::vector<std::function<void(demotest::RawDemonstrations&)>> variants = {
      [](demotest::RawDemonstrations&) {},
      [](demotest::RawDemonstrations& r) { r.chunked = r.latest_format = true; },
      [](demotest::RawDemonstrations& r) {
        r.vlen_strings = r.single_values_as_lists = true;
        r.state_type = r.action_type = H5T_STD_I32LE;
        r.omit = {"/type"};
      },
      [](demotest::RawDemonstrations& r) {
        r.state_type = H5T_STD_I16BE;
        r.action_type = H5T_STD_U8LE;
        r.seed_type = H5T_STD_U64BE;
      },
  };
  for (std::size_t v = 0; v <= variants.size(); ++v) {
    const fs::path seed = kDir / ("demonstrations" + std::to_string(v) + ".h5");
    if (v < variants.size()) {
      auto raw = demotest::sampleDemonstrations();
      variants[v](raw);
      demotest::writeRaw(seed, raw);
    } else {
      const auto sample = mfg::io::readDemonstrations((kDir / "demonstrations0.h5").string(), MPI_COMM_SELF);
      mfg::io::writeDemonstrations(seed.string(), sample, MPI_COMM_SELF);
    }
    seeds.push_back(readBytes(seed));
    const auto d = mfg::io::readDemonstrations(seed.string(), MPI_COMM_SELF);  // each seed loads as it is
    BOOST_TEST(d.states.size() == std::size_t{demotest::kP * demotest::kN * (demotest::kT + 1)});
  }
  const std::vector<std::string> tokens = {std::string(8, '\0'), std::string(8, '\xff'), "HDF", "\x89HDF\r\n\x1a\n",
                                           "TREE", "HEAP", "SNOD", "OHDR", "OCHK", "GCOL", "states", "actions", "type",
                                           "model", "parameters", "types", "beta", "seed", "{", "[", "\"", "\x01",
                                           "\x7f", std::string(4, '\x7f')};
  Mutator mutator(fuzzSeed(0x5EED0004));
  int inputs = 0, rejected = 0, failures = 0;
  const fs::path file = kDir / "demonstrations.h5";
  for (int k = 0; k < 10000 && failures < 5; ++k) {
    const std::string bytes = mutator.mutate(seeds[k % seeds.size()], tokens);
    writeBytes(file, bytes);
    ++inputs;
    const bool ok = survives(
        [&] {
          const auto d = mfg::io::readDemonstrations(file.string(), MPI_COMM_SELF);
          // What loads is consistent: sizes, indices >= 0, JSON and beta as documented.
          BOOST_CHECK_NO_THROW(mfg::io::validateDemonstrations(d, std::numeric_limits<std::int64_t>::max(),
                                                               std::numeric_limits<std::int64_t>::max(), 0));
          BOOST_CHECK_NO_THROW(mfg::io::typesFromJson(d.types_json));
          BOOST_TEST(!d.model.empty());
          BOOST_TEST((std::isfinite(d.beta) && d.beta > 0.0));
        },
        "demonstrations #" + std::to_string(k), rejected);
    if (!ok) {
      ++failures;
      fs::copy_file(file, kDir.parent_path() / ("mfg-fuzz-failure-demonstrations-" + std::to_string(k) + ".h5"),
                    fs::copy_options::overwrite_existing);
    }
  }
  BOOST_TEST_MESSAGE(inputs << " mutated demonstration files, " << rejected << " rejected with InputError");
  BOOST_TEST(inputs >= 10000);
  BOOST_TEST(rejected > inputs / 2);
  BOOST_TEST(rejected < inputs);  // some mutations leave a loadable file
  std::error_code ec;
  fs::remove_all(kDir, ec);
}

BOOST_AUTO_TEST_CASE(types_loader_survives_mutated_toml_and_json) {
  fs::create_directories(kDir);
  const std::vector<std::string> seeds = {
      "[[type]]\nweight = 0.5\nk = 0.2\nl = 0.5\n\n[[type]]\nweight = 0.5\nk = 0.4\n",
      "# three types\n[[type]]\nweight = 1\n[[type]]\nweight = 2.5\ngamma = 0.99\n[[type]]\nweight = 3e-2\nn = 20\n",
      "[[type]]\nweight = 1.0\nk = -1\nbar = 10\np_still = 0.25\n",
  };
  const std::vector<std::string> tokens = {
      "[[type]]", "[type]", "[[types]]", "weight", "=", "\n", "\"", "'", "#", ",", ".", "[", "]", "{", "}", "-1", "0",
      "-0", "nan", "inf", "-inf", "true", "1e400", "9223372036854775807", "0x7f", "[1,2]", "k", "type", "\\u0000",
      "\xff\xfe", "\t", "1979-05-27T07:32:00Z", "{ a = 1 }",
  };
  Mutator mutator(fuzzSeed(0x5EED0005));
  int inputs = 0, rejected = 0, failures = 0;
  const fs::path file = kDir / "types.toml";
  const auto finite = [](const std::map<std::string, double>& overrides) {
    for (const auto& [name, value] : overrides)
      if (!std::isfinite(value)) return false;
    return true;
  };
  for (int k = 0; k < 10000 && failures < 5; ++k) {
    const std::string text = mutator.mutate(seeds[k % seeds.size()], tokens);
    writeBytes(file, text);
    ++inputs;
    const bool ok = survives(
        [&] {
          const auto types = mfg::io::readTypes(file.string());
          BOOST_TEST(!types.empty());
          for (const auto& t : types) BOOST_TEST((std::isfinite(t.weight) && t.weight > 0.0 && finite(t.overrides)));
          // Their JSON reads back to the same overrides.
          const auto back = mfg::io::typesFromJson(mfg::io::typesToJson(types));
          BOOST_TEST(back.size() == types.size());
          for (std::size_t i = 0; i < back.size() && i < types.size(); ++i) BOOST_TEST((back[i] == types[i].overrides));
        },
        "types #" + std::to_string(k), rejected);
    if (!ok) {
      ++failures;
      BOOST_TEST_MESSAGE("input:\n" << text);
    }
  }
  BOOST_TEST_MESSAGE(inputs << " mutated types files, " << rejected << " rejected with InputError");
  BOOST_TEST(inputs >= 10000);
  BOOST_TEST(rejected > inputs / 10);
  BOOST_TEST(rejected < inputs - inputs / 50);
  // The JSON of the types, as stored in demonstration files.
  const std::vector<std::string> json_seeds = {R"([{"k":0.2,"l":0.5},{"k":0.4}])", R"([{},{"n":20,"gamma":0.99}])"};
  const std::vector<std::string> json_tokens = {"[", "]", "{", "}", ",", ":", "\"", "null", "true", "1e400", "-",
                                                "\\u0000", "\\ud800", "\xff", "0.5", "\"k\"", "[]", "{}"};
  int json_inputs = 0, json_rejected = 0;
  for (int k = 0; k < 10000 && failures < 5; ++k) {
    const std::string text = mutator.mutate(json_seeds[k % json_seeds.size()], json_tokens);
    ++json_inputs;
    if (!survives(
            [&] {
              for (const auto& overrides : mfg::io::typesFromJson(text)) BOOST_TEST(finite(overrides));
            },
            "types JSON #" + std::to_string(k), json_rejected)) {
      ++failures;
      BOOST_TEST_MESSAGE("input: " << text);
    }
  }
  BOOST_TEST_MESSAGE(json_inputs << " mutated types JSON texts, " << json_rejected << " rejected with InputError");
  BOOST_TEST(json_rejected > json_inputs / 10);
  BOOST_TEST(json_rejected < json_inputs);
  std::error_code ec;
  fs::remove_all(kDir, ec);
}
