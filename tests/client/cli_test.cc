// The `remit` CLI run in-process against a fake Ledger service: output
// formats, exit codes, and that bad input never reaches the node.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "client/remit/cli_error.h"
#include "client/testnet/create.h"
#include "ledger/address.h"
#include "ledger/key_file.h"
#include "ledger/transfer.h"
#include "tests/client/cli_run.h"
#include "tests/client/fake_ledger.h"
#include "tests/client/temp_dir.h"
#include "tests/client/unused_port.h"

namespace remit::cli {
namespace {

using testing::CliRun;
using testing::FakeLedger;
using testing::FakeLedgerServer;
using testing::RunRemit;

size_t CountLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class CliTest : public ::testing::Test {
 protected:
  CliTest()
      : faucet_(SigningKey::Generate()),
        genesis_(testing::TestGenesis(faucet_.public_key())),
        ledger_(genesis_),
        server_(&ledger_) {
    sender_key_ = dir_.Join("alice.key");
    REMIT_CHECK(RunRemit({"keygen", "--out", sender_key_}).exit_code == 0);
    sender_ = RunRemit({"address", "--key", sender_key_}).out;
    sender_.pop_back();  // newline
    recipient_ = EncodeAddress(SigningKey::Generate().public_key());
  }

  // `remit send` to the fake with `extra` arguments appended.
  CliRun Send(const std::string& amount, const std::string& asset,
              std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"send", "--key",    sender_key_,
                                     "--to", recipient_, amount,
                                     asset,  "--node",   server_.endpoint()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRemit(args);
  }

  testing::TempDir dir_;
  SigningKey faucet_;
  Genesis genesis_;
  FakeLedger ledger_;
  FakeLedgerServer server_;
  std::string sender_key_;
  std::string sender_;
  std::string recipient_;
};

// Proves: keygen writes a 0600 key file and prints its address (JSON:
// address), address --key prints the same address, and an existing file is
// never overwritten.
TEST_F(CliTest, KeygenAndAddress) {
  const std::string path = dir_.Join("bob.key");
  const CliRun keygen = RunRemit({"keygen", "--out", path, "--json"});
  ASSERT_EQ(keygen.exit_code, kExitOk) << keygen.err;
  const nlohmann::json json = nlohmann::json::parse(keygen.out);
  ASSERT_TRUE(DecodeAddress(json["address"].get<std::string>()).ok());
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  const CliRun address = RunRemit({"address", "--key", path});
  EXPECT_EQ(address.exit_code, kExitOk);
  EXPECT_EQ(address.out, json["address"].get<std::string>() + "\n");

  const CliRun again = RunRemit({"keygen", "--out", path});
  EXPECT_EQ(again.exit_code, kExitBadInput);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
}

// Proves: a valid send settles, prints one JSON object with outcome,
// transfer_id, height and latency_ms, and the node received exactly the
// transfer asked for (0.50 USD = 50 minor units, sequence from GetAccount).
TEST_F(CliTest, SendSettlesAndReports) {
  const CliRun run = Send("0.50", "USD", {"--memo", "lunch", "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(CountLines(run.out), 1u);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["outcome"], "SETTLED");
  EXPECT_EQ(json["transfer_id"].get<std::string>().size(), 64u);
  EXPECT_EQ(json["height"], 1);
  EXPECT_TRUE(json["latency_ms"].is_number());
  EXPECT_EQ(json["amount"], "0.50");
  const std::vector<v1::SignedTransfer> received = ledger_.received();
  ASSERT_EQ(received.size(), 1u);
  const v1::Transfer& transfer = received[0].transfer();
  EXPECT_EQ(transfer.amount_minor(), 50u);
  EXPECT_EQ(transfer.asset(), "USD");
  EXPECT_EQ(transfer.memo(), "lunch");
  EXPECT_EQ(transfer.sequence(), 0u);
  EXPECT_EQ(EncodeAddress(*ToArray<kPublicKeyBytes>(transfer.to(), "to")), recipient_);
  EXPECT_EQ(json["transfer_id"], ToHex(ComputeTransferId(transfer)));

  // The second send uses the next sequence, and human output is one line
  // with the outcome, amount and recipient, then the id.
  const CliRun second = Send("2", "usd");
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_EQ(second.out.rfind("SETTLED 2.00 USD to " + recipient_, 0), 0u) << second.out;
  EXPECT_EQ(ledger_.received().at(1).transfer().sequence(), 1u);
}

// Proves: every kind of bad input exits 2 with one line on stderr saying what
// was wrong, prints nothing on stdout, and sends nothing to the node.
TEST_F(CliTest, BadInputIsRefusedAndNothingIsSent) {
  std::string bad_checksum = recipient_;
  bad_checksum.back() = bad_checksum.back() == 'a' ? 'b' : 'a';
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string node = server_.endpoint();
  const std::vector<Case> cases = {
      {{"1,000", "USD"}, "grouping separator"},
      {{"-1", "USD"}, "negative"},
      {{"0", "USD"}, "more than zero"},
      {{".0005", "USD"}, "digit before the point"},
      {{"0.005", "USD"}, "more than 2 decimals"},
      {{"1.5", "KES"}, "more than 0 decimals"},
      {{"1e3", "USD"}, "plain decimal"},
      {{"abc", "USD"}, "plain decimal"},
      {{"1", "XYZ"}, "unknown asset 'XYZ'"},
      {{"1", "U$D"}, "not an asset code"},
      {{"1000000.01", "USD"}, "per-transfer limit"},
      {{"1", "USD", "--memo", std::string(141, 'm')}, "--memo"},
      {{"1", "USD", "--node", "nohost"}, "HOST:PORT"},
  };
  for (const Case& c : cases) {
    const CliRun run = Send(c.args[0], c.args[1], {c.args.begin() + 2, c.args.end()});
    EXPECT_EQ(run.exit_code, kExitBadInput) << c.args[0] << ": " << run.err;
    EXPECT_EQ(CountLines(run.err), 1u) << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "") << c.args[0];
  }
  const std::vector<Case> whole_commands = {
      {{"send", "--key", sender_key_, "--to", bad_checksum, "1", "USD", "--node", node},
       "checksum"},
      {{"send", "--key", dir_.Join("missing.key"), "--to", recipient_, "1", "USD", "--node", node},
       "not found"},
      {{"send", "--key", sender_key_, "--to", sender_, "1", "USD", "--node", node}, "itself"},
      {{"send", "--key", sender_key_, "--to", recipient_, "1", "USD", "--node", node, "--testnet",
        dir_.path()},
       "not both"},
      {{"send", "--key", sender_key_, "--to", recipient_, "1"}, "ASSET"},
      {{"send", "--to", recipient_, "1", "USD"}, "--key"},
      {{"balance", "rmt1nope", "--node", node}, "not a valid address"},
      {{"receipt", "abcd", "--node", node}, "64 hex digits"},
      {{"history", recipient_, "--limit", "0", "--node", node}, "--limit"},
      {{"faucet", recipient_, "1", "USD", "--testnet", dir_.Join("nothing")}, "not a testnet"},
      {{"nosuchcommand"}, "nosuchcommand"},
  };
  for (const Case& c : whole_commands) {
    const CliRun run = RunRemit(c.args);
    EXPECT_EQ(run.exit_code, kExitBadInput) << c.args[0] << ": " << run.err;
    EXPECT_EQ(CountLines(run.err), 1u) << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
  }
  EXPECT_EQ(ledger_.settle_calls(), 0);
}

// Proves: the cross-currency, offer, basket and claim commands refuse bad
// input with one line naming the problem (exit 2), and sign nothing.
TEST_F(CliTest, OperationInputIsRefusedAndNothingIsSent) {
  const std::string node = server_.endpoint();
  const std::string& key = sender_key_;
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"send", "--key", key, "--claimable", "--to", recipient_, "5", "USD"}, "--claimable takes"},
      {{"send", "--key", key, "--claimable", "--expires", "7x", "5", "USD"}, "not a duration"},
      {{"send", "--key", key, "--claimable", "--expires", "0s", "5", "USD"}, "more than zero"},
      {{"send", "--key", key, "--to", recipient_, "1", "USD", "--expires", "1d"}, "--claimable"},
      {{"send", "--key", key, "--to", recipient_, "--deliver", "5", "EUR", "--node", node},
       "strict receive"},
      {{"send", "--key", key, "--to", recipient_, "1", "USD", "--deliver-min", "1", "USD", "--node",
        node},
       "both assets are USD"},
      {{"send", "--key", key, "--to", recipient_, "1", "USD", "--deliver-min", "1", "XYZ", "--node",
        node},
       "unknown asset 'XYZ'"},
      {{"claim", "rcc1notacode", "--key", key, "--node", node}, "not a claim code"},
      {{"claim", "--key", key, "--node", node}, "remit claim CODE"},
      {{"claim", "status", "abcd", "--node", node}, "64 hex digits"},
      {{"reclaim", "abcd", "--key", key, "--node", node}, "64 hex digits"},
      {{"offer", "create", "--key", key, "--sell", "10", "EUR", "--buy", "eur", "--price", "1",
        "--node", node},
       "same asset"},
      {{"offer", "create", "--key", key, "--sell", "10", "EUR", "--buy", "USD", "--price", "0",
        "--node", node},
       "positive decimal"},
      {{"offer", "cancel", "--key", key, "12", "--node", node}, "64 hex digits"},
      {{"quote", "10", "USD", "--node", node}, "exactly one of --to-asset"},
      {{"quote", "10", "USD", "--to-asset", "usd", "--node", node}, "the same"},
      {{"basket", "mint", "--key", key, "1", "--node", node}, "defines no basket"},
  };
  for (const Case& c : cases) {
    const CliRun run = RunRemit(c.args);
    EXPECT_EQ(run.exit_code, kExitBadInput) << c.args[1] << ": " << run.err;
    EXPECT_EQ(CountLines(run.err), 1u) << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.message << ": " << run.err;
  }
  EXPECT_EQ(ledger_.settle_calls(), 0);
}

// Proves: a transfer that is final but rejected exits 3 and still prints its
// outcome.
TEST_F(CliTest, RejectedOutcomeExitsNonZero) {
  ledger_.set_outcome(v1::INSUFFICIENT_FUNDS);
  const CliRun run = Send("0.50", "USD", {"--json"});
  EXPECT_EQ(run.exit_code, kExitNotSettled);
  EXPECT_EQ(nlohmann::json::parse(run.out)["outcome"], "INSUFFICIENT_FUNDS");
  EXPECT_NE(run.err.find("INSUFFICIENT_FUNDS"), std::string::npos);
}

// Proves: a node's refusal is shown with its code and ErrorInfo reason
// ("FAILED_PRECONDITION SEQUENCE_USED: ..."), the message without its
// lower-case copy of the reason, and exits 1.
TEST_F(CliTest, RefusalShowsTheNodesReason) {
  ledger_.set_settle_mode(FakeLedger::SettleMode::kSequenceUsed);
  const CliRun run = Send("0.50", "USD");
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_NE(run.err.find("settling the transfer failed: FAILED_PRECONDITION SEQUENCE_USED: fake: "
                         "sequence 3 is already used"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("sequence_used:"), std::string::npos) << run.err;
}

// Proves: an unreachable node exits 1 (not 2) with a message that says how
// to check the node.
TEST_F(CliTest, UnreachableNodeExitsOne) {
  const std::string dead = "127.0.0.1:" + std::to_string(testing::UnusedPort());
  const CliRun run = RunRemit({"balance", recipient_, "--node", dead});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_NE(run.err.find("UNAVAILABLE"), std::string::npos);
  EXPECT_NE(run.err.find("running"), std::string::npos);
}

// Proves: balance prints address, next_sequence and balances as decimal
// strings per asset code.
TEST_F(CliTest, BalanceJson) {
  const AccountId account = *DecodeAddress(recipient_);
  ledger_.SetBalance(account, "USD", 950);
  ledger_.SetBalance(account, "KES", -7);
  const CliRun run = RunRemit({"balance", recipient_, "--node", server_.endpoint(), "--json"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["address"], recipient_);
  EXPECT_EQ(json["next_sequence"], 0);
  EXPECT_EQ(json["balances"], (nlohmann::json{{"USD", "9.50"}, {"KES", "-7"}}));
}

// Proves: history, receipt, status and watch print what the node has, in
// JSON with hex ids and rmt1 addresses.
TEST_F(CliTest, HistoryReceiptStatusWatch) {
  const CliRun sent = Send("1.25", "EUR", {"--json"});
  ASSERT_EQ(sent.exit_code, kExitOk) << sent.err;
  const std::string id = nlohmann::json::parse(sent.out)["transfer_id"];
  const std::string node = server_.endpoint();

  const CliRun history = RunRemit({"history", sender_, "--node", node, "--json"});
  ASSERT_EQ(history.exit_code, kExitOk) << history.err;
  const nlohmann::json transfers = nlohmann::json::parse(history.out)["transfers"];
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0]["transfer_id"], id);
  EXPECT_EQ(transfers[0]["from"], sender_);
  EXPECT_EQ(transfers[0]["to"], recipient_);
  EXPECT_EQ(transfers[0]["amount"], "1.25");

  const CliRun receipt = RunRemit({"receipt", id, "--node", node, "--json"});
  ASSERT_EQ(receipt.exit_code, kExitOk) << receipt.err;
  EXPECT_EQ(nlohmann::json::parse(receipt.out)["outcome"], "SETTLED");

  const CliRun status = RunRemit({"status", "--node", node, "--json"});
  ASSERT_EQ(status.exit_code, kExitOk) << status.err;
  EXPECT_EQ(nlohmann::json::parse(status.out)["chain_id"], "remit-test");

  const CliRun watch = RunRemit({"watch", recipient_, "--count", "1", "--node", node, "--json"});
  ASSERT_EQ(watch.exit_code, kExitOk) << watch.err;
  EXPECT_EQ(CountLines(watch.out), 1u);
  EXPECT_EQ(nlohmann::json::parse(watch.out)["transfer_id"], id);
}

// Proves: faucet signs with DIR/faucet.key and talks to the testnet's nodes
// from its manifest.
TEST_F(CliTest, FaucetUsesTheTestnetDirectory) {
  const std::string testnet_dir = dir_.Join("testnet");
  ASSERT_EQ(::mkdir(testnet_dir.c_str(), 0755), 0);
  const uint32_t port = static_cast<uint32_t>(
      std::stoul(server_.endpoint().substr(server_.endpoint().rfind(':') + 1)));
  ASSERT_TRUE(testnet::CreateTestnet(testnet_dir, {.nodes = 1, .base_port = port}).ok());
  const CliRun run = RunRemit({"faucet", recipient_, "10", "USD", "--testnet", testnet_dir});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  ASSERT_EQ(ledger_.received().size(), 1u);
  absl::StatusOr<SigningKey> faucet_key = ReadKeyFile(testnet::FaucetKeyPath(testnet_dir));
  ASSERT_TRUE(faucet_key.ok());
  EXPECT_EQ(ledger_.received()[0].transfer().from(), ToString(faucet_key->public_key()));
  EXPECT_EQ(ledger_.received()[0].transfer().amount_minor(), 1000u);
}

}  // namespace
}  // namespace remit::cli
