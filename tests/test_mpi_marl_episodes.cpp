// Episode files (io/EpisodeFile, docs/formats.md) at 1, 2 and 3 ranks: the generated datasets
// round-trip exactly; a file written elsewhere in the binding layout (raw HDF5, other sizes and
// element types: 3 players, observations [2, 3], int64 actions, h5py's booleans and strings)
// loads with its values on every rank; malformed files are rejected on every rank with an
// InputError naming the dataset or attribute and what was expected.
#define BOOST_TEST_MODULE mpi_marl_episodes
#include <hdf5.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "MpiFixture.hpp"
#include "io/EpisodeFile.hpp"
#include "solver/games/Datasets.hpp"
#include "solver/models/InputError.hpp"
#include "tests/EpisodeFiles.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

struct QuietHdf5 {  // as mfg does: failures are reported as InputError, not as HDF5's stacks
  QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietHdf5);

namespace fs = std::filesystem;
using namespace episodetest;

namespace {

/// A folder shared by the ranks (rank 0's pid), created by rank 0.
fs::path sharedDir() {
  long pid = static_cast<long>(::getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  const fs::path dir = fs::temp_directory_path() / ("mfg-test-marl-episodes-" + std::to_string(pid));
  if (worldRank() == 0) fs::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  return dir;
}

/// Rank 0 writes, the others wait.
void onRoot(const std::function<void()>& write) {
  if (worldRank() == 0) write();
  MPI_Barrier(MPI_COMM_WORLD);
}

/// Every rank must raise an InputError containing every one of `parts`.
void expectRejected(const fs::path& file, const std::vector<std::string>& parts) {
  try {
    mfg::io::readEpisodes(file.string(), MPI_COMM_WORLD);
    BOOST_ERROR("accepted; expected an error naming " << parts.front());
  } catch (const mfg::InputError& e) {
    const std::string what = e.what();
    for (const auto& p : parts) BOOST_TEST(what.find(p) != std::string::npos, "'" << p << "' missing in: " << what);
    BOOST_TEST(what.find(file.string()) != std::string::npos, what);
  }
}

void checkSample(const mfg::games::EpisodeData& d) {
  BOOST_TEST(d.game == "external/three_player");
  BOOST_TEST(d.episodes == kE);
  BOOST_TEST(d.steps == kT);
  BOOST_TEST(d.players == kN);
  BOOST_TEST((d.action_counts == std::vector<int>{2, 3, 4}));
  BOOST_TEST((d.observation_shape == std::vector<std::int64_t>{2, 3}));
  BOOST_TEST(d.transitions() == 5 + 3 + 1 + 5);
  for (int e = 0; e < kE; ++e) {
    for (int t = 0; t <= kT; ++t)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
          BOOST_TEST(d.observation(e, t)[i * 3 + j] == static_cast<float>(sampleObservation(e, t, i, j)));
    for (int t = 0; t < kT; ++t) {
      const std::size_t k = d.stepIndex(e, t);
      const bool real = t < kLength[e];
      BOOST_TEST(d.filled[k] == (real ? 1 : 0));
      BOOST_TEST(d.terminated[k] == (real && kTerminated[e] && t == kLength[e] - 1 ? 1 : 0));
      for (int p = 0; p < kN; ++p) {
        BOOST_TEST(d.action(e, t, p) == (real ? sampleAction(e, t, p) : 0));  // padding junk is not kept
        BOOST_TEST(d.rewards[k * kN + p] == static_cast<float>(real ? sampleReward(e, t, p) : 0.0));
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(generated_datasets_round_trip_exactly) {
  const fs::path dir = sharedDir();
  for (const char* game : {"xor", "mne", "bridge"}) {
    for (const auto& [kind, description] : mfg::games::datasetKinds(game)) {
      BOOST_TEST_CONTEXT(game << " " << kind) {
        const auto data = mfg::games::makeDataset(game, kind, 5);
        const fs::path file = dir / (std::string(game) + "_" + kind + ".h5");
        mfg::io::writeEpisodes(file.string(), data, MPI_COMM_WORLD, {kind, 5});
        const auto back = mfg::io::readEpisodes(file.string(), MPI_COMM_WORLD);
        BOOST_TEST(back.game == data.game);
        BOOST_TEST(back.episodes == data.episodes);
        BOOST_TEST(back.steps == data.steps);
        BOOST_TEST(back.players == data.players);
        BOOST_TEST(back.action_counts == data.action_counts);
        BOOST_TEST(back.observation_shape == data.observation_shape);
        BOOST_TEST(back.observations == data.observations);
        BOOST_TEST(back.actions == data.actions);
        BOOST_TEST(back.rewards == data.rewards);
        BOOST_TEST(back.terminated == data.terminated);
        BOOST_TEST(back.filled == data.filled);
      }
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0) {
    for (const auto& entry : fs::directory_iterator(dir))  // written through a temporary name, renamed
      BOOST_TEST(entry.path().extension() == ".h5", entry.path());
    // The optional provenance attributes.
    const hid_t f = H5Fopen((dir / "xor_ab_ba.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    BOOST_REQUIRE(f >= 0);
    unsigned long long seed = 0;
    const hid_t a = H5Aopen(f, "seed", H5P_DEFAULT);
    BOOST_TEST(H5Aread(a, H5T_NATIVE_ULLONG, &seed) >= 0);
    BOOST_TEST(seed == 5u);
    H5Aclose(a);
    BOOST_TEST(H5Aexists(f, "kind") > 0);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0) fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(external_files_in_the_binding_layout_load) {
  const fs::path dir = sharedDir();
  struct Variant {
    const char* name;
    std::function<void(RawEpisodes&)> change;
  };
  const std::vector<Variant> variants = {
      {"plain: int64 actions, float32, uint8 flags, fixed-length game", [](RawEpisodes&) {}},
      {"chunked, deflated, latest format", [](RawEpisodes& r) { r.chunked = r.latest_format = true; }},
      {"h5py style: booleans as enums, variable-length game, float64, players as a list, int32 counts",
       [](RawEpisodes& r) {
         r.flags_as_enum = r.vlen_game = r.players_as_list = true;
         r.float_type = H5T_IEEE_F64LE;
         r.count_type = H5T_STD_I32LE;
       }},
      {"big-endian int16 actions, int8 flags, uint16 counts",
       [](RawEpisodes& r) {
         r.action_type = H5T_STD_I16BE;
         r.flag_type = H5T_STD_I8LE;
         r.count_type = H5T_STD_U16LE;
         r.float_type = H5T_IEEE_F32BE;
       }},
      {"actions as whole floats, padding -7",
       [](RawEpisodes& r) {
         r.action_type = H5T_IEEE_F64LE;
         for (auto& a : r.actions)
           if (a == 99) a = -7;
       }},
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    BOOST_TEST_CONTEXT(variants[v].name) {
      const fs::path file = dir / ("external" + std::to_string(v) + ".h5");
      RawEpisodes raw = sampleEpisodes();
      variants[v].change(raw);
      onRoot([&] { writeRaw(file, raw); });
      checkSample(mfg::io::readEpisodes(file.string(), MPI_COMM_WORLD));
    }
  }
  // Float actions with NaN padding: unfilled steps may hold anything.
  const fs::path file = dir / "nan_padding.h5";
  onRoot([&] {
    RawEpisodes raw = sampleEpisodes();
    raw.omit = {"/actions"};
    writeRaw(file, raw);
    std::vector<double> actions(raw.actions.begin(), raw.actions.end());
    for (auto& a : actions)
      if (a == 99) a = std::nan("");
    addDataset(file, "/actions", H5T_IEEE_F32LE, raw.action_dims, actions);
  });
  checkSample(mfg::io::readEpisodes(file.string(), MPI_COMM_WORLD));
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0) fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(malformed_files_are_rejected_on_every_rank) {
  const fs::path dir = sharedDir();
  struct Case {
    const char* name;
    std::function<void(RawEpisodes&)> change;
    std::vector<std::string> message;
  };
  const std::vector<Case> cases = {
      {"missing /filled", [](RawEpisodes& r) { r.omit = {"/filled"}; }, {"no dataset /filled"}},
      {"missing /observations", [](RawEpisodes& r) { r.omit = {"/observations"}; }, {"no dataset /observations"}},
      {"/actions of rank 2",
       [](RawEpisodes& r) {
         r.action_dims = {kE, kT * kN};
       },
       {"/actions has shape [4, 15]", "[E, T, N]"}},
      {"/actions for 2 players, attributes for 3",
       [](RawEpisodes& r) {
         r.action_dims = {kE, kT, 2};
         r.actions.resize(kE * kT * 2);
       },
       {"/actions has shape [4, 5, 2]", "N = 3"}},
      {"players attribute 2 for 3-player data",
       [](RawEpisodes& r) {
         r.players = {2};
         r.action_counts = {2, 3};
       },
       {"/actions has shape [4, 5, 3]", "N = 2 (attribute players)"}},
      {"actions attribute with 2 entries for 3 players", [](RawEpisodes& r) { r.action_counts = {2, 3}; },
       {"attribute actions holds 2 values", "players = 3"}},
      {"action out of range on a filled step", [](RawEpisodes& r) { r.actions[(1 * kT + 2) * kN + 1] = 3; },
       {"/actions[1, 2, 1] = 3", "valid for player 1: 0 to 2"}},
      {"negative action on a filled step", [](RawEpisodes& r) { r.actions[0] = -1; }, {"/actions[0, 0, 0] = -1"}},
      {"filled after an unfilled step", [](RawEpisodes& r) { r.filled[2 * kT + 3] = 1; },
       {"/filled[2, 3] = 1 after the end of episode 2 at step 1"}},
      {"filled after the terminal step", [](RawEpisodes& r) { r.filled[1 * kT + 3] = 1; },
       {"/filled[1, 3] = 1 after the end of episode 1 at step 2 (terminated)"}},
      {"flag 2", [](RawEpisodes& r) { r.terminated[3] = 2; }, {"/terminated[0, 3] = 2", "0 or 1"}},
      {"flag -1",
       [](RawEpisodes& r) {
         r.flag_type = H5T_STD_I8LE;
         r.filled[0] = -1;
       },
       {"/filled[0, 0] = -1", "0 or 1"}},
      {"terminated but not filled", [](RawEpisodes& r) { r.terminated[2 * kT + 4] = 1; }, {"/terminated[2, 4] = 1"}},
      {"/observations of [E, T, ...]",
       [](RawEpisodes& r) {
         r.observation_dims = {kE, kT, 2, 3};
         r.observations.resize(kE * kT * 6);
       },
       {"/observations has shape [4, 5, 2, 3]", "[E, T+1, obs...] = [4, 6, ...]"}},
      {"/observations without an observation dimension",
       [](RawEpisodes& r) {
         r.observation_dims = {kE, kT + 1};
         r.observations.resize(kE * (kT + 1));
       },
       {"/observations has shape [4, 6]"}},
      {"/rewards of [E, T]",
       [](RawEpisodes& r) {
         r.reward_dims = {kE, kT};
         r.rewards.resize(kE * kT);
       },
       {"/rewards has shape [4, 5]", "[E, T, N] = [4, 5, 3]"}},
      {"/filled of [E, T+1]",
       [](RawEpisodes& r) {
         r.filled_dims = {kE, kT + 1};
         r.filled.resize(kE * (kT + 1));
       },
       {"/filled has shape [4, 6]", "[E, T] = [4, 5]"}},
      {"NaN reward on a filled step", [](RawEpisodes& r) { r.rewards[4] = std::nan(""); }, {"/rewards[0, 1, 1] = nan"}},
      {"infinite observation", [](RawEpisodes& r) { r.observations[7] = INFINITY; }, {"/observations", "non-finite"}},
      {"no filled step", [](RawEpisodes& r) { std::fill(r.filled.begin(), r.filled.end(), 0), std::fill(r.terminated.begin(), r.terminated.end(), 0); },
       {"no filled step"}},
      {"missing attribute game", [](RawEpisodes& r) { r.omit = {"game"}; }, {"no attribute game"}},
      {"missing attribute players", [](RawEpisodes& r) { r.omit = {"players"}; }, {"no attribute players"}},
      {"missing attribute actions", [](RawEpisodes& r) { r.omit = {"actions"}; }, {"no attribute actions"}},
      {"players as a float", [](RawEpisodes& r) { r.count_type = H5T_IEEE_F64LE; },
       {"attribute players", "must be stored as an integer"}},
      {"players 0", [](RawEpisodes& r) { r.players = {0}; }, {"attribute players = 0", "valid: 1 to"}},
      {"an action count of 0", [](RawEpisodes& r) { r.action_counts = {2, 0, 4}; },
       {"attribute actions[1] = 0", "valid: 1 to 1000000"}},
      {"empty game", [](RawEpisodes& r) { r.game = ""; r.vlen_game = true; }, {"attribute game", "empty"}},
  };
  for (std::size_t c = 0; c < cases.size(); ++c) {
    BOOST_TEST_CONTEXT(cases[c].name) {
      const fs::path file = dir / ("bad" + std::to_string(c) + ".h5");
      onRoot([&] {
        RawEpisodes raw = sampleEpisodes();
        cases[c].change(raw);
        writeRaw(file, raw);
      });
      expectRejected(file, cases[c].message);
    }
  }

  // Actions that are no whole numbers, on a filled step.
  const fs::path fractional = dir / "fractional.h5";
  onRoot([&] {
    RawEpisodes raw = sampleEpisodes();
    raw.omit = {"/actions"};
    writeRaw(fractional, raw);
    std::vector<double> actions(raw.actions.begin(), raw.actions.end());
    actions[(3 * kT + 1) * kN + 2] = 1.5;
    addDataset(fractional, "/actions", H5T_IEEE_F64LE, raw.action_dims, actions);
  });
  expectRejected(fractional, {"/actions[3, 1, 2] = a non-integer"});

  // Strings where numbers belong.
  const fs::path strings = dir / "strings.h5";
  onRoot([&] {
    RawEpisodes raw = sampleEpisodes();
    raw.omit = {"/filled"};
    writeRaw(strings, raw);
    const hid_t f = H5Fopen(strings.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 2);
    const hsize_t dims[2] = {kE, kT};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t d = H5Dcreate2(f, "/filled", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const std::string text(2 * kE * kT, '1');
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
    H5Fclose(f);
  });
  expectRejected(strings, {"/filled must hold integers"});

  // Declared sizes beyond what is sane or what the file could hold: refused before allocating.
  // Chunked datasets with no chunk written are all fill value, so a small file can declare them.
  const auto hollow = [&](const fs::path& file, const std::vector<hsize_t>& obs_dims) {
    onRoot([&] {
      RawEpisodes raw = sampleEpisodes();
      raw.omit = {"/observations"};
      writeRaw(file, raw);
      const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      const hid_t space = H5Screate_simple(static_cast<int>(obs_dims.size()), obs_dims.data(), nullptr);
      const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      const hsize_t chunk[4] = {1, 1, 64, 64};
      H5Pset_chunk(dcpl, 4, chunk);
      const hid_t d = H5Dcreate2(f, "/observations", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      H5Dclose(d);
      H5Pclose(dcpl);
      H5Sclose(space);
      H5Fclose(f);
    });
  };
  hollow(dir / "too_many.h5", {kE, kT + 1, 1u << 20, 1u << 10});
  expectRejected(dir / "too_many.h5", {"/observations has shape [4, 6, 1048576, 1024]", "more than 2147483648 values"});
  hollow(dir / "too_large.h5", {kE, kT + 1, 4096, 4096});
  expectRejected(dir / "too_large.h5", {"more than the file could hold"});

  // Not HDF5, and no file at all.
  const fs::path text = dir / "text.h5";
  onRoot([&] { std::ofstream(text) << "episode,step,action\n0,0,1\n"; });
  expectRejected(text, {"not an HDF5 file"});
  expectRejected(dir / "missing.h5", {"no such file"});
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0) fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_unwritable_destination_is_bad_input) {
  const auto data = mfg::games::makeDataset("xor", "ab", 0);
  try {
    mfg::io::writeEpisodes("/nonexistent-directory/episodes.h5", data, MPI_COMM_WORLD);
    BOOST_ERROR("writing into a missing directory succeeded");
  } catch (const mfg::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("/nonexistent-directory/episodes.h5") != std::string::npos, e.what());
  }
}
