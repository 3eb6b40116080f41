// Unit tests of the SDK helpers that need no node: status conversion,
// endpoint lists and transfer building.
#include <gtest/gtest.h>

#include "client/sdk/endpoint.h"
#include "client/sdk/grpc_status.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/transfer.h"
#include "tests/client/fake_ledger.h"

namespace remit::sdk {
namespace {

// Proves: a gRPC status keeps its code and message; OK stays OK.
TEST(GrpcStatusTest, KeepsCodeAndMessage) {
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  const absl::Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "bad sequence 3"));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "bad sequence 3");
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")).code(),
            absl::StatusCode::kUnavailable);
}

// Proves: the ErrorInfo reason, domain and metadata and the original receipt
// are read from the standard details, and the reason survives the
// conversion to absl::Status.
TEST(GrpcStatusTest, ReadsTheStandardDetails) {
  v1::Receipt receipt;
  receipt.set_transfer_id(std::string(32, 'i'));
  receipt.set_height(7);
  const grpc::Status status = testing::NodeErrorStatus(
      grpc::StatusCode::ALREADY_EXISTS, "ALREADY_FINAL", "x", {{"nextSequence", "4"}}, &receipt);
  const ErrorDetails details = DecodeErrorDetails(status);
  EXPECT_EQ(details.reason, "ALREADY_FINAL");
  EXPECT_EQ(details.domain, "remit");
  EXPECT_EQ(details.metadata.at("nextSequence"), "4");
  ASSERT_TRUE(details.original_receipt.has_value());
  EXPECT_EQ(details.original_receipt->height(), 7u);
  const absl::Status converted = FromGrpcStatus(testing::NodeErrorStatus(
      grpc::StatusCode::FAILED_PRECONDITION, "SEQUENCE_USED", "sequence_used: x"));
  EXPECT_EQ(converted.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(converted), "SEQUENCE_USED");
}

// Proves: a trailer that is not a google.rpc.Status, or names another code
// than the call's, yields no reason and no receipt (never a wrong one).
TEST(GrpcStatusTest, IgnoresForeignDetails) {
  const grpc::Status foreign(grpc::StatusCode::ALREADY_EXISTS, "x", "\xff\xff not a status");
  EXPECT_TRUE(DecodeErrorDetails(foreign).reason.empty());
  EXPECT_FALSE(DecodeErrorDetails(foreign).original_receipt.has_value());
  const grpc::Status other =
      testing::NodeErrorStatus(grpc::StatusCode::INTERNAL, "SEQUENCE_USED", "x");
  const grpc::Status mismatched(grpc::StatusCode::FAILED_PRECONDITION, "x", other.error_details());
  EXPECT_TRUE(DecodeErrorDetails(mismatched).reason.empty());
  EXPECT_EQ(ErrorReason(FromGrpcStatus(mismatched)), "");
  EXPECT_EQ(ErrorReason(absl::InternalError("local")), "");
}

// Proves: repeated and comma-separated endpoints are split, trimmed and
// de-duplicated in order; IPv6 literals are accepted.
TEST(EndpointTest, ParsesListsInOrder) {
  absl::StatusOr<std::vector<std::string>> endpoints =
      ParseEndpoints({"127.0.0.1:7100, localhost:7101", "[::1]:7102", "127.0.0.1:7100"});
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  EXPECT_EQ(*endpoints,
            (std::vector<std::string>{"127.0.0.1:7100", "localhost:7101", "[::1]:7102"}));
}

// Proves: every malformed endpoint is refused with a message showing the
// valid form.
TEST(EndpointTest, RefusesMalformed) {
  for (const std::string bad : {"", "host", "host:", ":7100", "host:0", "host:65536", "host:7x",
                                "a b:1", "[zz]:1", "127.0.0.1:7100,"}) {
    absl::StatusOr<std::vector<std::string>> endpoints = ParseEndpoints({bad});
    ASSERT_FALSE(endpoints.ok()) << bad;
    EXPECT_EQ(endpoints.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(endpoints.status().message().find("HOST:PORT"), absl::string_view::npos) << bad;
  }
  std::vector<std::string> many;
  for (size_t i = 0; i <= kEndpointsMax; ++i) many.push_back("h:" + std::to_string(i + 1));
  EXPECT_FALSE(ParseEndpoints(many).ok());
}

class BuildTransferTest : public ::testing::Test {
 protected:
  BuildTransferTest()
      : key_(SigningKey::Generate()),
        recipient_(SigningKey::Generate().public_key()),
        genesis_(testing::TestGenesis(SigningKey::Generate().public_key())) {}

  TransferRequest Request() const {
    return TransferRequest{.to = recipient_,
                           .asset = "USD",
                           .amount_minor = 50,
                           .memo = "lunch",
                           .sequence = 7,
                           .ttl_ms = 60'000};
  }

  SigningKey key_;
  AccountId recipient_;
  Genesis genesis_;
};

// Proves: the built transfer carries exactly the requested fields, the
// chain id and genesis hash, expiry = now + TTL, and a signature that passes the
// ledger's own stateless checks.
TEST_F(BuildTransferTest, SignsWhatWasAsked) {
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      BuildTransfer(key_, genesis_, GenesisHash(genesis_), Request(), 1'000'000);
  ASSERT_TRUE(signed_transfer.ok()) << signed_transfer.status();
  const v1::Transfer& transfer = signed_transfer->transfer();
  EXPECT_EQ(transfer.chain_id(), "remit-test");
  EXPECT_EQ(transfer.genesis_hash(), ToString(GenesisHash(genesis_)));
  EXPECT_EQ(transfer.from(), ToString(key_.public_key()));
  EXPECT_EQ(transfer.to(), ToString(recipient_));
  EXPECT_EQ(transfer.asset(), "USD");
  EXPECT_EQ(transfer.amount_minor(), 50u);
  EXPECT_EQ(transfer.sequence(), 7u);
  EXPECT_EQ(transfer.expiry_unix_ms(), 1'060'000u);
  EXPECT_EQ(transfer.memo(), "lunch");
  EXPECT_EQ(transfer.fee_minor(), 0u);
  absl::StatusOr<TransferId> id =
      CheckTransfer(*signed_transfer, "remit-test", GenesisHash(genesis_));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, ComputeTransferId(transfer));
}

// Proves: the default TTL is ten minutes.
TEST_F(BuildTransferTest, DefaultTtlIsTenMinutes) {
  TransferRequest request = Request();
  request.ttl_ms = TransferRequest{}.ttl_ms;
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      BuildTransfer(key_, genesis_, GenesisHash(genesis_), request, 0);
  ASSERT_TRUE(signed_transfer.ok());
  EXPECT_EQ(signed_transfer->transfer().expiry_unix_ms(), 600'000u);
}

// Proves: each request the chain would reject is refused before signing,
// with a message naming the problem.
TEST_F(BuildTransferTest, RefusesBadRequests) {
  struct Case {
    std::string name;
    std::function<void(TransferRequest&)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown asset", [](TransferRequest& r) { r.asset = "XYZ"; }, "unknown asset 'XYZ'"},
      {"zero", [](TransferRequest& r) { r.amount_minor = 0; }, "more than zero"},
      {"limit", [](TransferRequest& r) { r.amount_minor = 100'000'001; }, "per-transfer limit"},
      {"memo", [](TransferRequest& r) { r.memo = std::string(kMemoBytesMax + 1, 'm'); }, "memo"},
      {"utf8", [](TransferRequest& r) { r.memo = "\xff"; }, "UTF-8"},
      {"self", [this](TransferRequest& r) { r.to = key_.public_key(); }, "sender's own"},
      {"ttl", [](TransferRequest& r) { r.ttl_ms = 0; }, "TTL"},
  };
  for (const Case& c : cases) {
    TransferRequest request = Request();
    c.mutate(request);
    absl::StatusOr<v1::SignedTransfer> signed_transfer =
        BuildTransfer(key_, genesis_, GenesisHash(genesis_), request, 1);
    ASSERT_FALSE(signed_transfer.ok()) << c.name;
    EXPECT_EQ(signed_transfer.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(signed_transfer.status().message().find(c.message), absl::string_view::npos)
        << c.name << ": " << signed_transfer.status().message();
  }
}

}  // namespace
}  // namespace remit::sdk
