// RemitClient against an in-process fake Ledger service: fail-over, deadlines,
// idempotent Settle retries and Watch.
#include "client/sdk/client.h"

#include <gtest/gtest.h>

#include <thread>

#include "client/sdk/transfer_builder.h"
#include "ledger/transfer.h"
#include "tests/client/fake_ledger.h"
#include "tests/client/unused_port.h"

namespace remit::sdk {
namespace {

using testing::FakeLedger;
using testing::FakeLedgerServer;

class ClientTest : public ::testing::Test {
 protected:
  ClientTest()
      : faucet_(SigningKey::Generate()),
        genesis_(testing::TestGenesis(faucet_.public_key())),
        ledger_(genesis_),
        server_(&ledger_),
        dead_endpoint_("127.0.0.1:" + std::to_string(testing::UnusedPort())) {}

  std::unique_ptr<RemitClient> Client(std::vector<std::string> endpoints,
                                      uint64_t settle_timeout_ms = kSettleTimeoutMsDefault) {
    absl::StatusOr<std::unique_ptr<RemitClient>> client =
        RemitClient::Create({.endpoints = std::move(endpoints),
                             .call_timeout_ms = 2'000,
                             .settle_timeout_ms = settle_timeout_ms,
                             .settle_attempts = 3});
    REMIT_CHECK(client.ok());
    return std::move(*client);
  }

  v1::SignedTransfer Transfer(uint64_t sequence, uint64_t amount_minor = 50) {
    absl::StatusOr<v1::SignedTransfer> signed_transfer =
        BuildTransfer(faucet_, genesis_, GenesisHash(genesis_),
                      {.to = SigningKey::Generate().public_key(),
                       .asset = "USD",
                       .amount_minor = amount_minor,
                       .memo = "",
                       .sequence = sequence},
                      1'000);
    REMIT_CHECK(signed_transfer.ok());
    return *signed_transfer;
  }

  SigningKey faucet_;
  Genesis genesis_;
  FakeLedger ledger_;
  FakeLedgerServer server_;
  std::string dead_endpoint_;
};

// Proves: malformed options are refused before any connection.
TEST_F(ClientTest, CreateRefusesBadOptions) {
  EXPECT_FALSE(RemitClient::Create({}).ok());
  EXPECT_FALSE(RemitClient::Create({.endpoints = {"nope"}}).ok());
  EXPECT_FALSE(RemitClient::Create({.endpoints = {"h:1"}, .call_timeout_ms = 0}).ok());
  EXPECT_FALSE(RemitClient::Create({.endpoints = {"h:1"}, .settle_attempts = 0}).ok());
}

// Proves: a call skips an endpoint that is down, and the client then prefers
// the endpoint that answered.
TEST_F(ClientTest, FailsOverToTheNextEndpointAndRemembersIt) {
  std::unique_ptr<RemitClient> client = Client({dead_endpoint_, server_.endpoint()});
  EXPECT_EQ(client->preferred_endpoint(), dead_endpoint_);
  absl::StatusOr<v1::GetStatusResponse> status = client->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->chain_id(), "remit-test");
  EXPECT_EQ(client->preferred_endpoint(), server_.endpoint());
}

// Proves: when no endpoint answers, the error is UNAVAILABLE and names each.
TEST_F(ClientTest, AllEndpointsDownIsUnavailable) {
  const std::string other_dead = "127.0.0.1:" + std::to_string(testing::UnusedPort());
  std::unique_ptr<RemitClient> client = Client({dead_endpoint_, other_dead});
  absl::StatusOr<v1::GetStatusResponse> status = client->GetStatus();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.status().message().find(dead_endpoint_), absl::string_view::npos);
  EXPECT_NE(status.status().message().find(other_dead), absl::string_view::npos);
}

// Proves: NextSequence asks every endpoint and takes the highest answer, so
// a node that lags (here: one that saw none of the account's transfers)
// or is down does not hand out a sequence already used; with no endpoint
// up it is UNAVAILABLE.
TEST_F(ClientTest, NextSequenceIsTheHighestAnyEndpointReports) {
  FakeLedger behind(genesis_);
  FakeLedgerServer behind_server(&behind);
  std::unique_ptr<RemitClient> ahead = Client({server_.endpoint()});
  ASSERT_TRUE(ahead->Settle(Transfer(0)).ok());
  ASSERT_TRUE(ahead->Settle(Transfer(1)).ok());
  absl::StatusOr<uint64_t> next =
      Client({behind_server.endpoint(), dead_endpoint_, server_.endpoint()})
          ->NextSequence(faucet_.public_key());
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, 2u);
  next = Client({dead_endpoint_})->NextSequence(faucet_.public_key());
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), absl::StatusCode::kUnavailable);
}

// Proves: GetGenesis parses the node's JSON into chain id and assets.
TEST_F(ClientTest, GetGenesisParses) {
  absl::StatusOr<Genesis> genesis = Client({server_.endpoint()})->GetGenesis();
  ASSERT_TRUE(genesis.ok()) << genesis.status();
  EXPECT_EQ(genesis->chain_id, "remit-test");
  ASSERT_NE(genesis->FindAsset("KES"), nullptr);
  EXPECT_EQ(genesis->FindAsset("KES")->decimals, 0u);
}

// Proves: Settle returns the receipt of the transfer it sent.
TEST_F(ClientTest, SettleReturnsTheReceipt) {
  const v1::SignedTransfer transfer = Transfer(0);
  absl::StatusOr<SettleResult> result = Client({server_.endpoint()})->Settle(transfer);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->receipt.outcome(), v1::SETTLED);
  EXPECT_EQ(result->receipt.transfer_id(), ToString(ComputeTransferId(transfer.transfer())));
  EXPECT_FALSE(result->duplicate);
  EXPECT_EQ(result->attempts, 1u);
  EXPECT_EQ(result->endpoint, server_.endpoint());
}

// Proves: sending the same signed bytes again answers with the original
// receipt, marked duplicate, and nothing is paid twice.
TEST_F(ClientTest, ResendingTheSameTransferIsADuplicate) {
  std::unique_ptr<RemitClient> client = Client({server_.endpoint()});
  const v1::SignedTransfer transfer = Transfer(0);
  absl::StatusOr<SettleResult> first = client->Settle(transfer);
  absl::StatusOr<SettleResult> second = client->Settle(transfer);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->receipt.SerializeAsString(), first->receipt.SerializeAsString());
  ASSERT_TRUE(client->GetStatus().ok());
  EXPECT_EQ(client->GetStatus()->transfers_committed(), 1u);
}

// Proves: on ALREADY_EXISTS (whose response body gRPC drops) the original
// receipt comes from the status's standard details (a google.rpc.Status
// holding a SettleResponse), as remitd sends it, with no GetReceipt call.
TEST_F(ClientTest, AlreadyExistsUsesTheReceiptInTheDetails) {
  ledger_.set_settle_mode(FakeLedger::SettleMode::kAlreadyExists);
  ledger_.set_outcome(v1::INSUFFICIENT_FUNDS);
  absl::StatusOr<SettleResult> result = Client({server_.endpoint()})->Settle(Transfer(0));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->duplicate);
  EXPECT_EQ(result->receipt.outcome(), v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(ledger_.get_receipt_calls(), 0);
}

// Proves: without details, the original receipt is fetched by id.
TEST_F(ClientTest, AlreadyExistsWithoutDetailsFetchesTheReceipt) {
  ledger_.set_settle_mode(FakeLedger::SettleMode::kAlreadyExistsBare);
  ledger_.set_outcome(v1::INSUFFICIENT_FUNDS);
  absl::StatusOr<SettleResult> result = Client({server_.endpoint()})->Settle(Transfer(0));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->duplicate);
  EXPECT_EQ(result->receipt.outcome(), v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(ledger_.get_receipt_calls(), 1);
}

// Proves: after DEADLINE_EXCEEDED the receipt is looked up by id, and a
// transfer that did commit is reported without being sent again.
TEST_F(ClientTest, DeadlineExceededLooksTheReceiptUpById) {
  ledger_.set_settle_mode(FakeLedger::SettleMode::kCommitAndHang);
  absl::StatusOr<SettleResult> result =
      Client({server_.endpoint()}, /*settle_timeout_ms=*/200)->Settle(Transfer(0));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->receipt.outcome(), v1::SETTLED);
  EXPECT_EQ(ledger_.settle_calls(), 1);
  EXPECT_GE(ledger_.get_receipt_calls(), 1);
}

// Proves: UNAVAILABLE is retried with the same signed bytes a bounded number
// of times, then reported.
TEST_F(ClientTest, UnavailableIsRetriedThenReported) {
  ledger_.set_settle_mode(FakeLedger::SettleMode::kUnavailable);
  const v1::SignedTransfer transfer = Transfer(0);
  absl::StatusOr<SettleResult> result = Client({server_.endpoint()})->Settle(transfer);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ledger_.settle_calls(), 3);
  for (const v1::SignedTransfer& received : ledger_.received()) {
    EXPECT_EQ(received.SerializeAsString(), transfer.SerializeAsString());
  }
}

// Proves: a rejection by the node (wrong chain) is returned at once, unretried.
TEST_F(ClientTest, InvalidArgumentIsNotRetried) {
  v1::SignedTransfer transfer = Transfer(0);
  v1::Transfer wrong_chain = transfer.transfer();
  wrong_chain.set_chain_id("other-chain");
  transfer = SignTransfer(wrong_chain, faucet_);
  absl::StatusOr<SettleResult> result = Client({server_.endpoint()})->Settle(transfer);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_.settle_calls(), 1);
}

// Proves: Watch calls back once per final transfer and stops when the
// callback says so; an account filter reaches the node.
TEST_F(ClientTest, WatchDeliversEventsUntilTheCallbackStops) {
  std::unique_ptr<RemitClient> client = Client({server_.endpoint()});
  const v1::SignedTransfer first = Transfer(0);
  ASSERT_TRUE(client->Settle(first).ok());
  ASSERT_TRUE(client->Settle(Transfer(1)).ok());
  std::vector<v1::WatchEvent> events;
  absl::Status status = client->Watch(std::nullopt, [&](const v1::WatchEvent& event) {
    events.push_back(event);
    return events.size() < 2;
  });
  EXPECT_TRUE(status.ok()) << status;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].record().signed_transfer().transfer().sequence(), 0u);

  events.clear();
  absl::StatusOr<AccountId> recipient =
      ToArray<kPublicKeyBytes>(first.transfer().to(), "recipient");
  ASSERT_TRUE(recipient.ok());
  status = client->Watch(*recipient, [&](const v1::WatchEvent& event) {
    events.push_back(event);
    return false;
  });
  EXPECT_TRUE(status.ok()) << status;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].record().signed_transfer().transfer().to(), first.transfer().to());
}

// Proves: WatchCancel ends a Watch that is waiting for events, from another
// thread, with CANCELLED.
TEST_F(ClientTest, WatchCanBeCancelled) {
  std::unique_ptr<RemitClient> client = Client({server_.endpoint()});
  WatchCancel cancel;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.Cancel();
  });
  const absl::Status status = client->Watch(
      std::nullopt, [](const v1::WatchEvent&) { return true; }, &cancel);
  canceller.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
}

}  // namespace
}  // namespace remit::sdk
