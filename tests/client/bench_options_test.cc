// `remit bench` argument validation: proves that a valid run passes, that
// every bound and impossible combination is refused with INVALID_ARGUMENT
// naming the flag, and that the number of pre-signed transfers follows the
// open-loop schedule or the closed-loop ceiling.
#include "client/bench/bench_options.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace remit::bench {
namespace {

BenchOptions Valid() {
  BenchOptions options;
  options.spawn = 1;
  options.rate = 1'000;
  return options;
}

void ExpectRefused(const std::function<void(BenchOptions&)>& change, const std::string& flag) {
  BenchOptions options = Valid();
  change(options);
  const absl::Status status = ValidateBenchOptions(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << flag;
  EXPECT_NE(status.message().find(flag), std::string::npos) << status.message();
}

TEST(BenchOptionsTest, ValidRunsPass) {
  EXPECT_TRUE(ValidateBenchOptions(Valid()).ok());
  BenchOptions closed = Valid();
  closed.rate = 0;
  closed.concurrency = 5'000;
  closed.testnet_dir = "/tmp/x";
  closed.spawn = 0;
  closed.kill_leader_at_s = 5;
  EXPECT_TRUE(ValidateBenchOptions(closed).ok());
  BenchOptions crypto;
  crypto.crypto = true;
  EXPECT_TRUE(ValidateBenchOptions(crypto).ok());
}

TEST(BenchOptionsTest, RefusesBadTargets) {
  ExpectRefused([](BenchOptions& o) { o.spawn = 0; }, "exactly one target");
  ExpectRefused([](BenchOptions& o) { o.testnet_dir = "/tmp/x"; }, "exactly one target");
  ExpectRefused([](BenchOptions& o) { o.spawn = kSpawnNodesMax + 1; }, "--spawn");
  ExpectRefused(
      [](BenchOptions& o) {
        o.spawn = 0;
        o.nodes = {"127.0.0.1:7100"};
      },
      "--issuer-key");
  ExpectRefused([](BenchOptions& o) { o.crypto = true; }, "--crypto");
}

TEST(BenchOptionsTest, RefusesBadLoads) {
  ExpectRefused([](BenchOptions& o) { o.rate = 0; }, "--rate");
  ExpectRefused([](BenchOptions& o) { o.concurrency = 10; }, "--concurrency");
  ExpectRefused([](BenchOptions& o) { o.rate = kRateMax + 1; }, "--rate");
  ExpectRefused(
      [](BenchOptions& o) {
        o.rate = 0;
        o.concurrency = kConcurrencyMax + 1;
      },
      "--concurrency");
  ExpectRefused([](BenchOptions& o) { o.accounts = 1; }, "--accounts");
  ExpectRefused([](BenchOptions& o) { o.accounts = kAccountsMax + 1; }, "--accounts");
  ExpectRefused(
      [](BenchOptions& o) {
        o.rate = 0;
        o.accounts = 10;
        o.concurrency = 10 * kInFlightPerAccountMax + 1;
      },
      "--accounts");
  ExpectRefused([](BenchOptions& o) { o.duration_s = 0; }, "--duration");
  ExpectRefused([](BenchOptions& o) { o.duration_s = kDurationSecondsMax + 1; }, "--duration");
  ExpectRefused([](BenchOptions& o) { o.warmup_s = -1; }, "--warmup");
  ExpectRefused(
      [](BenchOptions& o) {
        o.rate = 1'000'000;
        o.duration_s = 3'600;
      },
      "--rate");
}

TEST(BenchOptionsTest, RefusesBadKillsAndTuning) {
  ExpectRefused([](BenchOptions& o) { o.kill_leader_at_s = 0; }, "--kill-leader-at");
  ExpectRefused([](BenchOptions& o) { o.kill_leader_at_s = 12; }, "--kill-leader-at");
  ExpectRefused(
      [](BenchOptions& o) {
        o.spawn = 0;
        o.nodes = {"127.0.0.1:7100"};
        o.issuer_key_path = "k";
        o.kill_leader_at_s = 3;
      },
      "--kill-leader-at");
  ExpectRefused(
      [](BenchOptions& o) {
        o.kill_leader_at_s = 3;
        o.restart_after_s = -1;
      },
      "--restart-after");
  ExpectRefused([](BenchOptions& o) { o.batch_max = 0; }, "--batch-max");
  ExpectRefused([](BenchOptions& o) { o.batch_max = kBatchTransfersMax + 1; }, "--batch-max");
  ExpectRefused([](BenchOptions& o) { o.tick_ms = 0; }, "--tick-ms");
  ExpectRefused([](BenchOptions& o) { o.call_timeout_ms = 1; }, "--timeout-ms");
  ExpectRefused([](BenchOptions& o) { o.transfers = kTransfersMax + 1; }, "--transfers");
  ExpectRefused([](BenchOptions& o) { o.signing_threads = kSigningThreadsMax + 1; },
                "--signing-threads");
}

TEST(BenchOptionsTest, PresignsWhatTheLoadNeeds) {
  BenchOptions open = Valid();  // 1,000/s for 2 + 10 s
  EXPECT_EQ(TransfersToPresign(open), 12'000u);
  open.transfers = 77;
  EXPECT_EQ(TransfersToPresign(open), 77u);
  BenchOptions closed = Valid();
  closed.rate = 0;
  closed.concurrency = 100;
  EXPECT_EQ(TransfersToPresign(closed), 13 * kClosedLoopRateCeilingDefault);
}

}  // namespace
}  // namespace remit::bench
