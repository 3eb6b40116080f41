// End to end: `remit receipt ID --verify --genesis FILE` against a
// 4-validator testnet (the real remit and remitd binaries on loopback).
// Proves that a receipt of a settled transfer verifies offline against the
// testnet's genesis, through --testnet DIR and through --node, naming every
// check it made; and that against a tampered genesis (another validator key,
// so another genesis hash) it fails, naming the check that failed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/client/base_port.h"
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
using testing::ProcessRun;

constexpr uint64_t kCommandTimeoutMs = 60'000;

class ReceiptVerifyEndToEndTest : public ::testing::Test {
 protected:
  ReceiptVerifyEndToEndTest() : testnet_dir_(dir_.Join("net")) {
    ::setenv("REMITD", REMITD_BIN, 1);
    ::unsetenv("REMIT_NODE");
  }
  ~ReceiptVerifyEndToEndTest() override {
    Remit({"testnet", "down", "--dir", testnet_dir_, "--timeout-ms", "5000"});
  }

  ProcessRun Remit(std::vector<std::string> args) {
    args.insert(args.begin(), REMIT_BIN);
    return testing::RunProcess(args, dir_.path(), kCommandTimeoutMs);
  }

  void StartTestnet() {
    for (int attempt = 1; attempt <= testing::kBasePortAttemptsMax; ++attempt) {
      const uint32_t port = testing::BasePortCandidate(attempt);
      const ProcessRun run = Remit({"testnet", "up", "--nodes", "4", "--dir", testnet_dir_,
                                    "--base-port", std::to_string(port), "--json"});
      if (run.exit_code == 0) {
        base_port_ = port;
        return;
      }
      ASSERT_NE(run.err.find("is in use"), std::string::npos)
          << "testnet up failed (exit " << run.exit_code << "): " << run.err;
    }
    FAIL() << "no free base port after " << testing::kBasePortAttemptsMax << " attempts";
  }

  // A copy of the testnet's genesis with validator 0's key replaced by a
  // stranger's: the same chain id, another validator set and genesis hash.
  std::string TamperedGenesis(const std::string& stranger) {
    std::ifstream in(testnet_dir_ + "/genesis.json");
    json genesis = json::parse(in);
    genesis["validators"][0]["public_key"] = stranger;
    const std::string path = dir_.Join("tampered-genesis.json");
    std::ofstream(path) << genesis.dump(2);
    return path;
  }

  testing::TempDir dir_;
  std::string testnet_dir_;
  uint32_t base_port_ = 0;
};

TEST_F(ReceiptVerifyEndToEndTest, ReceiptVerifiesAgainstGenesisAndNotAgainstATamperedOne) {
  StartTestnet();
  const ProcessRun key = Remit({"keygen", "--out", dir_.Join("alice.key"), "--json"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  const std::string alice = json::parse(key.out)["address"];
  const ProcessRun paid =
      Remit({"faucet", alice, "5.00", "USD", "--testnet", testnet_dir_, "--json"});
  ASSERT_EQ(paid.exit_code, 0) << paid.err;
  const json receipt = json::parse(paid.out);
  ASSERT_EQ(receipt["outcome"], "SETTLED") << paid.out;
  const std::string id = receipt["transfer_id"];
  const std::string genesis = testnet_dir_ + "/genesis.json";

  const ProcessRun verified =
      Remit({"receipt", id, "--verify", "--genesis", genesis, "--testnet", testnet_dir_, "--json"});
  ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  const json report = json::parse(verified.out);
  EXPECT_EQ(report["verified"], true);
  EXPECT_EQ(report["transfer_id"], id);
  std::string checks;
  for (const json& line : report["checked"]) checks += line.get<std::string>() + "\n";
  for (const char* check : {"genesis:", "transfer:", "header:", "merkle_path:", "qc_link:",
                            "of 4 genesis validators signed it (quorum 3)"}) {
    EXPECT_NE(checks.find(check), std::string::npos) << check << " missing from\n" << checks;
  }

  // The human form through --node names what it checked too.
  const ProcessRun human = Remit({"receipt", id, "--verify", "--genesis", genesis, "--node",
                                  "127.0.0.1:" + std::to_string(base_port_ + 2)});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("ok qc_signature"), std::string::npos) << human.out;

  const ProcessRun mallory = Remit({"keygen", "--out", dir_.Join("mallory.key"), "--json"});
  ASSERT_EQ(mallory.exit_code, 0) << mallory.err;
  const ProcessRun tampered =
      Remit({"receipt", id, "--verify", "--genesis",
             TamperedGenesis(json::parse(mallory.out)["address"]), "--testnet", testnet_dir_});
  EXPECT_NE(tampered.exit_code, 0) << tampered.out;
  EXPECT_NE(tampered.err.find("does not verify against"), std::string::npos) << tampered.err;
  EXPECT_NE(tampered.err.find("genesis: the transfer is not signed for this genesis"),
            std::string::npos)
      << tampered.err;

  const ProcessRun no_genesis = Remit({"receipt", id, "--verify", "--testnet", testnet_dir_});
  EXPECT_EQ(no_genesis.exit_code, 2) << no_genesis.err;
}

}  // namespace
}  // namespace remit
