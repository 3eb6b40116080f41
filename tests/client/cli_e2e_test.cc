// End to end: the real `remit` and `remitd` binaries on loopback. Proves the
// issue's "done when": a one-node testnet comes up, keys are made, the faucet
// pays 10 USD, a 0.50 USD send settles, balances are right, every bad input
// is refused without touching balances, and after kill -9 and `testnet up`
// the node is back with the same balances, height and state hash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/client/cli_testnet_test.h"
#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

namespace remit {
namespace {

using nlohmann::json;
using testing::ProcessRun;

class CliEndToEndTest : public testing::CliTestnetTest {
 protected:
  // Runs a command that must succeed with --json, and returns its object.
  json RemitJson(std::vector<std::string> args) {
    args.push_back("--json");
    const ProcessRun run = Remit(args);
    EXPECT_EQ(run.exit_code, 0) << args[0] << " failed: " << run.err;
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << run.out;
    const json parsed = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << run.out;
    return parsed;
  }

  json Balance(const std::string& address) {
    return RemitJson({"balance", address, "--testnet", testnet_dir_});
  }

  json Status() { return RemitJson({"testnet", "status", "--dir", testnet_dir_}); }

  // Up on a free port; `up` again leaves the live node alone; another
  // testnet on the same port gets a clear error.
  void StartTestnet() {
    const json up = UpOnFreePort(1);
    ASSERT_TRUE(up.is_object());
    EXPECT_EQ(up["created"], true);
    ASSERT_EQ(up["nodes"].size(), 1u);
    EXPECT_EQ(up["nodes"][0]["started"], true);
    EXPECT_EQ(up["endpoints"][0], "127.0.0.1:" + std::to_string(base_port_));
    const json again = RemitJson({"testnet", "up", "--dir", testnet_dir_});
    EXPECT_EQ(again["created"], false);
    EXPECT_EQ(again["nodes"][0]["started"], false);
    EXPECT_EQ(again["nodes"][0]["pid"], up["nodes"][0]["pid"]);
    const ProcessRun clash = Remit(
        {"testnet", "up", "--dir", dir_.Join("other"), "--base-port", std::to_string(base_port_)});
    EXPECT_EQ(clash.exit_code, 2);
    EXPECT_NE(clash.err.find("port " + std::to_string(base_port_) + " is in use"),
              std::string::npos)
        << clash.err;
  }

  // Every bad input exits 2 with one line on stderr, prints nothing on
  // stdout, and moves nothing.
  void ExpectBadInputRefused() {
    const json alice_before = Balance(alice_);
    const json bob_before = Balance(bob_);
    std::string bad_checksum = bob_;
    bad_checksum.back() = bad_checksum.back() == 'a' ? 'b' : 'a';
    const std::vector<std::vector<std::string>> bad = {
        {"--key", alice_key_, "--to", bob_, "1,000", "USD"},
        {"--key", alice_key_, "--to", bob_, "-1", "USD"},
        {"--key", alice_key_, "--to", bob_, "0", "USD"},
        {"--key", alice_key_, "--to", bob_, ".0005", "USD"},
        {"--key", alice_key_, "--to", bob_, "0.001", "USD"},
        {"--key", alice_key_, "--to", bob_, "1", "XYZ"},
        {"--key", alice_key_, "--to", bad_checksum, "1", "USD"},
        {"--key", dir_.Join("missing.key"), "--to", bob_, "1", "USD"},
    };
    for (std::vector<std::string> args : bad) {
      args.insert(args.begin(), "send");
      args.insert(args.end(), {"--testnet", testnet_dir_});
      const ProcessRun run = Remit(args);
      EXPECT_EQ(run.exit_code, 2) << args[5] << ": " << run.err;
      EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
      EXPECT_EQ(run.out, "");
    }
    EXPECT_EQ(Remit({"faucet", bad_checksum, "1", "USD", "--testnet", testnet_dir_}).exit_code, 2);
    EXPECT_EQ(Balance(alice_), alice_before);
    EXPECT_EQ(Balance(bob_), bob_before);
  }

  // kill -9, then `up` again: same height, state hash and balances.
  void ExpectKillAndUpKeepState() {
    const json before = Status();
    const json alice_before = Balance(alice_);
    const json bob_before = Balance(bob_);
    ASSERT_EQ(before["nodes"][0]["alive"], true);
    const json killed = RemitJson({"testnet", "kill", "--dir", testnet_dir_, "0"});
    EXPECT_EQ(killed["was_running"], true);
    EXPECT_EQ(Status()["nodes"][0]["alive"], false);
    const json restarted = RemitJson({"testnet", "up", "--dir", testnet_dir_});
    EXPECT_EQ(restarted["nodes"][0]["started"], true);
    const json after = Status();
    EXPECT_EQ(after["nodes"][0]["height"], before["nodes"][0]["height"]);
    EXPECT_EQ(after["nodes"][0]["state_hash"], before["nodes"][0]["state_hash"]);
    EXPECT_EQ(Balance(alice_), alice_before);
    EXPECT_EQ(Balance(bob_), bob_before);
  }

  std::string alice_key_ = dir_.Join("alice.key");
  std::string bob_key_ = dir_.Join("bob.key");
  std::string alice_;
  std::string bob_;
};

TEST_F(CliEndToEndTest, TestnetSendKillRestart) {
  ASSERT_NO_FATAL_FAILURE(StartTestnet());
  alice_ = RemitJson({"keygen", "--out", alice_key_})["address"];
  bob_ = RemitJson({"keygen", "--out", bob_key_})["address"];

  // Faucet 10 USD to alice; alice sends 0.50 USD to bob: both SETTLED.
  EXPECT_EQ(RemitJson({"faucet", alice_, "10", "USD", "--testnet", testnet_dir_})["outcome"],
            "SETTLED");
  const json sent = RemitJson({"send", "--key", alice_key_, "--to", bob_, "0.50", "USD", "--memo",
                               "lunch", "--testnet", testnet_dir_});
  EXPECT_EQ(sent["outcome"], "SETTLED");
  EXPECT_EQ(sent["transfer_id"].get<std::string>().size(), 64u);
  EXPECT_GT(sent["height"].get<uint64_t>(), 0u);
  EXPECT_TRUE(sent["latency_ms"].is_number());
  const std::string transfer_id = sent["transfer_id"];
  EXPECT_EQ(Balance(alice_)["balances"], (json{{"USD", "9.50"}}));
  EXPECT_EQ(Balance(alice_)["next_sequence"], 1);
  EXPECT_EQ(Balance(bob_)["balances"], (json{{"USD", "0.50"}}));

  ExpectBadInputRefused();

  // More than the balance: refused at admission (unfunded_sender), exit 1,
  // no money moves and no record is kept (the sequence stays free).
  const ProcessRun broke = Remit(
      {"send", "--key", bob_key_, "--to", alice_, "5", "USD", "--testnet", testnet_dir_, "--json"});
  EXPECT_EQ(broke.exit_code, 1) << broke.err;
  EXPECT_NE(broke.err.find("UNFUNDED_SENDER"), std::string::npos) << broke.err;
  EXPECT_EQ(Balance(bob_)["balances"], (json{{"USD", "0.50"}}));
  EXPECT_EQ(Balance(bob_)["next_sequence"], 0);

  // The transfer is in bob's history and has a receipt.
  const json history = RemitJson({"history", bob_, "--testnet", testnet_dir_});
  bool found = false;
  for (const json& transfer : history["transfers"]) found |= transfer["transfer_id"] == transfer_id;
  EXPECT_TRUE(found) << history.dump();

  ExpectKillAndUpKeepState();
  EXPECT_EQ(RemitJson({"receipt", transfer_id, "--testnet", testnet_dir_})["outcome"], "SETTLED");

  // down stops the node and keeps the data.
  const json down = RemitJson({"testnet", "down", "--dir", testnet_dir_});
  EXPECT_EQ(down["nodes"][0]["was_running"], true);
  EXPECT_EQ(Status()["nodes"][0]["alive"], false);
}

}  // namespace
}  // namespace remit
