// Demonstration files (io/DemonstrationFile, docs/formats.md) at 1, 2 and 3 ranks: written data
// round-trip exactly; files written elsewhere in the binding layout (int32 or other integer types,
// no /type, no optional attributes, h5py's strings) load on every rank with the documented
// defaults; malformed files are rejected on every rank with an InputError naming the dataset or
// attribute; validateDemonstrations names the first entry out of the model's range. Types files
// (io/TypesFile): a good file parses, each bad one is rejected naming the file, type and key.
#define BOOST_TEST_MODULE demonstration_file
#include <hdf5.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "MpiFixture.hpp"
#include "io/DemonstrationFile.hpp"
#include "io/TypesFile.hpp"
#include "solver/models/InputError.hpp"
#include "tests/DemonstrationFiles.hpp"

BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);

struct QuietHdf5 {  // as mfg does: failures are reported as InputError, not as HDF5's stacks
  QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietHdf5);

namespace fs = std::filesystem;
using namespace demotest;
using mfg::irl::Demonstrations;

namespace {

/// A folder shared by the ranks (rank 0's pid), created by rank 0.
fs::path sharedDir(const char* what) {
  long pid = static_cast<long>(::getpid());
  MPI_Bcast(&pid, 1, MPI_LONG, 0, MPI_COMM_WORLD);
  const fs::path dir = fs::temp_directory_path() / ("mfg-test-demo-" + std::string(what) + "-" + std::to_string(pid));
  if (worldRank() == 0) fs::create_directories(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  return dir;
}

void removeShared(const fs::path& dir) {
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0) fs::remove_all(dir);
}

/// Rank 0 writes, the others wait.
void onRoot(const std::function<void()>& write) {
  if (worldRank() == 0) write();
  MPI_Barrier(MPI_COMM_WORLD);
}

/// `run` must raise an InputError containing every one of `parts`.
void expectInputError(const std::function<void()>& run, const std::vector<std::string>& parts) {
  try {
    run();
    BOOST_ERROR("accepted; expected an error naming " << parts.front());
  } catch (const mfg::InputError& e) {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE(what);  // --log_level=message shows them
    for (const auto& p : parts) BOOST_TEST(what.find(p) != std::string::npos, "'" << p << "' missing in: " << what);
  }
}

void expectRejected(const fs::path& file, std::vector<std::string> parts) {
  parts.push_back(file.string());
  expectInputError([&] { mfg::io::readDemonstrations(file.string(), MPI_COMM_WORLD); }, parts);
}

Demonstrations sample() {
  const RawDemonstrations raw = sampleDemonstrations();
  Demonstrations d;
  d.plays = kP;
  d.agents = kN;
  d.steps = kT;
  d.states = std::vector<std::int64_t>(raw.states.begin(), raw.states.end());
  d.actions = std::vector<std::int64_t>(raw.actions.begin(), raw.actions.end());
  d.type = std::vector<std::int32_t>(raw.type.begin(), raw.type.end());
  d.model = raw.model;
  d.parameters_json = raw.parameters;
  d.types_json = raw.types;
  d.beta = raw.beta[0];
  d.seed = static_cast<std::uint64_t>(raw.seed[0]);
  return d;
}

void checkEqual(const Demonstrations& a, const Demonstrations& b) {
  BOOST_TEST(a.plays == b.plays);
  BOOST_TEST(a.agents == b.agents);
  BOOST_TEST(a.steps == b.steps);
  BOOST_TEST(a.states == b.states);
  BOOST_TEST(a.actions == b.actions);
  BOOST_TEST(a.type == b.type);
  BOOST_TEST(a.model == b.model);
  BOOST_TEST(a.parameters_json == b.parameters_json);
  BOOST_TEST(a.types_json == b.types_json);
  BOOST_TEST(a.beta == b.beta);
  BOOST_TEST(a.seed == b.seed);
}

void writeText(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::trunc) << text; }

}  // namespace

BOOST_AUTO_TEST_CASE(written_demonstrations_round_trip_exactly) {
  const fs::path dir = sharedDir("round-trip");
  struct Variant {
    const char* name;
    std::function<void(Demonstrations&)> change;
  };
  const std::vector<Variant> variants = {
      {"the sample", [](Demonstrations&) {}},
      {"no types, seed beyond 2^63, beta 0.37",
       [](Demonstrations& d) {
         d.type.clear();
         d.seed = std::numeric_limits<std::uint64_t>::max() - 5;
         d.beta = 0.37;
       }},
      {"one play, one agent, one step, large indices",
       [](Demonstrations& d) {
         d.plays = d.agents = d.steps = 1;
         d.states = {(std::int64_t{1} << 40) + 3, 0};
         d.actions = {std::numeric_limits<std::int64_t>::max()};
         d.type = {1};
       }},
      {"types JSON beyond 64 KiB (latest file format)",
       [](Demonstrations& d) {
         std::vector<mfg::irl::AgentType> types(2000);
         for (std::size_t k = 0; k < types.size(); ++k)
           types[k].overrides = {{"k", 0.1 * static_cast<double>(k)}, {"long_parameter_name", 1.0 / 3.0}};
         d.types_json = mfg::io::typesToJson(types);
         BOOST_REQUIRE(d.types_json.size() > 70000);
       }},
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    BOOST_TEST_CONTEXT(variants[v].name) {
      Demonstrations d = sample();
      variants[v].change(d);
      const fs::path file = dir / ("written" + std::to_string(v) + ".h5");
      mfg::io::writeDemonstrations(file.string(), d, MPI_COMM_WORLD);
      checkEqual(mfg::io::readDemonstrations(file.string(), MPI_COMM_WORLD), d);
    }
  }
  // Empty JSON texts are written as their empty values.
  Demonstrations empty = sample();
  empty.parameters_json.clear();
  empty.types_json.clear();
  mfg::io::writeDemonstrations((dir / "empty_json.h5").string(), empty, MPI_COMM_WORLD);
  const auto back = mfg::io::readDemonstrations((dir / "empty_json.h5").string(), MPI_COMM_WORLD);
  BOOST_TEST(back.parameters_json == "{}");
  BOOST_TEST(back.types_json == "[]");
  MPI_Barrier(MPI_COMM_WORLD);
  if (worldRank() == 0)
    for (const auto& entry : fs::directory_iterator(dir))  // written through a temporary name, renamed
      BOOST_TEST(entry.path().extension() == ".h5", entry.path());
  removeShared(dir);
}

BOOST_AUTO_TEST_CASE(files_written_elsewhere_load_with_the_defaults) {
  const fs::path dir = sharedDir("external");
  struct Variant {
    const char* name;
    std::function<void(RawDemonstrations&)> change;
    bool defaults;  ///< the optional attributes and /type left out
  };
  const std::vector<Variant> variants = {
      {"h5py-like: int32 datasets, no /type, no optional attributes",
       [](RawDemonstrations& r) {
         r.state_type = r.action_type = H5T_STD_I32LE;
         r.omit = {"/type", "parameters", "types", "beta", "seed"};
       },
       true},
      {"variable-length strings, beta and seed as lists of one, int8 types, uint32 seed",
       [](RawDemonstrations& r) {
         r.vlen_strings = r.single_values_as_lists = true;
         r.type_type = H5T_STD_I8LE;
         r.seed_type = H5T_STD_U32LE;
       },
       false},
      {"big-endian uint16 states, int8 actions, float32 beta", [](RawDemonstrations& r) {
         r.state_type = H5T_STD_U16BE;
         r.action_type = H5T_STD_I8LE;
         r.beta_type = H5T_IEEE_F32LE;
       }, false},
      {"chunked, deflated, latest format", [](RawDemonstrations& r) { r.chunked = r.latest_format = true; }, false},
      {"beta as an integer, uint64 datasets",
       [](RawDemonstrations& r) {
         r.beta = {2.0};
         r.beta_type = H5T_STD_I32LE;
         r.state_type = r.action_type = H5T_STD_U64LE;
       },
       false},
  };
  for (std::size_t v = 0; v < variants.size(); ++v) {
    BOOST_TEST_CONTEXT(variants[v].name) {
      const fs::path file = dir / ("external" + std::to_string(v) + ".h5");
      RawDemonstrations raw = sampleDemonstrations();
      variants[v].change(raw);
      onRoot([&] { writeRaw(file, raw); });
      Demonstrations expected = sample();
      expected.beta = raw.beta[0];
      if (variants[v].defaults) {
        expected.type.clear();
        expected.parameters_json = "{}";
        expected.types_json = "[]";
        expected.beta = 1.0;
        expected.seed = 0;
      }
      const auto d = mfg::io::readDemonstrations(file.string(), MPI_COMM_WORLD);
      checkEqual(d, expected);
      BOOST_TEST(d.hasTypes() == !variants[v].defaults);
      BOOST_TEST(d.state(2, 3, 5) == sampleState(2, 3, 5));
      BOOST_TEST(d.action(1, 2, 4) == sampleAction(1, 2, 4));
    }
  }
  // T = 1: states [P, N, 2].
  const fs::path file = dir / "one_step.h5";
  onRoot([&] {
    RawDemonstrations raw;
    raw.state_dims = {2, 1, 2};
    raw.action_dims = {2, 1, 1};
    raw.type_dims = {2};
    raw.states = {4, 5, 6, 7};
    raw.actions = {1, 0};
    raw.type = {1, 0};
    writeRaw(file, raw);
  });
  const auto d = mfg::io::readDemonstrations(file.string(), MPI_COMM_WORLD);
  BOOST_TEST(d.plays == 2);
  BOOST_TEST(d.agents == 1);
  BOOST_TEST(d.steps == 1);
  BOOST_TEST(d.state(1, 0, 1) == 7);
  BOOST_TEST(d.action(1, 0, 0) == 0);
  removeShared(dir);
}

BOOST_AUTO_TEST_CASE(malformed_files_are_rejected_on_every_rank) {
  const fs::path dir = sharedDir("malformed");
  struct Case {
    const char* name;
    std::function<void(RawDemonstrations&)> change;
    std::vector<std::string> message;
  };
  const std::vector<Case> cases = {
      {"missing /states", [](RawDemonstrations& r) { r.omit = {"/states"}; }, {"no dataset /states"}},
      {"missing /actions", [](RawDemonstrations& r) { r.omit = {"/actions"}; }, {"no dataset /actions"}},
      {"missing model", [](RawDemonstrations& r) { r.omit = {"model"}; }, {"no attribute model"}},
      {"empty model", [](RawDemonstrations& r) { r.model = ""; r.vlen_strings = true; }, {"attribute model", "empty"}},
      {"/states of rank 2", [](RawDemonstrations& r) { r.state_dims = {kP, kN * (kT + 1)}; },
       {"/states has shape [3, 24]", "[P, N, T+1]"}},
      {"/states with T+1 = 1",
       [](RawDemonstrations& r) {
         r.state_dims = {kP, kN, 1};
         r.action_dims = {kP, kN, 0};
       },
       {"/states has shape [3, 4, 1]", "T+1 >= 2"}},
      {"/actions of rank 4", [](RawDemonstrations& r) { r.action_dims = {kP, kN, kT, 1}; },
       {"/actions has shape [3, 4, 5, 1]", "[P, N, T] = [3, 4, 5]"}},
      {"/actions with T+1 steps",
       [](RawDemonstrations& r) {
         r.action_dims = {kP, kN, kT + 1};
         r.actions.resize(kP * kN * (kT + 1));
       },
       {"/actions has shape [3, 4, 6]", "[P, N, T] = [3, 4, 5]"}},
      {"/actions of other agents",
       [](RawDemonstrations& r) {
         r.action_dims = {kP, kN - 1, kT};
       },
       {"/actions has shape [3, 3, 5]"}},
      {"/type for 2 plays",
       [](RawDemonstrations& r) {
         r.type_dims = {2};
       },
       {"/type has shape [2]", "[P] = [3]"}},
      {"/type of rank 2", [](RawDemonstrations& r) { r.type_dims = {kP, 1}; }, {"/type has shape [3, 1]"}},
      {"negative state", [](RawDemonstrations& r) { r.states[(1 * kN + 2) * (kT + 1) + 3] = -1; },
       {"/states[1, 2, 3] = -1"}},
      {"negative action", [](RawDemonstrations& r) { r.actions[(2 * kN + 0) * kT + 4] = -2; },
       {"/actions[2, 0, 4] = -2"}},
      {"negative type", [](RawDemonstrations& r) { r.type[1] = -1; }, {"/type[1] = -1"}},
      {"type beyond the types listed", [](RawDemonstrations& r) { r.type[2] = 2; },
       {"/type[2] = 2", "valid: 0 to 1"}},
      {"float states", [](RawDemonstrations& r) { r.state_type = H5T_IEEE_F64LE; }, {"/states must hold integers"}},
      {"string actions",
       [](RawDemonstrations& r) {
         r.action_type = H5T_C_S1;
       },
       {"/actions must hold integers"}},
      {"parameters not JSON", [](RawDemonstrations& r) { r.parameters = "n = 11"; },
       {"attribute parameters", "not valid JSON"}},
      {"parameters a JSON list", [](RawDemonstrations& r) { r.parameters = "[1, 2]"; },
       {"attribute parameters", "array", "expected an object"}},
      {"types a JSON object", [](RawDemonstrations& r) { r.types = R"({"k": 0.2})"; },
       {"attribute types", "expected a list of objects"}},
      {"types not JSON", [](RawDemonstrations& r) { r.types = "[{k: 1}]"; }, {"attribute types", "not valid JSON"}},
      {"types with a string value", [](RawDemonstrations& r) { r.types = R"([{"k": 0.2}, {"k": "high"}])"; },
       {"attribute types", "entry 2", "'k'", "expected a number"}},
      {"types as a number", [](RawDemonstrations& r) { r.vlen_strings = true; r.types = "3"; },
       {"attribute types", "expected a list of objects"}},
      {"beta 0", [](RawDemonstrations& r) { r.beta = {0.0}; }, {"attribute beta = 0", "positive finite"}},
      {"beta -1", [](RawDemonstrations& r) { r.beta = {-1.0}; }, {"attribute beta = -1"}},
      {"beta NaN", [](RawDemonstrations& r) { r.beta = {std::nan("")}; }, {"attribute beta = nan"}},
      {"beta infinite", [](RawDemonstrations& r) { r.beta = {INFINITY}; }, {"attribute beta = inf"}},
      {"beta a list of two", [](RawDemonstrations& r) { r.beta = {1.0, 2.0}; }, {"attribute beta", "one value"}},
      {"beta a string", [](RawDemonstrations& r) { r.beta_type = H5T_C_S1; }, {"attribute beta", "must be a number"}},
      {"negative seed", [](RawDemonstrations& r) { r.seed = {-3}; }, {"attribute seed = -3"}},
      {"seed a float", [](RawDemonstrations& r) { r.seed_type = H5T_IEEE_F64LE; }, {"attribute seed", "integer"}},
  };
  for (std::size_t c = 0; c < cases.size(); ++c) {
    BOOST_TEST_CONTEXT(cases[c].name) {
      const fs::path file = dir / ("bad" + std::to_string(c) + ".h5");
      onRoot([&] {
        RawDemonstrations raw = sampleDemonstrations();
        cases[c].change(raw);
        writeRaw(file, raw);
      });
      expectRejected(file, cases[c].message);
    }
  }
  // The model's name as a number.
  const fs::path numeric_model = dir / "numeric_model.h5";
  onRoot([&] {
    RawDemonstrations raw = sampleDemonstrations();
    raw.omit = {"model"};
    writeRaw(numeric_model, raw);
    const hid_t f = H5Fopen(numeric_model.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(f, "model", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    const int value = 3;
    H5Awrite(a, H5T_NATIVE_INT, &value);
    H5Aclose(a);
    H5Sclose(space);
    H5Fclose(f);
  });
  expectRejected(numeric_model, {"attribute model", "must be a string"});
  // Declared sizes beyond what is sane or what the file could hold: refused before allocating.
  // Chunked datasets with no chunk written are all fill value, so a small file can declare them.
  const auto hollow = [&](const fs::path& file, const std::vector<hsize_t>& dims) {
    onRoot([&] {
      RawDemonstrations raw = sampleDemonstrations();
      raw.omit = {"/states", "/actions", "/type"};
      writeRaw(file, raw);
      const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      const hsize_t chunk[3] = {1, 1, 512};  // within both datasets' last dimension
      H5Pset_chunk(dcpl, 3, chunk);
      for (const char* name : {"/states", "/actions"}) {
        std::vector<hsize_t> d = dims;
        if (name[1] == 'a') d[2] -= 1;
        const hid_t space = H5Screate_simple(3, d.data(), nullptr);
        H5Dclose(H5Dcreate2(f, name, H5T_STD_I64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Sclose(space);
      }
      H5Pclose(dcpl);
      H5Fclose(f);
    });
  };
  hollow(dir / "too_many.h5", {4, 1u << 20, 1u << 10});
  expectRejected(dir / "too_many.h5", {"/states has shape [4, 1048576, 1024]", "more than 2147483648 values"});
  hollow(dir / "too_large.h5", {16, 4096, 4096});
  expectRejected(dir / "too_large.h5", {"more than the file could hold"});
  // Not HDF5, and no file at all.
  const fs::path text = dir / "text.h5";
  onRoot([&] { writeText(text, "play,agent,step,state\n0,0,0,1\n"); });
  expectRejected(text, {"not an HDF5 file"});
  expectRejected(dir / "missing.h5", {"no such file"});
  removeShared(dir);
}

BOOST_AUTO_TEST_CASE(inconsistent_data_and_destinations_are_bad_input_when_writing) {
  const fs::path dir = sharedDir("write");
  const auto rejected = [&](const std::function<void(Demonstrations&)>& change, const std::vector<std::string>& parts) {
    Demonstrations d = sample();
    change(d);
    const fs::path file = dir / "bad.h5";
    expectInputError([&] { mfg::io::writeDemonstrations(file.string(), d, MPI_COMM_WORLD); }, parts);
    MPI_Barrier(MPI_COMM_WORLD);
    BOOST_TEST(!fs::exists(file));
  };
  rejected([](Demonstrations& d) { d.states.pop_back(); }, {"states holds 71 values", "P * N * (T+1) = 72"});
  rejected([](Demonstrations& d) { d.actions[7] = -1; }, {"actions[0, 1, 2] = -1"});
  rejected([](Demonstrations& d) { d.type = {0, 1}; }, {"type holds 2 values"});
  rejected([](Demonstrations& d) { d.type[0] = 5; }, {"type[0] = 5"});
  rejected([](Demonstrations& d) { d.parameters_json = "[]"; }, {"parameters", "expected an object"});
  rejected([](Demonstrations& d) { d.types_json = "{}"; }, {"expected a list of objects"});
  rejected([](Demonstrations& d) { d.beta = 0.0; }, {"beta = 0"});
  rejected([](Demonstrations& d) { d.model.clear(); }, {"model's name is empty"});
  expectInputError([&] { mfg::io::writeDemonstrations("/nonexistent-directory/demos.h5", sample(), MPI_COMM_WORLD); },
                   {"/nonexistent-directory/demos.h5"});
  removeShared(dir);
}

BOOST_AUTO_TEST_CASE(validation_names_the_first_entry_out_of_the_models_range) {
  const Demonstrations d = sample();  // states 0..10, actions 0..2, types 0..1
  mfg::io::validateDemonstrations(d, 11, 3, 2);
  mfg::io::validateDemonstrations(d, 11, 3, 0);  // types unknown
  expectInputError([&] { mfg::io::validateDemonstrations(d, 10, 3, 2); },
                   {"model 'beach_bar'", "/states[0, 2, 4] = 10", "valid: 0 to 9"});
  expectInputError([&] { mfg::io::validateDemonstrations(d, 11, 2, 2); }, {"/actions[0, 0, 1] = 2", "valid: 0 to 1"});
  expectInputError([&] { mfg::io::validateDemonstrations(d, 11, 3, 1); }, {"/type[1] = 1", "valid: 0 to 0"});
  Demonstrations short_states = d;
  short_states.states.resize(10);
  expectInputError([&] { mfg::io::validateDemonstrations(short_states, 11, 3, 2); }, {"states holds 10 values"});
}

BOOST_AUTO_TEST_CASE(types_files_parse_and_bad_ones_are_rejected) {
  // Each rank its own folder: these are serial functions.
  const fs::path dir = fs::temp_directory_path() / ("mfg-test-types-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "types.toml";
  writeText(file, "# two types\n[[type]]\nweight = 0.5\nk = 0.2\nl = 0.5\n\n[[type]]\nweight = 3\nk = 1\n\n"
                  "[[type]]\nweight = 1.5\n");
  const auto types = mfg::io::readTypes(file.string());
  BOOST_REQUIRE(types.size() == 3u);
  BOOST_TEST(types[0].weight == 0.5);  // as written, not normalised
  BOOST_TEST(types[1].weight == 3.0);
  BOOST_TEST(types[2].weight == 1.5);
  BOOST_TEST((types[0].overrides == std::map<std::string, double>{{"k", 0.2}, {"l", 0.5}}));
  BOOST_TEST((types[1].overrides == std::map<std::string, double>{{"k", 1.0}}));
  BOOST_TEST(types[2].overrides.empty());
  // JSON of the overrides, and back.
  const std::string json = mfg::io::typesToJson(types);
  BOOST_TEST(json == R"([{"k":0.2,"l":0.5},{"k":1.0},{}])");
  const auto back = mfg::io::typesFromJson(json);
  BOOST_REQUIRE(back.size() == 3u);
  for (std::size_t k = 0; k < 3; ++k) BOOST_TEST((back[k] == types[k].overrides));
  BOOST_TEST(mfg::io::typesFromJson("[]").empty());

  struct Case {
    const char* text;
    std::vector<std::string> message;
  };
  const std::vector<Case> cases = {
      {"", {"no [[type]] table"}},
      {"# nothing\n", {"no [[type]] table"}},
      {"type = []\n", {"no [[type]] table"}},
      {"[type]\nweight = 1\n", {"'type' is a table", "[[type]]"}},
      {"weight = 1\n[[type]]\nweight = 1\n", {"unknown top-level key 'weight'"}},
      {"[[type]]\nweight = 1\n[[types]]\nweight = 1\n", {"unknown top-level key 'types'"}},
      {"[[type]]\nweight = 1\n[[type]]\nk = 0.2\n", {"type 2", "'weight' is missing"}},
      {"[[type]]\nweight = 0\n", {"type 1", "'weight' = 0", "positive"}},
      {"[[type]]\nweight = -0.5\n", {"type 1", "'weight' = -0.5"}},
      {"[[type]]\nweight = inf\n", {"type 1", "'weight' = inf", "finite"}},
      {"[[type]]\nweight = nan\n", {"type 1", "'weight' = nan"}},
      {"[[type]]\nweight = \"1\"\n", {"type 1", "'weight' is a string", "expected a number"}},
      {"[[type]]\nweight = 1\n[[type]]\nweight = 1\nk = \"high\"\n", {"type 2", "'k' is a string", "expected a number"}},
      {"[[type]]\nweight = 1\nk = true\n", {"type 1", "'k' is a boolean"}},
      {"[[type]]\nweight = 1\nk = [0.1, 0.2]\n", {"type 1", "'k' is an array"}},
      {"[[type]]\nweight = 1\nk = -inf\n", {"type 1", "'k' = -inf", "finite"}},
      {"[[type]]\nweight = 1\n[type.sub]\nk = 1\n", {"type 1", "'sub' is a table"}},
      {"[[type]]\nweight = \n", {"not valid TOML", "line 2"}},
  };
  for (std::size_t c = 0; c < cases.size(); ++c) {
    BOOST_TEST_CONTEXT("types file: " << cases[c].text) {
      writeText(file, cases[c].text);
      auto parts = cases[c].message;
      parts.push_back(file.string());
      expectInputError([&] { mfg::io::readTypes(file.string()); }, parts);
    }
  }
  expectInputError([&] { mfg::io::readTypes((dir / "missing.toml").string()); }, {"missing.toml", "no such file"});
  // Bad JSON of overrides.
  expectInputError([] { mfg::io::typesFromJson("[{\"k\": 0.2}"); }, {"not valid JSON"});
  expectInputError([] { mfg::io::typesFromJson("{\"k\": 0.2}"); }, {"expected a list of objects"});
  expectInputError([] { mfg::io::typesFromJson("[{\"k\": 0.2}, 3]"); }, {"entry 2", "expected an object"});
  expectInputError([] { mfg::io::typesFromJson("[{\"k\": null}]"); }, {"entry 1", "'k'", "expected a number"});
  expectInputError([] { mfg::io::typesFromJson("[{\"k\": 1e400}]"); }, {"types' JSON"});  // overflow: invalid or not finite
  std::error_code ec;
  fs::remove_all(dir, ec);
}
