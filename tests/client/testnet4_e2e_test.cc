// End to end with four validators: the real `remit` and `remitd` binaries on
// loopback, replicating with BFT consensus. Proves that transfers settle
// through every validator; that after kill -9 of the current leader the
// other three keep settling (the round times out and the next leader takes
// over); that the killed validator, started again, catches up to the same
// height and state hash as the others and serves transfers; and that every
// validator then holds exactly the balances the settled transfers imply.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

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

constexpr uint32_t kNodes = 4;
constexpr uint64_t kCommandTimeoutMs = 60'000;
// A transfer sent while a validator is down may wait for a round timeout
// (1 s, doubling while rounds keep failing); it must settle within this
// budget and this many `send` attempts.
constexpr uint64_t kSettleBudgetMs = 10'000;
constexpr int kSendAttemptsMax = 3;
// How long the validators may take to agree on height and state hash.
constexpr uint64_t kConvergeTimeoutMs = 10'000;
constexpr uint64_t kPollIntervalMs = 100;
// Every sender gets 10 USD and sends 0.25 USD per transfer, so no transfer
// can fail for lack of funds.
constexpr int64_t kFundedCents = 1'000;
constexpr int64_t kTransferCents = 25;

std::string Usd(int64_t cents) {
  const std::string fraction = std::to_string(100 + cents % 100).substr(1);
  return std::to_string(cents / 100) + "." + fraction;
}

class Testnet4EndToEndTest : public ::testing::Test {
 protected:
  Testnet4EndToEndTest() : testnet_dir_(dir_.Join("net")) {
    ::setenv("REMITD", REMITD_BIN, 1);
    ::unsetenv("REMIT_NODE");
  }

  ~Testnet4EndToEndTest() override {
    // Never leave a validator behind, whatever failed.
    Remit({"testnet", "down", "--dir", testnet_dir_, "--timeout-ms", "5000"});
  }

  ProcessRun Remit(std::vector<std::string> args, uint64_t timeout_ms = kCommandTimeoutMs) {
    args.insert(args.begin(), REMIT_BIN);
    return testing::RunProcess(args, dir_.path(), timeout_ms);
  }

  // Runs a command that must succeed with --json, and returns its object.
  json RemitJson(std::vector<std::string> args) {
    args.push_back("--json");
    const ProcessRun run = Remit(args);
    EXPECT_EQ(run.exit_code, 0) << args[0] << " failed: " << run.err;
    const json parsed = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << run.out;
    return parsed;
  }

  std::string Endpoint(uint32_t index) const {
    return "127.0.0.1:" + std::to_string(base_port_ + index);
  }

  json Status() { return RemitJson({"testnet", "status", "--dir", testnet_dir_}); }

  // `testnet up --nodes 4` on a free base port.
  void StartTestnet() {
    for (int attempt = 1; attempt <= testing::kBasePortAttemptsMax; ++attempt) {
      const uint32_t port = testing::BasePortCandidate(attempt);
      const ProcessRun run = Remit({"testnet", "up", "--nodes", std::to_string(kNodes), "--dir",
                                    testnet_dir_, "--base-port", std::to_string(port), "--json"});
      if (run.exit_code == 0) {
        base_port_ = port;
        const json up = json::parse(run.out);
        ASSERT_EQ(up["nodes"].size(), kNodes);
        for (const json& node : up["nodes"]) EXPECT_EQ(node["started"], true) << up.dump();
        return;
      }
      ASSERT_NE(run.err.find("is in use"), std::string::npos)
          << "testnet up failed (exit " << run.exit_code << "): " << run.err;
    }
    FAIL() << "no free base port after " << testing::kBasePortAttemptsMax << " attempts";
  }

  // The index of the one node `testnet status` marks as the current leader.
  uint32_t Leader(const json& status) {
    std::vector<uint32_t> leaders;
    for (const json& node : status["nodes"]) {
      if (node["leader"] == true) leaders.push_back(node["index"]);
    }
    EXPECT_EQ(leaders.size(), 1u) << status.dump();
    return leaders.empty() ? kNodes : leaders[0];
  }

  // Makes a key for every sender and bob; the faucet pays each sender.
  void FundSenders() {
    for (uint32_t i = 0; i < kNodes; ++i) {
      sender_keys_.push_back(dir_.Join("sender" + std::to_string(i) + ".key"));
      senders_.push_back(RemitJson({"keygen", "--out", sender_keys_[i]})["address"]);
      const json paid =
          RemitJson({"faucet", senders_[i], Usd(kFundedCents), "USD", "--testnet", testnet_dir_});
      EXPECT_EQ(paid["outcome"], "SETTLED") << paid.dump();
    }
    bob_ = RemitJson({"keygen", "--out", dir_.Join("bob.key")})["address"];
    settled_.assign(kNodes, 0);
  }

  // Sender `index` pays bob through validator `index` only, so the sequence
  // it signs with comes from a node that committed its previous transfers.
  // Retries a send that did not complete; a retry can never pay twice, as
  // the attempts use the same sequence or a later one only once an earlier
  // one committed (checked at the end against next_sequence).
  ::testing::AssertionResult SendSettles(uint32_t index) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kSettleBudgetMs);
    std::string failures;
    for (int attempt = 1; attempt <= kSendAttemptsMax; ++attempt) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      const ProcessRun run =
          Remit({"send", "--key", sender_keys_[index], "--to", bob_, Usd(kTransferCents), "USD",
                 "--node", Endpoint(index), "--json"},
                static_cast<uint64_t>(left.count()));
      const json sent = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
      if (run.exit_code == 0 && sent.is_object() && sent["outcome"] == "SETTLED") {
        EXPECT_EQ(sent["endpoint"], Endpoint(index));
        ++settled_[index];
        return ::testing::AssertionSuccess();
      }
      failures += "\n attempt " + std::to_string(attempt) + ": exit " +
                  std::to_string(run.exit_code) + " " + run.out + run.err;
    }
    return ::testing::AssertionFailure()
           << "a transfer through node " << index << " did not settle within " << kSettleBudgetMs
           << " ms and " << kSendAttemptsMax << " attempts:" << failures;
  }

  // Polls `testnet status` until every node is alive and reports the same
  // height and state hash; returns that status (or the last one seen).
  json WaitConverged() {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kConvergeTimeoutMs);
    json status;
    while (true) {
      status = Status();
      bool same = status["nodes"].size() == kNodes;
      for (const json& node : status["nodes"]) {
        same = same && node["alive"] == true && node["height"].is_number() &&
               node["height"] == status["nodes"][0]["height"] &&
               node["state_hash"] == status["nodes"][0]["state_hash"];
      }
      if (same) return status;
      if (std::chrono::steady_clock::now() >= deadline) {
        ADD_FAILURE() << "validators did not reach the same height and state within "
                      << kConvergeTimeoutMs << " ms: " << status.dump();
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollIntervalMs));
    }
  }

  // Every validator holds exactly what the settled transfers imply.
  void ExpectBalancesOnEveryNode() {
    int64_t bob_cents = 0;
    for (uint32_t sender = 0; sender < kNodes; ++sender) {
      bob_cents += settled_[sender] * kTransferCents;
    }
    for (uint32_t node = 0; node < kNodes; ++node) {
      for (uint32_t sender = 0; sender < kNodes; ++sender) {
        const json balance = RemitJson({"balance", senders_[sender], "--node", Endpoint(node)});
        EXPECT_EQ(balance["balances"],
                  (json{{"USD", Usd(kFundedCents - settled_[sender] * kTransferCents)}}))
            << "sender " << sender << " on node " << node;
        EXPECT_EQ(balance["next_sequence"], settled_[sender])
            << "sender " << sender << " on node " << node;
      }
      const json bob = RemitJson({"balance", bob_, "--node", Endpoint(node)});
      EXPECT_EQ(bob["balances"], (json{{"USD", Usd(bob_cents)}})) << "bob on node " << node;
    }
  }

  testing::TempDir dir_;
  std::string testnet_dir_;
  uint32_t base_port_ = 0;
  std::vector<std::string> sender_keys_;
  std::vector<std::string> senders_;
  std::string bob_;
  std::vector<int64_t> settled_;  // SETTLED transfers per sender
};

// Proves: with one of four validators killed (the leader) the chain keeps
// settling, and after a restart all four agree on height, state hash and
// every balance.
TEST_F(Testnet4EndToEndTest, LeaderKillRestartConverges) {
  ASSERT_NO_FATAL_FAILURE(StartTestnet());
  const json fresh = Status();
  for (const json& node : fresh["nodes"]) {
    EXPECT_EQ(node["alive"], true);
    EXPECT_EQ(node["height"], 0);
    EXPECT_TRUE(node["round"].is_number());
    EXPECT_EQ(node["state_hash"].get<std::string>().size(), 64u);
  }
  Leader(fresh);

  // Transfers settle through each of the four validators.
  ASSERT_NO_FATAL_FAILURE(FundSenders());
  for (uint32_t i = 0; i < kNodes; ++i) EXPECT_TRUE(SendSettles(i));
  WaitConverged();

  // kill -9 the current leader: the other three keep settling.
  const uint32_t leader = Leader(Status());
  ASSERT_LT(leader, kNodes);
  EXPECT_EQ(
      RemitJson({"testnet", "kill", "--dir", testnet_dir_, std::to_string(leader)})["was_running"],
      true);
  EXPECT_EQ(Status()["nodes"][leader]["alive"], false);
  for (uint32_t i = 0; i < kNodes; ++i) {
    if (i == leader) continue;
    EXPECT_TRUE(SendSettles(i)) << "with node " << leader << " killed";
  }

  // `up` starts the killed validator only; the others' traffic brings it up
  // to date, and then it settles transfers itself.
  const json up = RemitJson({"testnet", "up", "--dir", testnet_dir_});
  for (const json& node : up["nodes"]) EXPECT_EQ(node["started"], node["index"] == leader);
  for (uint32_t i = 0; i < kNodes; ++i) {
    if (i == leader) continue;
    EXPECT_TRUE(SendSettles(i)) << "after node " << leader << " restarted";
  }
  WaitConverged();
  EXPECT_TRUE(SendSettles(leader)) << "through the restarted node " << leader;

  const json converged = WaitConverged();
  EXPECT_GT(converged["nodes"][0]["height"].get<uint64_t>(), 0u);
  ExpectBalancesOnEveryNode();
}

}  // namespace
}  // namespace remit
