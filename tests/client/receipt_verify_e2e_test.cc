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

#include "tests/client/cli_testnet_test.h"
#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

namespace remit {
namespace {

using nlohmann::json;
using testing::ProcessRun;

class ReceiptVerifyEndToEndTest : public testing::CliTestnetTest {
 protected:
  void StartTestnet() { ASSERT_TRUE(UpOnFreePort(4).is_object()); }

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
