// The public gRPC API of one validator, served in-process on a loopback port
// and called through a real gRPC channel.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <optional>
#include <thread>

#include "client/sdk/grpc_status.h"
#include "client/sdk/receipt_proof.h"
#include "ledger/address.h"
#include "node/node_server.h"
#include "remit/v1/ledger.grpc.pb.h"
#include "tests/ledger/op_testing.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using testing::TestChain;

class LedgerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_.emplace("api", chain_.genesis, chain_.validators[0]);
    config_ = files_->config();
    config_.limits.settle_batch_transfers_max = 50;
    config_.limits.request_bytes_max = 64 << 10;
    StartNode();
  }

  void TearDown() override {
    node_.reset();
    files_.reset();
  }

  void StartNode() {
    auto node = NodeServer::Start(config_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(node_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::Ledger::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context(int timeout_ms = 5000) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    return context;
  }

  grpc::Status Settle(const v1::SignedTransfer& transfer, v1::SettleResponse* response) {
    v1::SettleRequest request;
    *request.mutable_transfer() = transfer;
    return stub_->Settle(Context().get(), request, response);
  }

  // Settles two transfers of 6,000 from `from` (sequences `first` and the
  // next) in one batch: both fit its committed balance (above 6,000), so
  // both are admitted against the same committed state, and the second
  // ends INSUFFICIENT_FUNDS. `response` gets the second's receipt.
  grpc::Status SettleOverdraft(const SigningKey& from, const AccountId& to, uint64_t first,
                               v1::SettleResponse* response) {
    v1::SettleBatchRequest request;
    *request.add_transfers() = chain_.Transfer(from, to, 6'000, first);
    *request.add_transfers() = chain_.Transfer(from, to, 6'000, first + 1);
    v1::SettleBatchResponse batch;
    const grpc::Status status = stub_->SettleBatch(Context().get(), request, &batch);
    if (status.ok() && batch.results_size() == 2) {
      *response->mutable_receipt() = batch.results(1).receipt();
    }
    return status;
  }

  grpc::Status GetReceipt(const TransferId& id) {
    v1::GetReceiptRequest request;
    request.set_transfer_id(ToString(id));
    v1::GetReceiptResponse response;
    return stub_->GetReceipt(Context().get(), request, &response);
  }

  // Polls GetReceipt until the transfer is final, or a deadline passes.
  grpc::Status AwaitReceipt(const TransferId& id) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    grpc::Status status = GetReceipt(id);
    while (!status.ok() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
      status = GetReceipt(id);
    }
    return status;
  }

  int64_t Balance(const SigningKey& key, const std::string& asset = "USD") {
    v1::GetAccountRequest request;
    request.set_account(ToString(key.public_key()));
    v1::GetAccountResponse response;
    EXPECT_TRUE(stub_->GetAccount(Context().get(), request, &response).ok());
    for (const auto& balance : response.account().balances()) {
      if (balance.asset() == asset) return balance.balance_minor();
    }
    return 0;
  }

  TestChain chain_ = TestChain::Make(3);
  std::optional<testing::NodeFiles> files_;
  NodeConfig config_;
  std::unique_ptr<NodeServer> node_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
};

// Settle answers only with a final receipt, and the money has moved.
TEST_F(LedgerApiTest, SettleReturnsFinalReceipt) {
  v1::SettleResponse response;
  const auto transfer = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 50, 0);
  ASSERT_TRUE(Settle(transfer, &response).ok());
  EXPECT_EQ(response.receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(response.receipt().height(), 1u);
  EXPECT_EQ(response.receipt().transfer_id(), ToString(ComputeTransferId(transfer.transfer())));
  EXPECT_GT(response.receipt().settle_latency_us(), 0u);
  EXPECT_EQ(Balance(chain_.users[0]), 10'000 - 50);
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 50);
}

// GetReceipt with_proof answers, for each settled transfer, a proof that
// sdk::VerifyReceipt accepts against the node's genesis (its block header,
// Merkle path and the QC that committed it, kept by the store); without
// with_proof no proof is sent.
TEST_F(LedgerApiTest, GetReceiptWithProofVerifiesAgainstGenesis) {
  for (uint64_t sequence = 0; sequence < 3; ++sequence) {
    v1::SettleResponse settled;
    const auto transfer =
        chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 5, sequence);
    ASSERT_TRUE(Settle(transfer, &settled).ok());
    v1::GetReceiptRequest request;
    request.set_transfer_id(settled.receipt().transfer_id());
    request.set_with_proof(true);
    v1::GetReceiptResponse response;
    ASSERT_TRUE(stub_->GetReceipt(Context().get(), request, &response).ok());
    ASSERT_TRUE(response.has_proof());
    std::vector<std::string> checked;
    const absl::Status verified =
        sdk::VerifyReceipt(response.record(), response.proof(), chain_.genesis, &checked);
    EXPECT_TRUE(verified.ok()) << verified;
    EXPECT_EQ(response.proof().header().height(), settled.receipt().height());
    EXPECT_FALSE(checked.empty());
    request.set_with_proof(false);
    v1::GetReceiptResponse plain;
    ASSERT_TRUE(stub_->GetReceipt(Context().get(), request, &plain).ok());
    EXPECT_FALSE(plain.has_proof());
  }
}

// Settling the same signed bytes again answers ALREADY_EXISTS with the
// original receipt in the standard details, and pays nothing twice.
TEST_F(LedgerApiTest, DuplicateAnswersAlreadyExistsWithOriginalReceipt) {
  const auto transfer = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 50, 0);
  v1::SettleResponse first;
  ASSERT_TRUE(Settle(transfer, &first).ok());
  v1::SettleResponse second;
  const grpc::Status status = Settle(transfer, &second);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // In gRPC's standard details (a google.rpc.Status), as Go and Java read them.
  const sdk::ErrorDetails details = sdk::DecodeErrorDetails(status);
  EXPECT_EQ(details.reason, "ALREADY_FINAL");
  EXPECT_EQ(details.domain, "remit");
  EXPECT_EQ(details.metadata.at("transferId"), ToHex(first.receipt().transfer_id()));
  ASSERT_TRUE(details.original_receipt.has_value());
  EXPECT_EQ(details.original_receipt->transfer_id(), first.receipt().transfer_id());
  EXPECT_EQ(details.original_receipt->height(), first.receipt().height());
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 50);
}

// Malformed or mis-signed transfers are refused with INVALID_ARGUMENT and a
// reason; a bad sequence with FAILED_PRECONDITION; nothing moves.
TEST_F(LedgerApiTest, BadInputIsRefusedWithTheRightCode) {
  auto bad_signature = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 50, 0);
  bad_signature.mutable_transfer()->set_amount_minor(5000);
  auto wrong_chain = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 50, 0);
  wrong_chain.mutable_transfer()->set_chain_id("other-chain");
  wrong_chain = SignTransfer(wrong_chain.transfer(), chain_.users[0]);
  auto unknown_asset = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 50, 0, "XAU");
  auto used_sequence = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 50, 0);
  v1::SettleResponse response;
  ASSERT_TRUE(Settle(used_sequence, &response).ok());
  auto reused = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 51, 0);
  auto too_far = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 51, 1'000'000);

  struct Case {
    const char* name;
    v1::SignedTransfer transfer;
    grpc::StatusCode code;
    const char* message_part;
  } cases[] = {
      {"bad signature", bad_signature, grpc::StatusCode::INVALID_ARGUMENT, "bad_signature"},
      {"wrong chain", wrong_chain, grpc::StatusCode::INVALID_ARGUMENT, "wrong_chain"},
      {"unknown asset", unknown_asset, grpc::StatusCode::INVALID_ARGUMENT, "unknown asset"},
      {"empty", v1::SignedTransfer(), grpc::StatusCode::INVALID_ARGUMENT, "malformed"},
      {"reused sequence", reused, grpc::StatusCode::FAILED_PRECONDITION, "already used"},
      {"sequence too far", too_far, grpc::StatusCode::FAILED_PRECONDITION, "too far ahead"},
  };
  for (const Case& c : cases) {
    const grpc::Status status = Settle(c.transfer, &response);
    EXPECT_EQ(status.error_code(), c.code) << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.message_part), std::string::npos)
        << c.name << ": " << status.error_message();
  }
  EXPECT_EQ(Balance(chain_.users[0]), 10'000 - 50);
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 50);
}

// A transfer above the sender's committed balance is refused at admission
// (unfunded_sender): no record, the sequence stays free. One that fits the
// committed balance but not what an earlier pending transfer leaves is
// final with INSUFFICIENT_FUNDS: it consumes the sequence and moves nothing.
TEST_F(LedgerApiTest, InsufficientFundsIsAFinalOutcome) {
  const AccountId to = chain_.users[1].public_key();
  v1::SettleResponse response;
  const grpc::Status unfunded = Settle(chain_.Transfer(chain_.users[0], to, 10'001, 0), &response);
  EXPECT_EQ(unfunded.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unfunded.error_message().rfind("unfunded_sender:", 0), 0u) << unfunded.error_message();
  EXPECT_EQ(Balance(chain_.users[0]), 10'000);
  ASSERT_TRUE(SettleOverdraft(chain_.users[0], to, 0, &response).ok());
  EXPECT_EQ(response.receipt().outcome(), v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(Balance(chain_.users[0]), 10'000 - 6'000);
  ASSERT_TRUE(Settle(chain_.Transfer(chain_.users[0], to, 1, 2), &response).ok());
  EXPECT_EQ(response.receipt().outcome(), v1::SETTLED);
}

// Oversized requests are refused: a batch above its limit with
// INVALID_ARGUMENT, a message above request_bytes_max with RESOURCE_EXHAUSTED.
TEST_F(LedgerApiTest, OversizedRequestsAreRefused) {
  v1::SettleBatchRequest batch;
  for (uint64_t i = 0; i < 51; ++i) {
    *batch.add_transfers() = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, i);
  }
  v1::SettleBatchResponse batch_response;
  EXPECT_EQ(stub_->SettleBatch(Context().get(), batch, &batch_response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::SettleRequest huge;
  *huge.mutable_transfer() = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, 0);
  huge.mutable_transfer()->mutable_transfer()->set_memo(std::string(100 << 10, 'x'));
  v1::SettleResponse response;
  EXPECT_EQ(stub_->Settle(Context().get(), huge, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Balance(chain_.users[0]), 10'000);
}

// SettleBatch settles many transfers from one sender in one call, one result
// per transfer in order, refusing a bad one without failing the others.
TEST_F(LedgerApiTest, SettleBatchReturnsOneResultPerTransfer) {
  v1::SettleBatchRequest batch;
  for (uint64_t i = 0; i < 20; ++i) {
    *batch.add_transfers() = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, i);
  }
  batch.mutable_transfers(5)->set_signature(std::string(64, '\0'));
  v1::SettleBatchResponse response;
  const grpc::Status batch_status = stub_->SettleBatch(Context(1000).get(), batch, &response);
  ASSERT_TRUE(batch_status.ok()) << batch_status.error_code() << batch_status.error_message();
  ASSERT_EQ(response.results_size(), 20);
  for (int i = 0; i < 20; ++i) {
    const auto& result = response.results(i);
    if (i == 5) {
      EXPECT_EQ(result.status_code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
    } else if (i < 5) {
      EXPECT_EQ(result.status_code(), 0) << i << result.status_message();
      EXPECT_EQ(result.receipt().outcome(), v1::SETTLED);
    } else {
      // Sequence 5 never arrived, so later ones wait until the deadline.
      EXPECT_EQ(result.status_code(), static_cast<int>(grpc::StatusCode::DEADLINE_EXCEEDED))
          << i << result.status_message();
    }
  }
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 5);
}

// Submit returns the id at once; the receipt is then found by id, and the
// account's history lists the transfer.
TEST_F(LedgerApiTest, SubmitThenReceiptAndHistory) {
  v1::SubmitRequest request;
  *request.mutable_transfer() =
      chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 7, 0, "USD", "lunch");
  v1::SubmitResponse submitted;
  ASSERT_TRUE(stub_->Submit(Context().get(), request, &submitted).ok());
  v1::GetReceiptRequest receipt_request;
  receipt_request.set_transfer_id(submitted.transfer_id());
  v1::GetReceiptResponse receipt;
  grpc::Status status;
  for (int attempt = 0; attempt < 200; ++attempt) {
    status = stub_->GetReceipt(Context().get(), receipt_request, &receipt);
    if (status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(receipt.record().receipt().outcome(), v1::SETTLED);
  v1::ListTransfersRequest history_request;
  history_request.set_account(ToString(chain_.users[1].public_key()));
  v1::ListTransfersResponse history;
  ASSERT_TRUE(stub_->ListTransfers(Context().get(), history_request, &history).ok());
  ASSERT_EQ(history.records_size(), 1);
  EXPECT_EQ(history.records(0).signed_transfer().transfer().memo(), "lunch");
}

// Watch for one account delivers the transfers that touch it and no others.
TEST_F(LedgerApiTest, WatchDeliversSettledTransfersForAnAccount) {
  grpc::ClientContext watch_context;
  v1::WatchRequest watch_request;
  watch_request.set_account(ToString(chain_.users[2].public_key()));
  auto reader = stub_->Watch(&watch_context, watch_request);
  // Initial metadata arrives once the server has registered the stream.
  reader->WaitForInitialMetadata();
  v1::SettleResponse response;
  ASSERT_TRUE(
      Settle(chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, 0), &response).ok());
  ASSERT_TRUE(
      Settle(chain_.Transfer(chain_.users[0], chain_.users[2].public_key(), 2, 1), &response).ok());
  v1::WatchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.record().signed_transfer().transfer().amount_minor(), 2u);
  EXPECT_EQ(event.record().receipt().outcome(), v1::SETTLED);
  watch_context.TryCancel();
}

// Operations go through the same calls as transfers: a claim created with
// Settle, claimed by an account that never had a balance through
// SettleBatch (ordered by its own signer and sequence), with final receipts
// carrying the claim; the claim's sender sees the claim in its history and
// its Watch; an operation naming an unknown asset is refused unknown_asset.
TEST_F(LedgerApiTest, OperationsSettleThroughTheSameCalls) {
  const testing::OpSigner sign(chain_.genesis);
  const SigningKey fresh = testing::SeededKey(77);
  grpc::ClientContext watch_context;
  v1::WatchRequest watch_request;
  watch_request.set_account(ToString(chain_.users[0].public_key()));
  auto reader = stub_->Watch(&watch_context, watch_request);
  reader->WaitForInitialMetadata();
  const v1::SignedTransfer create =
      sign.CreateClaim(chain_.users[0], 0, "USD", 300, "node api claim code", testing::kNever);
  v1::SettleResponse created;
  ASSERT_TRUE(Settle(create, &created).ok());
  EXPECT_EQ(created.receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(created.receipt().claim_id(), ToString(OperationId(create)));
  EXPECT_EQ(Balance(chain_.users[0]), 10'000 - 300);
  v1::SettleBatchRequest batch;
  *batch.add_transfers() = sign.Claim(fresh, 0, OperationId(create), "node api claim code");
  v1::SettleBatchResponse results;
  ASSERT_TRUE(stub_->SettleBatch(Context().get(), batch, &results).ok());
  ASSERT_EQ(results.results_size(), 1);
  EXPECT_EQ(results.results(0).status_code(), 0) << results.results(0).status_message();
  EXPECT_EQ(results.results(0).receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(Balance(fresh), 300);
  v1::WatchEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_TRUE(event.record().signed_transfer().operation().has_create_claim());
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_TRUE(event.record().signed_transfer().operation().has_claim());
  watch_context.TryCancel();
  v1::ListTransfersRequest history_request;
  history_request.set_account(ToString(chain_.users[0].public_key()));
  v1::ListTransfersResponse history;
  ASSERT_TRUE(stub_->ListTransfers(Context().get(), history_request, &history).ok());
  EXPECT_EQ(history.records_size(), 2);
  v1::SettleResponse refused;
  const grpc::Status unknown =
      Settle(sign.CreateClaim(chain_.users[0], 1, "XAU", 1, "node api claim code", 5), &refused);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(unknown.error_message().find("unknown_asset"), std::string::npos)
      << unknown.error_message();
}

// Status reports the committed height and state hash; after a restart on the
// same data the node is at the same height and hash with the same balances.
TEST_F(LedgerApiTest, RestartKeepsHeightStateAndBalances) {
  v1::SettleResponse response;
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        Settle(chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 5, i), &response)
            .ok());
  }
  v1::GetStatusResponse before;
  ASSERT_TRUE(stub_->GetStatus(Context().get(), v1::GetStatusRequest(), &before).ok());
  // Three blocks of transfers, each committed by the certified block after it.
  EXPECT_GE(before.height(), 3u);
  node_.reset();
  StartNode();
  v1::GetStatusResponse after;
  ASSERT_TRUE(stub_->GetStatus(Context().get(), v1::GetStatusRequest(), &after).ok());
  EXPECT_EQ(after.height(), before.height());
  EXPECT_EQ(after.state_hash(), before.state_hash());
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 15);
}

// docs/API.md, GetReceipt: an unknown id and a pending transfer (waiting for
// an earlier sequence) are both NOT_FOUND, reason NOT_FOUND, naming the id;
// once the gap is filled both are final and found.
TEST_F(LedgerApiTest, GetReceiptOfUnknownOrPendingTransferIsNotFound) {
  const auto pending = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 2, 1);
  v1::SubmitRequest submit;
  *submit.mutable_transfer() = pending;
  v1::SubmitResponse submitted;
  ASSERT_TRUE(stub_->Submit(Context().get(), submit, &submitted).ok());
  const auto unknown = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 3, 9);
  for (const auto& transfer : {pending, unknown}) {
    const grpc::Status status = GetReceipt(ComputeTransferId(transfer.transfer()));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    const sdk::ErrorDetails details = sdk::DecodeErrorDetails(status);
    EXPECT_EQ(details.reason, "NOT_FOUND");
    EXPECT_EQ(details.metadata.at("transferId"), ToHex(ComputeTransferId(transfer.transfer())));
  }
  v1::SettleResponse first;
  ASSERT_TRUE(
      Settle(chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, 0), &first).ok());
  EXPECT_TRUE(AwaitReceipt(ComputeTransferId(pending.transfer())).ok());
}

// docs/API.md, GetAccount: an account the ledger has never seen is OK and
// empty: the key asked for, next sequence 0, no balances.
TEST_F(LedgerApiTest, GetAccountOfUnknownAccountIsEmpty) {
  const AccountId stranger = testing::KeyFromIndex(77).public_key();
  v1::GetAccountRequest request;
  request.set_account(ToString(stranger));
  v1::GetAccountResponse response;
  ASSERT_TRUE(stub_->GetAccount(Context().get(), request, &response).ok());
  EXPECT_EQ(response.account().account(), ToString(stranger));
  EXPECT_EQ(response.account().next_sequence(), 0u);
  EXPECT_EQ(response.account().balances_size(), 0);
}

// docs/API.md, Submit: a transfer that is final already answers
// ALREADY_EXISTS with the original receipt in the details; one that is
// pending (the same id again) answers OK.
TEST_F(LedgerApiTest, SubmitOfFinalTransferIsAlreadyExists) {
  const auto settled = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 4, 0);
  v1::SettleResponse first;
  ASSERT_TRUE(Settle(settled, &first).ok());
  v1::SubmitRequest request;
  *request.mutable_transfer() = settled;
  v1::SubmitResponse response;
  const grpc::Status replay = stub_->Submit(Context().get(), request, &response);
  EXPECT_EQ(replay.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  const sdk::ErrorDetails details = sdk::DecodeErrorDetails(replay);
  ASSERT_TRUE(details.original_receipt.has_value());
  EXPECT_EQ(details.original_receipt->height(), first.receipt().height());
  *request.mutable_transfer() =
      chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 4, 2);  // waits for 1
  ASSERT_TRUE(stub_->Submit(Context().get(), request, &response).ok());
  EXPECT_TRUE(stub_->Submit(Context().get(), request, &response).ok());
}

// A SettleBatch repeating one transfer costs the node one inbox slot and
// one waiter, not one per copy: with room for 2 requests, 40 copies settle
// and every copy gets the receipt; 3 distinct transfers are still refused.
TEST_F(LedgerApiTest, CopiesInsideSettleBatchTakeOneInboxSlot) {
  node_.reset();
  config_.limits.inbox_events_max = 2;
  StartNode();
  const auto transfer = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, 0);
  v1::SettleBatchRequest copies;
  for (int i = 0; i < 40; ++i) *copies.add_transfers() = transfer;
  v1::SettleBatchResponse response;
  ASSERT_TRUE(stub_->SettleBatch(Context().get(), copies, &response).ok());
  ASSERT_EQ(response.results_size(), 40);
  for (const v1::BatchResult& result : response.results()) {
    EXPECT_EQ(result.status_code(), 0) << result.status_message();
    EXPECT_EQ(result.receipt().SerializeAsString(),
              response.results(0).receipt().SerializeAsString());
  }
  EXPECT_EQ(response.results(0).receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 1);
  v1::SettleBatchRequest distinct;
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    *distinct.add_transfers() =
        chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, sequence);
  }
  ASSERT_TRUE(stub_->SettleBatch(Context().get(), distinct, &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  for (const v1::BatchResult& result : response.results()) {
    EXPECT_EQ(result.status_code(), static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
    EXPECT_EQ(result.reason(), "INBOX_FULL");
  }
}

// docs/API.md, SettleBatch: a transfer final before the batch is status 6
// (ALREADY_FINAL) with its original receipt; a new transfer twice in one
// batch gets its one receipt twice, and is recorded once.
TEST_F(LedgerApiTest, DuplicatesInsideSettleBatch) {
  const auto before = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, 0);
  v1::SettleResponse first;
  ASSERT_TRUE(Settle(before, &first).ok());
  const auto fresh = chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 2, 1);
  v1::SettleBatchRequest batch;
  *batch.add_transfers() = before;
  *batch.add_transfers() = fresh;
  *batch.add_transfers() = fresh;
  v1::SettleBatchResponse response;
  ASSERT_TRUE(stub_->SettleBatch(Context().get(), batch, &response).ok());
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).status_code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(response.results(0).reason(), "ALREADY_FINAL");
  EXPECT_EQ(response.results(0).receipt().transfer_id(), first.receipt().transfer_id());
  for (int i : {1, 2}) {
    EXPECT_EQ(response.results(i).status_code(), 0) << response.results(i).status_message();
    EXPECT_EQ(response.results(i).reason(), "");
    EXPECT_EQ(response.results(i).receipt().outcome(), v1::SETTLED);
  }
  EXPECT_EQ(response.results(1).receipt().SerializeAsString(),
            response.results(2).receipt().SerializeAsString());
  EXPECT_EQ(Balance(chain_.users[1]), 10'000 + 1 + 2);
}

// docs/API.md, ListTransfers: every record the account sent or received,
// rejections included, newest first (height, then position, descending);
// a page token keeps its place while new transfers commit; the last page
// has no token.
TEST_F(LedgerApiTest, ListTransfersIsNewestFirstAndPagesDoNotShift) {
  const SigningKey& sender = chain_.users[0];
  const AccountId to = chain_.users[1].public_key();
  v1::SettleResponse response;
  ASSERT_TRUE(SettleOverdraft(sender, to, 0, &response).ok());  // sequences 0 and 1
  EXPECT_EQ(response.receipt().outcome(), v1::INSUFFICIENT_FUNDS);
  ASSERT_TRUE(Settle(chain_.Transfer(sender, to, 3, 2), &response).ok());
  v1::ListTransfersRequest request;
  request.set_account(ToString(to));
  request.set_limit(2);
  v1::ListTransfersResponse page;
  ASSERT_TRUE(stub_->ListTransfers(Context().get(), request, &page).ok());
  ASSERT_EQ(page.records_size(), 2);
  EXPECT_EQ(page.records(0).signed_transfer().transfer().sequence(), 2u);
  EXPECT_EQ(page.records(1).receipt().outcome(), v1::INSUFFICIENT_FUNDS);
  EXPECT_GT(page.records(0).receipt().height(), page.records(1).receipt().height());
  ASSERT_FALSE(page.next_page_token().empty());
  ASSERT_TRUE(Settle(chain_.Transfer(sender, to, 4, 3), &response).ok());  // newer than the page
  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListTransfers(Context().get(), request, &page).ok());
  ASSERT_EQ(page.records_size(), 1);
  EXPECT_EQ(page.records(0).signed_transfer().transfer().sequence(), 0u);
  EXPECT_TRUE(page.next_page_token().empty());
  v1::ListTransfersRequest sent;
  sent.set_account(ToString(sender.public_key()));
  ASSERT_TRUE(stub_->ListTransfers(Context().get(), sent, &page).ok());
  EXPECT_EQ(page.records_size(), 4);  // the sender's history has all four
}

// docs/API.md, Watch: a transfer final after the start signal (initial
// metadata) is streamed, rejections included. (A record final just before
// the signal may be streamed too, so the first event is not asserted.)
TEST_F(LedgerApiTest, WatchStartsAtItsSignalAndStreamsRejections) {
  v1::SettleResponse response;
  const AccountId to = chain_.users[1].public_key();
  ASSERT_TRUE(Settle(chain_.Transfer(chain_.users[0], to, 1, 0), &response).ok());
  grpc::ClientContext watch_context;
  auto reader = stub_->Watch(&watch_context, v1::WatchRequest());
  reader->WaitForInitialMetadata();
  ASSERT_TRUE(SettleOverdraft(chain_.users[0], to, 1, &response).ok());
  v1::WatchEvent event;
  do {
    ASSERT_TRUE(reader->Read(&event));
  } while (event.record().receipt().transfer_id() != response.receipt().transfer_id());
  EXPECT_EQ(event.record().receipt().outcome(), v1::INSUFFICIENT_FUNDS);
  watch_context.TryCancel();
}

}  // namespace
}  // namespace remit
