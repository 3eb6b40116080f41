// A validator with metrics_listen serves /metrics over HTTP while it runs:
// scraped before and after transfers settle through its gRPC API, the
// outcome counters move by exactly the transfers that became final, every
// stage histogram counts each answered transfer once, and the gauges show
// the new height. Without metrics_listen nothing listens; node.toml takes
// only a loopback metrics_listen.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include "node/node_server.h"
#include "remit/v1/ledger.grpc.pb.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using testing::TestChain;

constexpr const char* kStages[] = {"admitted", "proposed", "certified", "committed", "answered"};

class NodeMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_.emplace("metrics", chain_.genesis, chain_.validators[0]);
    NodeConfig config = files_->config();
    config.metrics_listen = "127.0.0.1:0";
    auto node = NodeServer::Start(config);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    ASSERT_GT(node_->metrics_port(), 0);
    stub_ = v1::Ledger::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(node_->port()),
                                                    grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    node_.reset();
    files_.reset();
  }

  std::string Scrape() {
    httplib::Client client("127.0.0.1", node_->metrics_port());
    const httplib::Result result = client.Get("/metrics");
    EXPECT_TRUE(result && result->status == 200);
    return result ? result->body : "";
  }

  // The value of the sample `series` ("name{labels}"), or -1 if absent.
  static double Value(const std::string& page, const std::string& series) {
    const size_t at = page.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(page.substr(at + series.size() + 2));
  }

  static std::string StageCount(const char* stage) {
    return std::string("remit_transfer_stage_seconds_count{stage=\"") + stage + "\"}";
  }

  grpc::Status Settle(const v1::SignedTransfer& transfer) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SettleRequest request;
    *request.mutable_transfer() = transfer;
    v1::SettleResponse response;
    return stub_->Settle(&context, request, &response);
  }

  TestChain chain_ = TestChain::Make(2);
  std::optional<testing::NodeFiles> files_;
  std::unique_ptr<NodeServer> node_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
};

TEST_F(NodeMetricsTest, CountersAndStageHistogramsMoveWhenTransfersSettle) {
  const std::string before = Scrape();
  EXPECT_EQ(Value(before, "remit_transfers_final_total{outcome=\"SETTLED\"}"), 0);
  for (const char* stage : kStages) EXPECT_EQ(Value(before, StageCount(stage)), 0) << stage;
  EXPECT_EQ(Value(before, "remit_height"), 0);
  EXPECT_EQ(Value(before, "remit_envelopes_refused_total"), 0);

  const AccountId to = chain_.users[1].public_key();
  for (uint64_t sequence = 0; sequence < 3; ++sequence) {
    ASSERT_TRUE(Settle(chain_.Transfer(chain_.users[0], to, 1, sequence)).ok());
  }
  // Two transfers the committed balance (9,997) covers one at a time but
  // not together, in one SettleBatch: both admitted, the second final as
  // INSUFFICIENT_FUNDS, both answered. (One larger than the balance alone
  // would be refused at admission, unfunded_sender, and never counted.)
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::SettleBatchRequest request;
    *request.add_transfers() = chain_.Transfer(chain_.users[0], to, 6'000, 3);
    *request.add_transfers() = chain_.Transfer(chain_.users[0], to, 6'000, 4);
    v1::SettleBatchResponse response;
    ASSERT_TRUE(stub_->SettleBatch(&context, request, &response).ok());
  }

  // Outcomes are counted before the calls are answered; the stage
  // histograms just after: wait for the last of them.
  std::string after = Scrape();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Value(after, "remit_transfer_settle_seconds_count") < 5 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
    after = Scrape();
  }
  EXPECT_EQ(Value(after, "remit_transfers_final_total{outcome=\"SETTLED\"}"), 4);
  EXPECT_EQ(Value(after, "remit_transfers_final_total{outcome=\"INSUFFICIENT_FUNDS\"}"), 1);
  EXPECT_EQ(Value(after, "remit_transfer_settle_seconds_count"), 5);
  for (const char* stage : kStages) EXPECT_EQ(Value(after, StageCount(stage)), 5) << stage;
  EXPECT_GE(Value(after, "remit_height"), 1);
  EXPECT_GE(Value(after, "remit_blocks_committed_total"), 1);
  EXPECT_EQ(Value(after, "remit_mempool_transfers"), 0);
  EXPECT_EQ(Value(after, "remit_peers_connected"), 0);
}

// Off when unset: the node reports no metrics port.
TEST(NodeMetricsOffTest, NoMetricsListenMeansNoMetricsPort) {
  TestChain chain = TestChain::Make(1);
  testing::NodeFiles files("metrics-off", chain.genesis, chain.validators[0]);
  auto node = NodeServer::Start(files.config());
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ((*node)->metrics_port(), 0);
}

// The page has no authentication: node.toml refuses a metrics_listen that
// is not a loopback address, naming the key, and takes one that is.
TEST(NodeMetricsConfigTest, MetricsListenMustBeLoopback) {
  TestChain chain = TestChain::Make(1);
  testing::NodeFiles files("metrics-config", chain.genesis, chain.validators[0]);
  const std::string path = files.dir() + "/node.toml";
  auto load = [&](const std::string& metrics_listen) {
    std::ofstream(path) << "data_dir = \"data\"\ngenesis = \"genesis.json\"\n"
                        << "key_file = \"validator.key\"\nlisten = \"127.0.0.1:0\"\n"
                        << "metrics_listen = \"" << metrics_listen << "\"\n";
    return LoadNodeConfig(path);
  };
  const auto open = load("0.0.0.0:9100");
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("metrics_listen"), std::string::npos) << open.status();
  EXPECT_NE(open.status().message().find("loopback"), std::string::npos) << open.status();
  const auto loopback = load("127.0.0.1:9100");
  ASSERT_TRUE(loopback.ok()) << loopback.status();
  EXPECT_EQ(loopback->metrics_listen, "127.0.0.1:9100");
}

}  // namespace
}  // namespace remit
