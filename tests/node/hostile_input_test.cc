// Malformed and abusive requests against one validator served in process on a
// loopback port, sent as raw bytes through grpc::GenericStub so that what
// reaches the node is exactly what a hostile client could put on the wire.
// Every refusal must carry the right status code and a message that tells a
// user what was wrong; floods must not keep an honest client from settling;
// and the node must be healthy afterwards (status answers, an honest transfer
// settles, every asset's balances sum to zero).
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/sdk/grpc_status.h"
#include "node/node_server.h"
#include "remit/v1/ledger.grpc.pb.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using grpc::StatusCode;
using testing::KeyFromIndex;
using testing::TestChain;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kUsdTransferMax = 100'000'000;  // TestChain's per-transfer limit
constexpr uint32_t kBatchMax = 20;
constexpr uint32_t kRequestBytesMax = 64 << 10;
constexpr uint32_t kSenderShare = 32;
constexpr uint32_t kSequenceWindow = 256;
constexpr uint32_t kMempoolMax = 256;
constexpr int kCallTimeoutMs = 5000;

std::string Method(const std::string& name) { return "/remit.v1.Ledger/" + name; }

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  std::string out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

// One malformed or abusive request and what the node must answer.
struct Row {
  std::string name;
  std::string method;  // e.g. "Settle"
  std::string body;    // the raw request bytes
  StatusCode code;
  std::string message_part;  // the error message must contain it
  // For calls that succeed: the receipt's outcome (Settle and Submit only).
  std::optional<v1::Outcome> outcome = std::nullopt;
};

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // BIG may move a whole int64 in one transfer, so that balances can be
    // pushed to the edge of their range.
    chain_.genesis.assets.push_back({"BIG", 0, chain_.issuer.public_key(), kInt64Max});
    // The flooders hold USD: the floods test the mempool's bounds, not the
    // funding check (which refuses an unfunded flood at admission).
    for (int i = 0; i < kFlooders; ++i) {
      chain_.genesis.balances.push_back({Flooder(i).public_key(), "USD", kFlooderFundsMinor});
    }
    for (GenesisBalance& balance : chain_.genesis.balances) {
      if (balance.account == chain_.issuer.public_key() && balance.asset == "USD") {
        balance.amount_minor -= kFlooders * kFlooderFundsMinor;
      }
    }
    files_.emplace("hostile", chain_.genesis, chain_.validators[0]);
    NodeConfig config = files_->config();
    config.limits.settle_batch_transfers_max = kBatchMax;
    config.limits.request_bytes_max = kRequestBytesMax;
    config.limits.mempool_sender_transfers_max = kSenderShare;
    config.limits.sequence_window = kSequenceWindow;
    config.limits.mempool_transfers_max = kMempoolMax;
    auto node = NodeServer::Start(config);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    const std::string target = "127.0.0.1:" + std::to_string(node_->port());
    hostile_ = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
    // The honest client has a connection of its own, as it would in life.
    grpc::ChannelArguments separate;
    separate.SetInt("remit.honest", 1);
    honest_ = v1::Ledger::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), separate));
  }

  void TearDown() override {
    node_.reset();
    files_.reset();
  }

  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(kCallTimeoutMs));
  }

  // Sends raw bytes to a Ledger method; fills `response` with the raw answer.
  grpc::Status Call(const std::string& method, const std::string& body,
                    std::string* response = nullptr) {
    grpc::GenericStub stub(hostile_);
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::ByteBuffer request = ToBuffer(body);
    grpc::ByteBuffer reply;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, Method(method), grpc::StubOptions(), &request, &reply,
                   [&done](grpc::Status status) { done.set_value(std::move(status)); });
    grpc::Status status = done.get_future().get();
    if (response != nullptr && status.ok()) *response = FromBuffer(reply);
    return status;
  }

  grpc::Status Submit(const v1::SignedTransfer& transfer) {
    v1::SubmitRequest request;
    *request.mutable_transfer() = transfer;
    return Call("Submit", request.SerializeAsString());
  }

  // Checks one row: code, message, and the outcome of a successful settle.
  void Expect(const Row& row) {
    SCOPED_TRACE(row.name);
    std::string response;
    const grpc::Status status = Call(row.method, row.body, &response);
    EXPECT_EQ(status.error_code(), row.code) << status.error_message();
    EXPECT_NE(status.error_message().find(row.message_part), std::string::npos)
        << "message '" << status.error_message() << "' lacks '" << row.message_part << "'";
    if (row.code != StatusCode::OK && row.code != StatusCode::UNIMPLEMENTED) {
      EXPECT_FALSE(status.error_message().empty()) << "a refusal must say what was wrong";
    }
    if (row.outcome.has_value() && status.ok()) {
      v1::SettleResponse settled;
      ASSERT_TRUE(settled.ParseFromString(response));
      EXPECT_EQ(settled.receipt().outcome(), *row.outcome)
          << v1::Outcome_Name(settled.receipt().outcome());
    }
  }

  // A transfer signed by `from`; `sequence` is the sender's next unless
  // given. Outcomes that reach a block consume it (see Consume).
  v1::SignedTransfer Transfer(const SigningKey& from, const AccountId& to, uint64_t amount_minor,
                              const std::string& asset = "USD", const std::string& memo = "",
                              uint64_t expiry_unix_ms = UINT64_MAX) {
    return chain_.Transfer(from, to, amount_minor, next_sequence_[from.public_key()], asset, memo,
                           expiry_unix_ms);
  }
  void Consume(const SigningKey& from) { ++next_sequence_[from.public_key()]; }
  void Consume(const v1::SignedTransfer& transfer) {
    ++next_sequence_[*ToArray<kPublicKeyBytes>(transfer.transfer().from(), "sender")];
  }

  // SettleRequest and SubmitRequest share one wire shape: the transfer as field 1.
  static std::string TransferBody(const v1::SignedTransfer& transfer) {
    v1::SettleRequest request;
    *request.mutable_transfer() = transfer;
    return request.SerializeAsString();
  }

  // The honest client settles `count` transfers one after another; each must
  // be admitted at once (no back-off) and settle.
  void SettleHonestly(int count) {
    for (int i = 0; i < count; ++i) {
      v1::SettleRequest request;
      *request.mutable_transfer() =
          chain_.Transfer(honest(), recipient().public_key(), 1, honest_sequence_);
      v1::SettleResponse response;
      grpc::ClientContext context;
      SetDeadline(context);
      const grpc::Status status = honest_->Settle(&context, request, &response);
      ASSERT_TRUE(status.ok()) << "honest transfer " << honest_sequence_ << ": "
                               << status.error_code() << " " << status.error_message();
      ASSERT_EQ(response.receipt().outcome(), v1::SETTLED);
      ++honest_sequence_;
    }
  }

  // Sum of every known account's balance of `asset`.
  int64_t SumOf(const std::string& asset) {
    std::vector<AccountId> accounts = {chain_.issuer.public_key()};
    for (const SigningKey& user : chain_.users) accounts.push_back(user.public_key());
    for (int i = 0; i < kFlooders; ++i) accounts.push_back(Flooder(i).public_key());
    int64_t sum = 0;
    for (const AccountId& account : accounts) {
      v1::GetAccountRequest request;
      request.set_account(ToString(account));
      v1::GetAccountResponse response;
      grpc::ClientContext context;
      SetDeadline(context);
      EXPECT_TRUE(honest_->GetAccount(&context, request, &response).ok());
      for (const auto& balance : response.account().balances()) {
        if (balance.asset() == asset) sum += balance.balance_minor();
      }
    }
    return sum;
  }

  // After hostile traffic: status answers, an honest transfer settles, and
  // every asset's balances still sum to zero.
  void ExpectHealthy() {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::GetStatusResponse status;
    ASSERT_TRUE(honest_->GetStatus(&context, v1::GetStatusRequest(), &status).ok());
    EXPECT_EQ(status.chain_id(), chain_.genesis.chain_id);
    SettleHonestly(1);
    for (const AssetInfo& asset : chain_.genesis.assets) {
      EXPECT_EQ(SumOf(asset.code), 0) << asset.code;
    }
  }

  static constexpr int kFlooders = 16;
  static constexpr int64_t kFlooderFundsMinor = 1'000'000;
  static SigningKey Flooder(int index) { return KeyFromIndex(static_cast<uint8_t>(200 + index)); }

  const SigningKey& honest() const { return chain_.users[0]; }
  const SigningKey& recipient() const { return chain_.users[1]; }
  const SigningKey& greedy() const { return chain_.users[2]; }
  const SigningKey& user() const { return chain_.users[3]; }

  TestChain chain_ = TestChain::Make(4);
  std::optional<testing::NodeFiles> files_;
  std::unique_ptr<NodeServer> node_;
  std::shared_ptr<grpc::Channel> hostile_;
  std::unique_ptr<v1::Ledger::Stub> honest_;
  std::map<AccountId, uint64_t> next_sequence_;
  uint64_t honest_sequence_ = 0;
};

// Requests that are not protobuf at all, or not the message the method
// takes, are refused with INVALID_ARGUMENT and a message naming the method,
// on every method: the node never answers UNIMPLEMENTED or INTERNAL for them.
TEST_F(HostileInputTest, UndecodableRequestsAreInvalidArgument) {
  const std::string valid = TransferBody(Transfer(user(), recipient().public_key(), 1));
  const std::string truncated = valid.substr(0, valid.size() / 2);
  const std::string garbage = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
  // Field 1 as a fixed32: protobuf keeps it as an unknown field.
  const std::string wrong_wire_type("\x0d\x00\x00\x00\x00", 5);
  std::vector<Row> rows;
  for (const char* method : {"Settle", "SettleBatch", "Submit", "GetAccount", "ListTransfers",
                             "GetReceipt", "GetBlock", "GetStatus"}) {
    rows.push_back({StrCat(method, ": truncated"), method, truncated, StatusCode::INVALID_ARGUMENT,
                    "not a valid"});
    rows.push_back({StrCat(method, ": garbage bytes"), method, garbage,
                    StatusCode::INVALID_ARGUMENT, "not a valid"});
  }
  rows.push_back({"Settle: field 1 of the wrong wire type", "Settle", wrong_wire_type,
                  StatusCode::INVALID_ARGUMENT, "transfer is missing"});
  // A method the node does not have stays UNIMPLEMENTED.
  rows.push_back({"unknown method", "Pay", valid, StatusCode::UNIMPLEMENTED, ""});
  for (const Row& row : rows) Expect(row);
  ExpectHealthy();
}

// Empty messages and wrong field lengths are refused with INVALID_ARGUMENT
// naming the field; nothing is admitted.
TEST_F(HostileInputTest, EmptyAndWrongLengthFieldsAreInvalidArgument) {
  const AccountId to = recipient().public_key();
  auto short_sender = Transfer(user(), to, 1);
  short_sender.mutable_transfer()->mutable_from()->pop_back();
  auto long_recipient = Transfer(user(), to, 1);
  long_recipient.mutable_transfer()->mutable_to()->push_back('x');
  auto short_signature = Transfer(user(), to, 1);
  short_signature.mutable_signature()->pop_back();
  auto no_signature = Transfer(user(), to, 1);
  no_signature.clear_signature();
  v1::GetAccountRequest long_account;
  long_account.set_account(std::string(33, 'a'));
  v1::ListTransfersRequest short_account;
  short_account.set_account(std::string(31, 'a'));
  v1::ListTransfersRequest bad_token;
  bad_token.set_account(ToString(user().public_key()));
  bad_token.set_page_token("abc");
  v1::ListTransfersRequest forged_token = bad_token;
  forged_token.set_page_token(std::string(12, '\x7f'));  // right length, height never reached
  v1::ListTransfersRequest huge_page = bad_token;
  huge_page.clear_page_token();
  huge_page.set_limit(1'000'000);
  v1::GetReceiptRequest short_id;
  short_id.set_transfer_id(std::string(16, 'i'));
  v1::GetBlockRequest far_block;
  far_block.set_height(UINT64_MAX);

  const Row rows[] = {
      {"Settle: empty message", "Settle", "", StatusCode::INVALID_ARGUMENT, "transfer is missing"},
      {"Submit: empty message", "Submit", "", StatusCode::INVALID_ARGUMENT, "transfer is missing"},
      {"SettleBatch: empty message", "SettleBatch", "", StatusCode::INVALID_ARGUMENT,
       "batch is empty"},
      {"GetAccount: empty message", "GetAccount", "", StatusCode::INVALID_ARGUMENT,
       "account must be 32 bytes, got 0"},
      {"ListTransfers: empty message", "ListTransfers", "", StatusCode::INVALID_ARGUMENT,
       "account must be 32 bytes, got 0"},
      {"GetReceipt: empty message", "GetReceipt", "", StatusCode::INVALID_ARGUMENT,
       "transfer_id must be 32 bytes, got 0"},
      {"sender key of 31 bytes", "Settle", TransferBody(short_sender), StatusCode::INVALID_ARGUMENT,
       "sender must be a 32-byte public key"},
      {"recipient key of 33 bytes", "Submit", TransferBody(long_recipient),
       StatusCode::INVALID_ARGUMENT, "recipient must be a 32-byte public key"},
      {"signature of 63 bytes", "Settle", TransferBody(short_signature),
       StatusCode::INVALID_ARGUMENT, "signature must be 64 bytes"},
      {"no signature", "Settle", TransferBody(no_signature), StatusCode::INVALID_ARGUMENT,
       "signature must be 64 bytes"},
      {"account id of 33 bytes", "GetAccount", long_account.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "account must be 32 bytes, got 33"},
      {"history account of 31 bytes", "ListTransfers", short_account.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "account must be 32 bytes, got 31"},
      {"page token of 3 bytes", "ListTransfers", bad_token.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "page token is not valid"},
      {"forged page token", "ListTransfers", forged_token.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "page token is not valid"},
      {"page of a million", "ListTransfers", huge_page.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "maximum page size of 1000"},
      {"transfer id of 16 bytes", "GetReceipt", short_id.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "transfer_id must be 32 bytes, got 16"},
      {"block far above the head", "GetBlock", far_block.SerializeAsString(), StatusCode::NOT_FOUND,
       "above the committed height"},
  };
  for (const Row& row : rows) Expect(row);
  ExpectHealthy();
}

// Transfers with bad fields, from the chain id to the memo, are refused
// before they reach the mempool, each naming what is wrong.
TEST_F(HostileInputTest, BadTransferFieldsAreRefused) {
  const AccountId to = recipient().public_key();
  auto wrong_chain = Transfer(user(), to, 1);
  wrong_chain.mutable_transfer()->set_chain_id("remit-main");
  wrong_chain = SignTransfer(wrong_chain.transfer(), user());
  auto long_chain = wrong_chain;
  long_chain.mutable_transfer()->set_chain_id(std::string(4096, 'c'));
  auto bad_signature = Transfer(user(), to, 1);
  bad_signature.mutable_transfer()->set_amount_minor(2);  // signed for 1
  auto foreign_signature = Transfer(user(), to, 1);
  foreign_signature.set_signature(Transfer(recipient(), user().public_key(), 1).signature());
  auto fee_overflow = Transfer(user(), to, 1);
  fee_overflow.mutable_transfer()->set_fee_minor(uint64_t{1} << 63);
  fee_overflow = SignTransfer(fee_overflow.transfer(), user());
  const uint64_t past_ms = chain_.genesis.genesis_time_unix_ms;
  // Memos beyond the limit cannot be signed (SigningBytes checks), so they
  // are set after signing: the memo must be refused before the signature.
  const auto with_memo = [&](const std::string& memo) {
    auto transfer = Transfer(user(), to, 1);
    transfer.mutable_transfer()->set_memo(memo);
    return TransferBody(transfer);
  };

  const Row rows[] = {
      {"wrong chain id", "Settle", TransferBody(wrong_chain), StatusCode::INVALID_ARGUMENT,
       "wrong_chain: transfer is for chain 'remit-main' but this is 'remit-test'"},
      {"chain id of 4 KiB", "Settle", TransferBody(long_chain), StatusCode::INVALID_ARGUMENT,
       "wrong_chain"},
      {"zero amount", "Settle", TransferBody(Transfer(user(), to, 0)), StatusCode::INVALID_ARGUMENT,
       "bad_amount: amount must be more than zero"},
      {"amount 2^63 (beyond int64)", "Settle",
       TransferBody(Transfer(user(), to, uint64_t{1} << 63)), StatusCode::INVALID_ARGUMENT,
       "at most 2^63-1"},
      {"amount 2^64-1", "Submit", TransferBody(Transfer(user(), to, UINT64_MAX)),
       StatusCode::INVALID_ARGUMENT, "at most 2^63-1"},
      {"fee 2^63", "Settle", TransferBody(fee_overflow), StatusCode::INVALID_ARGUMENT,
       "fee must be at most 2^63-1"},
      {"self transfer", "Settle", TransferBody(Transfer(user(), user().public_key(), 1)),
       StatusCode::INVALID_ARGUMENT, "self_transfer"},
      {"lower-case asset code", "Settle", TransferBody(Transfer(user(), to, 1, "usd")),
       StatusCode::INVALID_ARGUMENT, "asset code must be 1 to 12 characters"},
      {"unknown asset", "Settle", TransferBody(Transfer(user(), to, 1, "XAU")),
       StatusCode::INVALID_ARGUMENT, "unknown asset 'XAU'; this chain has USD, JPY, BIG"},
      {"memo of 141 bytes", "Settle", with_memo(std::string(141, 'm')),
       StatusCode::INVALID_ARGUMENT, "memo_too_long: memo is 141 bytes; at most 140"},
      {"memo of 4 KiB", "Settle", with_memo(std::string(4096, 'm')), StatusCode::INVALID_ARGUMENT,
       "memo_too_long"},
      // proto3 strings must be UTF-8: such a request does not even decode.
      {"memo not UTF-8", "Settle", TransferBody(Transfer(user(), to, 1, "USD", "\xc3\x28")),
       StatusCode::INVALID_ARGUMENT, "memo) that is not valid UTF-8"},
      {"bad signature", "Settle", TransferBody(bad_signature), StatusCode::INVALID_ARGUMENT,
       "bad_signature: signature does not verify"},
      {"another account's signature", "Submit", TransferBody(foreign_signature),
       StatusCode::INVALID_ARGUMENT, "bad_signature"},
      {"expired", "Settle", TransferBody(Transfer(user(), to, 1, "USD", "", past_ms)),
       StatusCode::FAILED_PRECONDITION, "expired"},
  };
  for (const Row& row : rows) Expect(row);
  ExpectHealthy();
}

// Sequences outside the account's window are refused with
// FAILED_PRECONDITION; a replay of a settled transfer answers ALREADY_EXISTS
// with the original receipt, on Settle, Submit and SettleBatch alike.
TEST_F(HostileInputTest, SequencesAndReplays) {
  const AccountId to = recipient().public_key();
  const v1::SignedTransfer settled = Transfer(user(), to, 5);
  std::string response;
  ASSERT_TRUE(Call("Settle", TransferBody(settled), &response).ok());
  Consume(user());
  v1::SettleResponse original;
  ASSERT_TRUE(original.ParseFromString(response));
  const v1::SignedTransfer reused =
      chain_.Transfer(user(), to, 6, settled.transfer().sequence());  // same sequence, new id
  const v1::SignedTransfer far_ahead =
      chain_.Transfer(user(), to, 1, next_sequence_[user().public_key()] + kSequenceWindow);
  const v1::SignedTransfer absurd = chain_.Transfer(user(), to, 1, UINT64_MAX);

  const Row rows[] = {
      {"sequence already used", "Settle", TransferBody(reused), StatusCode::FAILED_PRECONDITION,
       "sequence 0 is already used; the account's next sequence is 1"},
      {"sequence beyond the window", "Settle", TransferBody(far_ahead),
       StatusCode::FAILED_PRECONDITION, "too far ahead of the account's next sequence 1 (window"},
      {"sequence 2^64-1", "Submit", TransferBody(absurd), StatusCode::FAILED_PRECONDITION,
       "too far ahead"},
      {"replay on Settle", "Settle", TransferBody(settled), StatusCode::ALREADY_EXISTS,
       "is already final; its receipt is attached"},
      {"replay on Submit", "Submit", TransferBody(settled), StatusCode::ALREADY_EXISTS,
       "is already final"},
  };
  for (const Row& row : rows) Expect(row);

  // The refusal carries the original receipt.
  v1::SettleRequest replay;
  *replay.mutable_transfer() = settled;
  v1::SettleResponse answered;
  grpc::ClientContext context;
  SetDeadline(context);
  v1::Ledger::Stub typed(hostile_);
  const grpc::Status status = typed.Settle(&context, replay, &answered);
  ASSERT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  const sdk::ErrorDetails attached = sdk::DecodeErrorDetails(status);
  EXPECT_EQ(attached.reason, "ALREADY_FINAL");
  ASSERT_TRUE(attached.original_receipt.has_value());
  EXPECT_EQ(attached.original_receipt->transfer_id(), original.receipt().transfer_id());
  EXPECT_EQ(attached.original_receipt->height(), original.receipt().height());

  // In a batch, the replay is one result among others, with its receipt.
  v1::SettleBatchRequest batch;
  *batch.add_transfers() = settled;
  *batch.add_transfers() = Transfer(user(), to, 1);
  Consume(user());
  ASSERT_TRUE(Call("SettleBatch", batch.SerializeAsString(), &response).ok());
  v1::SettleBatchResponse results;
  ASSERT_TRUE(results.ParseFromString(response));
  ASSERT_EQ(results.results_size(), 2);
  EXPECT_EQ(results.results(0).status_code(), static_cast<int>(StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(results.results(0).reason(), "ALREADY_FINAL");
  EXPECT_EQ(results.results(0).receipt().transfer_id(), original.receipt().transfer_id());
  EXPECT_EQ(results.results(1).status_code(), 0) << results.results(1).status_message();
  EXPECT_EQ(results.results(1).receipt().outcome(), v1::SETTLED);
  ExpectHealthy();
}

// Amounts at and beyond the per-transfer limit and the int64 range: within
// the wire range they reach a block and end with a named outcome (the
// sequence is consumed, nothing moves), except more than the sender holds,
// which admission refuses; balances never wrap.
TEST_F(HostileInputTest, AmountsAtAndBeyondTheLimits) {
  const SigningKey& issuer = chain_.issuer;
  const AccountId to = user().public_key();
  std::vector<Row> rows;
  const auto settle = [&](const std::string& name, const v1::SignedTransfer& transfer,
                          v1::Outcome outcome) {
    rows.push_back({name, "Settle", TransferBody(transfer), StatusCode::OK, "", outcome});
    Consume(transfer);
  };
  settle("USD at the per-transfer limit", Transfer(issuer, to, kUsdTransferMax), v1::SETTLED);
  settle("USD one above the limit", Transfer(issuer, to, kUsdTransferMax + 1), v1::LIMIT_EXCEEDED);
  settle("USD of 2^63-1", Transfer(issuer, to, kInt64Max), v1::LIMIT_EXCEEDED);
  // Refused at admission (no record; the sequence stays free).
  rows.push_back({"more USD than the sender has", "Settle",
                  TransferBody(Transfer(recipient(), issuer.public_key(), 10'001)),
                  StatusCode::FAILED_PRECONDITION, "unfunded_sender:"});
  settle("BIG of 2^63-1 (the int64 maximum)", Transfer(issuer, to, kInt64Max, "BIG"), v1::SETTLED);
  settle("BIG pushing the recipient past int64", Transfer(issuer, to, 1, "BIG"),
         v1::BALANCE_OVERFLOW);
  auto with_fee = chain_.Transfer(issuer, recipient().public_key(), kInt64Max,
                                  next_sequence_[issuer.public_key()], "BIG");
  with_fee.mutable_transfer()->set_fee_minor(1);
  settle("BIG amount plus fee beyond int64", SignTransfer(with_fee.transfer(), issuer),
         v1::BALANCE_OVERFLOW);
  settle("user pays back all BIG", Transfer(user(), issuer.public_key(), kInt64Max, "BIG"),
         v1::SETTLED);
  for (const Row& row : rows) Expect(row);
  ExpectHealthy();
}

// Requests over their bounds are refused whole: a batch above
// settle_batch_transfers_max with INVALID_ARGUMENT, a message above
// request_bytes_max with RESOURCE_EXHAUSTED, each naming the limit.
TEST_F(HostileInputTest, OversizedRequestsAreRefused) {
  v1::SettleBatchRequest batch;
  for (uint64_t i = 0; i <= kBatchMax; ++i) {
    *batch.add_transfers() = chain_.Transfer(user(), recipient().public_key(), 1, i);
  }
  v1::SettleRequest huge;
  *huge.mutable_transfer() = Transfer(user(), recipient().public_key(), 1);
  huge.mutable_transfer()->mutable_transfer()->set_memo(std::string(kRequestBytesMax, 'x'));
  v1::GetAccountRequest huge_read;
  huge_read.set_account(std::string(kRequestBytesMax + 1, 'a'));
  const Row rows[] = {
      {"batch over the limit", "SettleBatch", batch.SerializeAsString(),
       StatusCode::INVALID_ARGUMENT, "batch of 21 transfers exceeds the limit of 20"},
      {"Settle over the message size limit", "Settle", huge.SerializeAsString(),
       StatusCode::RESOURCE_EXHAUSTED, "larger than max"},
      {"GetAccount over the message size limit", "GetAccount", huge_read.SerializeAsString(),
       StatusCode::RESOURCE_EXHAUSTED, "larger than max"},
      {"raw bytes over the message size limit", "Submit", std::string(kRequestBytesMax * 2, '\0'),
       StatusCode::RESOURCE_EXHAUSTED, "larger than max"},
  };
  for (const Row& row : rows) Expect(row);
  ExpectHealthy();
}

// One account submitting far more than its share of the mempool gets
// RESOURCE_EXHAUSTED for the excess, while an honest client keeps settling
// during and after the flood; once the flooder fills its sequence gap its
// admitted transfers settle.
TEST_F(HostileInputTest, OneAccountFloodIsCappedAtItsShare) {
  std::atomic<int> admitted = 0;
  std::atomic<int> refused = 0;
  std::atomic<int> other = 0;
  std::string refusal;
  std::thread flood([&] {
    // Sequence 0 is held back: nothing of the flood can execute, so its
    // transfers stay pending and the cap is what stops them.
    for (uint64_t sequence = 1; sequence <= 4 * kSenderShare; ++sequence) {
      const grpc::Status status =
          Submit(chain_.Transfer(greedy(), recipient().public_key(), 1, sequence));
      if (status.ok()) {
        ++admitted;
      } else if (status.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
        if (refused++ == 0) refusal = status.error_message();
      } else {
        ++other;
      }
    }
  });
  SettleHonestly(10);
  flood.join();
  SettleHonestly(10);
  EXPECT_EQ(admitted, static_cast<int>(kSenderShare));
  EXPECT_EQ(refused, static_cast<int>(3 * kSenderShare));
  EXPECT_EQ(other, 0);
  EXPECT_NE(refusal.find("transfers pending; wait for receipts"), std::string::npos) << refusal;
  // The missing sequence is admitted although the share is full: it takes
  // the place of the highest pending one, and the rest become orderable.
  v1::SettleRequest gap;
  *gap.mutable_transfer() = chain_.Transfer(greedy(), recipient().public_key(), 1, 0);
  std::string response;
  ASSERT_TRUE(Call("Settle", gap.SerializeAsString(), &response).ok());
  v1::GetReceiptRequest last;
  last.set_transfer_id(ToString(ComputeTransferId(
      chain_.Transfer(greedy(), recipient().public_key(), 1, kSenderShare - 1).transfer())));
  grpc::Status found;
  for (int attempt = 0; attempt < 500; ++attempt) {
    found = Call("GetReceipt", last.SerializeAsString());
    if (found.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(found.ok()) << found.error_message();
  ExpectHealthy();
}

// Many accounts flooding at once, with more transfers than the whole
// mempool holds, some of them stuck forever behind a missing sequence, do
// not lock an honest client out: its transfers are admitted and settle
// during and after the flood, and every flood transfer is either admitted
// or refused with RESOURCE_EXHAUSTED.
TEST_F(HostileInputTest, ManyAccountFloodDoesNotLockOutHonestClients) {
  std::atomic<int> admitted = 0;
  std::atomic<int> refused = 0;
  std::atomic<int> other = 0;
  std::vector<std::thread> flood;
  for (int f = 0; f < kFlooders; ++f) {
    flood.emplace_back([&, f] {
      const SigningKey key = Flooder(f);
      // Half the flooders leave a gap at sequence 0 (their transfers can
      // never execute); the others send executable ones.
      const uint64_t first = f % 2 == 0 ? 1 : 0;
      for (uint64_t sequence = first; sequence < first + 2 * kSenderShare; ++sequence) {
        const grpc::Status status =
            Submit(chain_.Transfer(key, recipient().public_key(), 1, sequence));
        if (status.ok()) {
          ++admitted;
        } else if (status.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << status.error_code() << " " << status.error_message();
        }
      }
    });
  }
  SettleHonestly(10);
  for (std::thread& thread : flood) thread.join();
  SettleHonestly(10);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(admitted + refused, kFlooders * 2 * static_cast<int>(kSenderShare));
  ExpectHealthy();
}

}  // namespace
}  // namespace remit
