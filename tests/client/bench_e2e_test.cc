// End to end: the real `remit bench` against validators it spawns. Proves
// that a short open-loop run on its own 1-validator testnet funds its
// accounts, settles every transfer it offers with no errors, prints one JSON
// object with the documented keys and the validator's stage breakdown, and
// leaves no validator or directory behind; that a 4-validator run with
// --kill-leader-at kills and restarts the leader and still settles
// everything (re-sent to other validators); that --crypto reports a rate
// and limits; and that bad arguments exit 2 before anything starts. Asserts
// no timing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

#ifndef REMIT_BIN
#error "REMIT_BIN must name the remit executable"
#endif
#ifndef REMITD_BIN
#error "REMITD_BIN must name the remitd executable"
#endif

namespace remit {
namespace {

using nlohmann::json;

constexpr uint64_t kBenchTimeoutMs = 180'000;

class BenchEndToEndTest : public ::testing::Test {
 protected:
  BenchEndToEndTest() {
    ::setenv("REMITD", REMITD_BIN, 1);
    const char* tmp = std::getenv("TMPDIR");
    if (tmp != nullptr) saved_tmpdir_ = tmp;
    ::setenv("TMPDIR", dir_.path().c_str(), 1);  // spawned testnets land here
  }
  ~BenchEndToEndTest() override {
    // The next test's TempDir is made under TMPDIR: give it back.
    if (saved_tmpdir_.empty()) {
      ::unsetenv("TMPDIR");
    } else {
      ::setenv("TMPDIR", saved_tmpdir_.c_str(), 1);
    }
  }

  testing::ProcessRun Bench(std::vector<std::string> args) {
    args.insert(args.begin(), {REMIT_BIN, "bench"});
    return testing::RunProcess(args, dir_.path(), kBenchTimeoutMs);
  }

  json ParseOne(const testing::ProcessRun& run) {
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << run.out;
    const json parsed = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << run.out;
    return parsed;
  }

  // Nothing but the captured output files may remain in the scratch dir.
  void ExpectNoTestnetLeft() {
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      EXPECT_EQ(entry.path().filename().string().rfind("remit-bench-", 0), std::string::npos)
          << entry.path();
    }
  }

  testing::TempDir dir_;
  std::string saved_tmpdir_;
};

TEST_F(BenchEndToEndTest, OpenLoopOnASpawnedValidatorSettlesEverything) {
  const testing::ProcessRun run = Bench({"--spawn", "1", "--accounts", "50", "--rate", "200",
                                         "--duration", "2", "--warmup", "1", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = ParseOne(run);
  EXPECT_GT(report["settled_tps"].get<double>(), 0);
  EXPECT_GT(report["offered_tps"].get<double>(), 0);
  for (const char* key : {"p50", "p90", "p99", "p999", "max"}) {
    EXPECT_TRUE(report["latency_us"][key].is_number_unsigned()) << key;
  }
  EXPECT_TRUE(report["rejected"].empty()) << report["rejected"];
  EXPECT_TRUE(report["errors"].empty()) << report["errors"];
  EXPECT_EQ(report["failed"], 0);
  EXPECT_EQ(report["unfinished"], 0);
  EXPECT_EQ(report["validators"], 1);
  // Every transfer offered over the whole run (warmup too) settled.
  uint64_t offered = 0;
  uint64_t settled = 0;
  for (const json& second : report["timeline"]) {
    offered += second["offered"].get<uint64_t>();
    settled += second["settled"].get<uint64_t>();
  }
  EXPECT_EQ(offered, 600u);  // 200/s for 3 s
  EXPECT_EQ(settled, offered);
  // The validator's /metrics were read: every stage, in a transfer's order,
  // counted the same transfers (those answered after the window began).
  EXPECT_EQ(report["stages_nodes"], 1);
  const json& stages = report["stages_us"];
  ASSERT_EQ(stages.size(), 6u) << stages;
  const char* kOrder[] = {"admitted", "proposed", "certified", "committed", "answered", "total"};
  for (size_t i = 0; i < stages.size(); ++i) {
    EXPECT_EQ(stages[i]["stage"], kOrder[i]);
    EXPECT_EQ(stages[i]["count"], stages[0]["count"]) << kOrder[i];
    EXPECT_LE(stages[i]["p50"].get<uint64_t>(), stages[i]["p99"].get<uint64_t>()) << kOrder[i];
  }
  EXPECT_GT(stages[0]["count"].get<uint64_t>(), 0u);
  ExpectNoTestnetLeft();
}

TEST_F(BenchEndToEndTest, KilledLeaderIsRestartedAndNothingIsLost) {
  const testing::ProcessRun run =
      Bench({"--spawn", "4", "--accounts", "40", "--rate", "100", "--duration", "6", "--warmup",
             "1", "--kill-leader-at", "2", "--restart-after", "1", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = ParseOne(run);
  ASSERT_TRUE(report["leader_kill"].is_object()) << report;
  EXPECT_LT(report["leader_kill"]["node_index"].get<uint32_t>(), 4u);
  EXPECT_TRUE(report["leader_kill"]["restarted_at_s"].is_number()) << report["leader_kill"];
  EXPECT_EQ(report["failed"], 0) << report["errors"];
  EXPECT_EQ(report["unfinished"], 0);
  uint64_t offered = 0;
  uint64_t settled = 0;
  for (const json& second : report["timeline"]) {
    offered += second["offered"].get<uint64_t>();
    settled += second["settled"].get<uint64_t>();
  }
  EXPECT_EQ(settled, offered);
  ExpectNoTestnetLeft();
}

TEST_F(BenchEndToEndTest, CryptoReportsRateAndLimits) {
  const testing::ProcessRun run = Bench({"--crypto", "--crypto-seconds", "0.2", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = ParseOne(run);
  EXPECT_GT(report["verify_per_s"].get<double>(), 0);
  EXPECT_GT(report["limit_tps"]["1"].get<double>(), report["limit_tps"]["4"].get<double>());
}

TEST_F(BenchEndToEndTest, BadArgumentsExitTwoAndStartNothing) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--spawn", "1"},  // no load
        std::vector<std::string>{"--spawn", "1", "--rate", "1", "--concurrency", "1"},
        std::vector<std::string>{"--rate", "10"},  // no target
        std::vector<std::string>{"--spawn", "1", "--rate", "10", "--batch-max", "9999"},
        std::vector<std::string>{"--node", "nohost", "--rate", "10", "--issuer-key", "k"}}) {
    const testing::ProcessRun run = Bench(args);
    EXPECT_EQ(run.exit_code, 2) << args[0] << ": " << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
  ExpectNoTestnetLeft();
}

}  // namespace
}  // namespace remit
