// A Go client against a real remitd. Starts a one-validator testnet (a
// remitd process on loopback), signs two transfers from its faucet with the
// C++ SDK (the next sequence, and another transfer with the same sequence),
// and runs remit-go-interop (tests/go/interop/main.go) on them. Proves, with
// grpc-go decoding the answers itself: the transfer settles and Watch streams
// it after its start signal; a replay answers ALREADY_EXISTS with the original
// receipt in the standard status details; refusals carry an ErrorInfo reason
// (SEQUENCE_USED, WRONG_CHAIN, NOT_FOUND); the health service answers SERVING
// and server reflection serves remit.v1.Ledger. The Go program lists each
// check it made; any failure fails the test.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "client/sdk/transfer_builder.h"
#include "client/testnet/testnet.h"
#include "ledger/genesis.h"
#include "ledger/key_file.h"
#include "tests/client/base_port.h"
#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

#ifndef REMITD_BIN
#error "REMITD_BIN must name the remitd executable"
#endif
#ifndef GO_INTEROP_BIN
#error "GO_INTEROP_BIN must name the remit-go-interop executable"
#endif

namespace remit {
namespace {

constexpr uint64_t kGoTimeoutMs = 120'000;
constexpr uint32_t kPortOffset = 900;  // away from the other end-to-end tests' ports

uint64_t NowUnixMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

class GoInteropTest : public ::testing::Test {
 protected:
  ~GoInteropTest() override { (void)testnet::TestnetDown(testnet_dir_, 5'000); }

  // A one-node testnet on a free base port.
  absl::StatusOr<testnet::UpReport> Up() {
    absl::StatusOr<testnet::UpReport> up = absl::UnavailableError("no attempt");
    for (int attempt = 1; attempt <= testing::kBasePortAttemptsMax; ++attempt) {
      testnet::UpOptions options;
      options.nodes = 1;
      options.base_port = testing::BasePortCandidate(attempt) + kPortOffset;
      options.remitd_path = REMITD_BIN;
      up = testnet::TestnetUp(testnet_dir_, options);
      if (up.status().code() != absl::StatusCode::kFailedPrecondition) return up;
    }
    return up;
  }

  // Writes `transfer` (binary protobuf) to a file in the scratch directory.
  std::string Write(const std::string& name, const v1::SignedTransfer& transfer) {
    const std::string path = dir_.Join(name);
    std::ofstream(path, std::ios::binary) << transfer.SerializeAsString();
    return path;
  }

  testing::TempDir dir_;
  const std::string testnet_dir_ = dir_.Join("net");
};

TEST_F(GoInteropTest, GoClientReadsTheStandardErrorDetails) {
  absl::StatusOr<testnet::UpReport> up = Up();
  ASSERT_TRUE(up.ok()) << up.status();
  std::ifstream genesis_file(testnet::GenesisPath(testnet_dir_));
  const std::string genesis_json((std::istreambuf_iterator<char>(genesis_file)),
                                 std::istreambuf_iterator<char>());
  absl::StatusOr<Genesis> genesis = ParseGenesis(genesis_json);
  ASSERT_TRUE(genesis.ok()) << genesis.status();
  absl::StatusOr<SigningKey> faucet = ReadKeyFile(testnet::FaucetKeyPath(testnet_dir_));
  ASSERT_TRUE(faucet.ok()) << faucet.status();
  Seed seed{};
  seed.fill(42);
  const AccountId payee = SigningKey::FromSeed(seed).public_key();
  sdk::TransferRequest request{.to = payee, .asset = "USD", .amount_minor = 100};
  const Hash32 genesis_hash = GenesisHash(*genesis);
  const auto transfer = sdk::BuildTransfer(*faucet, *genesis, genesis_hash, request, NowUnixMs());
  request.amount_minor = 200;  // same sequence 0, another id
  const auto reused = sdk::BuildTransfer(*faucet, *genesis, genesis_hash, request, NowUnixMs());
  ASSERT_TRUE(transfer.ok() && reused.ok());

  const testing::ProcessRun run = testing::RunProcess(
      {GO_INTEROP_BIN, "--endpoint", up->manifest.nodes[0].endpoint, "--transfer",
       Write("transfer.bin", *transfer), "--reused", Write("reused.bin", *reused)},
      dir_.path(), kGoTimeoutMs);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("go-interop: every check passed"), std::string::npos)
      << run.out << run.err;
  EXPECT_EQ(run.out.find("go-interop: FAIL"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace remit
