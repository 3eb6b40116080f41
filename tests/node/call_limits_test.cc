// The node's bounds on calls (node/limits.h): calls_max, node-wide transfer
// calls held open, and connection_streams_max, concurrent calls on one
// connection. One validator of a 4-validator chain whose peers are never
// there serves in process: nothing commits, so a Settle stays open until its
// deadline, which is how these tests hold a call.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "node/node_server.h"
#include "remit/v1/ledger.grpc.pb.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using testing::TestChain;

constexpr uint64_t kHeldMs = 1'500;  // how long the held Settle waits
constexpr uint64_t kShortMs = 300;   // a call that must not wait behind it
constexpr uint64_t kSettleMs = 200;  // time for the held call to arrive

class CallLimitsTest : public ::testing::Test {
 protected:
  void Start(const NodeLimits& limits) {
    for (ValidatorInfo& validator : chain_.genesis.validators) validator.endpoint = "127.0.0.1:1";
    files_.emplace("limits", chain_.genesis, chain_.validators[0]);
    NodeConfig config = files_->config();
    config.log_level = "warn";
    config.limits = limits;
    auto node = NodeServer::Start(config);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
  }

  void TearDown() override {
    node_.reset();
    files_.reset();
  }

  // A stub on a connection of its own (no subchannel sharing).
  std::unique_ptr<v1::Ledger::Stub> NewConnection() {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return v1::Ledger::NewStub(
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(node_->port()),
                                  grpc::InsecureChannelCredentials(), arguments));
  }

  grpc::Status Settle(v1::Ledger::Stub& stub, int user, uint64_t timeout_ms) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    v1::SettleRequest request;
    *request.mutable_transfer() =
        chain_.Transfer(chain_.users[user], chain_.users[(user + 1) % 3].public_key(), 5, 0);
    v1::SettleResponse response;
    return stub.Settle(&context, request, &response);
  }

  grpc::Status GetStatus(v1::Ledger::Stub& stub, uint64_t timeout_ms) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    v1::GetStatusResponse response;
    return stub.GetStatus(&context, v1::GetStatusRequest(), &response);
  }

  TestChain chain_ = TestChain::Make(3, 4);
  std::optional<testing::NodeFiles> files_;
  std::unique_ptr<NodeServer> node_;
};

// With calls_max = 1, a second transfer call while one is held open is
// answered RESOURCE_EXHAUSTED at once, naming the limit; once the first is
// over, transfer calls are taken again. Reads are not counted.
TEST_F(CallLimitsTest, CallsBeyondCallsMaxAreRefused) {
  NodeLimits limits;
  limits.calls_max = 1;
  Start(limits);
  auto first = NewConnection();
  auto second = NewConnection();
  auto held = std::async(std::launch::async, [&] { return Settle(*first, 0, kHeldMs); });
  std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
  const grpc::Status refused = Settle(*second, 1, kShortMs);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("calls_max"), std::string::npos);
  EXPECT_TRUE(GetStatus(*second, kShortMs).ok());
  EXPECT_EQ(held.get().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The slot is free again: this Settle is taken (and waits for a commit
  // that never comes).
  std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
  EXPECT_EQ(Settle(*second, 1, kShortMs).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

// With connection_streams_max = 1, a connection with a call open makes its
// next call wait on the client side (here past its deadline), while another
// connection is served at once: the bound is per connection.
TEST_F(CallLimitsTest, StreamsBeyondConnectionStreamsMaxWait) {
  NodeLimits limits;
  limits.connection_streams_max = 1;
  Start(limits);
  auto busy = NewConnection();
  auto other = NewConnection();
  ASSERT_TRUE(GetStatus(*busy, kHeldMs).ok());  // connected, settings exchanged
  auto held = std::async(std::launch::async, [&] { return Settle(*busy, 0, kHeldMs); });
  std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
  EXPECT_EQ(GetStatus(*busy, kShortMs).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(GetStatus(*other, kShortMs).ok());
  EXPECT_EQ(held.get().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(GetStatus(*busy, kShortMs).ok());
}

}  // namespace
}  // namespace remit
