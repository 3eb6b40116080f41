// Authentication of the validator API (`remit.v1.Consensus/Deliver`): one
// validator of a 4-validator chain served in process on a loopback port,
// called through a real gRPC channel the way a peer (or an impostor) would.
// Each refused envelope carries a transfer in gossip; a later authentic
// envelope carries another, and the mempool must then hold exactly that one,
// which proves the refused envelope's messages never reached the validator.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "node/clock.h"
#include "node/consensus/envelope_auth.h"
#include "node/node_server.h"
#include "remit/v1/consensus.grpc.pb.h"
#include "remit/v1/ledger.grpc.pb.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using testing::TestChain;

constexpr uint32_t kValidators = 4;
constexpr uint32_t kSkewMsMax = 5'000;
constexpr uint64_t kWaitMs = 5'000;
// How long a leaked message would take to reach the mempool after the one
// that proves delivery (same worker and inbox, in order): far less.
constexpr uint64_t kSettleMs = 300;

class ConsensusAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Peers that are never there: validator 0 sends to a closed port.
    for (ValidatorInfo& validator : chain_.genesis.validators) validator.endpoint = "127.0.0.1:1";
    files_.emplace("auth", chain_.genesis, chain_.validators[0]);
    NodeConfig config = files_->config();
    config.log_level = "warn";
    config.limits.envelope_skew_ms_max = kSkewMsMax;
    auto node = NodeServer::Start(config);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(node_->port()),
                                       grpc::InsecureChannelCredentials());
    consensus_ = v1::Consensus::NewStub(channel);
    ledger_ = v1::Ledger::NewStub(channel);
  }

  void TearDown() override {
    node_.reset();
    files_.reset();
  }

  // An envelope from validator `from` gossiping user `user`'s first transfer.
  v1::ConsensusEnvelope Gossip(uint32_t from, int user) const {
    v1::ConsensusEnvelope envelope;
    envelope.set_from(from);
    *envelope.add_messages()->mutable_transfers()->add_transfers() =
        chain_.Transfer(chain_.users[user], chain_.users[(user + 1) % 3].public_key(), 5, 0);
    return envelope;
  }

  void Sign(const SigningKey& key, uint64_t sent_unix_ms, v1::ConsensusEnvelope& envelope) const {
    SignEnvelope(SigningDomain::Of(chain_.genesis), key, sent_unix_ms, envelope);
  }

  grpc::Status Deliver(const v1::ConsensusEnvelope& envelope) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(kWaitMs));
    v1::DeliverResponse response;
    return consensus_->Deliver(&context, envelope, &response);
  }

  uint64_t MempoolSize() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(kWaitMs));
    v1::GetStatusResponse status;
    EXPECT_TRUE(ledger_->GetStatus(&context, v1::GetStatusRequest(), &status).ok());
    return status.mempool_size();
  }

  // Waits until the mempool holds at least `count` transfers, then a while
  // longer for any that would follow; returns how many it holds.
  uint64_t WaitForMempool(uint64_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
    while (MempoolSize() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
    return MempoolSize();
  }

  // Sends an authentic envelope from validator 1 with user 2's transfer and
  // waits until it is admitted: the mempool must then hold it alone.
  void ExpectOnlyAuthenticGossipArrives() {
    v1::ConsensusEnvelope envelope = Gossip(1, 2);
    Sign(chain_.validators[1], clock_.NowUnixMs(), envelope);
    const grpc::Status status = Deliver(envelope);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(WaitForMempool(1), 1u);
  }

  void ExpectRefused(const grpc::Status& status, std::string_view reason) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
    EXPECT_NE(status.error_message().find(reason), std::string::npos) << status.error_message();
  }

  TestChain chain_ = TestChain::Make(3, kValidators);
  SystemClock clock_;
  std::optional<testing::NodeFiles> files_;
  std::unique_ptr<NodeServer> node_;
  std::unique_ptr<v1::Consensus::Stub> consensus_;
  std::unique_ptr<v1::Ledger::Stub> ledger_;
};

// An envelope signed by the genesis validator it names, sent now, is
// accepted and its messages reach the validator (its gossip is admitted).
TEST_F(ConsensusAuthTest, ValidatorEnvelopeIsAccepted) {
  v1::ConsensusEnvelope envelope = Gossip(1, 0);
  Sign(chain_.validators[1], clock_.NowUnixMs(), envelope);
  const grpc::Status status = Deliver(envelope);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(WaitForMempool(1), 1u);
  EXPECT_EQ(node_->consensus_service().envelopes_refused(), 0u);
}

// A sender that is not another genesis validator (an index beyond the set,
// or this validator's own) is refused, whatever key signed, and none of its
// messages reaches the validator.
TEST_F(ConsensusAuthTest, NonValidatorIsRefused) {
  v1::ConsensusEnvelope outsider = Gossip(kValidators, 0);
  Sign(chain_.users[0], clock_.NowUnixMs(), outsider);
  ExpectRefused(Deliver(outsider), "is not another validator");
  v1::ConsensusEnvelope self = Gossip(0, 0);
  Sign(chain_.validators[0], clock_.NowUnixMs(), self);
  ExpectRefused(Deliver(self), "is not another validator");
  EXPECT_EQ(node_->consensus_service().envelopes_refused(), 2u);
  ExpectOnlyAuthenticGossipArrives();
}

// An envelope that names validator 1 but is unsigned, or signed by another
// key (validator 2's, a non-validator's), is refused before any of its
// messages goes further.
TEST_F(ConsensusAuthTest, ForgedSignatureIsRefused) {
  v1::ConsensusEnvelope unsigned_envelope = Gossip(1, 0);
  unsigned_envelope.set_sent_unix_ms(clock_.NowUnixMs());
  ExpectRefused(Deliver(unsigned_envelope), "carries no valid signature");
  for (const SigningKey* key : {&chain_.validators[2], &chain_.users[0]}) {
    v1::ConsensusEnvelope forged = Gossip(1, 0);
    Sign(*key, clock_.NowUnixMs(), forged);
    ExpectRefused(Deliver(forged), "does not verify");
  }
  EXPECT_EQ(node_->consensus_service().envelopes_refused(), 3u);
  ExpectOnlyAuthenticGossipArrives();
}

// Changing anything the signature covers after signing (a message's
// content, an added message, the send time) makes the envelope refused.
TEST_F(ConsensusAuthTest, TamperedEnvelopeIsRefused) {
  v1::ConsensusEnvelope amount = Gossip(1, 0);
  Sign(chain_.validators[1], clock_.NowUnixMs(), amount);
  amount.mutable_messages(0)
      ->mutable_transfers()
      ->mutable_transfers(0)
      ->mutable_transfer()
      ->set_amount_minor(6);
  ExpectRefused(Deliver(amount), "does not verify");
  v1::ConsensusEnvelope added = Gossip(1, 0);
  Sign(chain_.validators[1], clock_.NowUnixMs(), added);
  added.add_messages()->mutable_sync_request()->set_from_height(1);
  ExpectRefused(Deliver(added), "does not verify");
  v1::ConsensusEnvelope retimed = Gossip(1, 0);
  Sign(chain_.validators[1], clock_.NowUnixMs(), retimed);
  retimed.set_sent_unix_ms(retimed.sent_unix_ms() + 1);
  ExpectRefused(Deliver(retimed), "does not verify");
  EXPECT_EQ(node_->consensus_service().envelopes_refused(), 3u);
  ExpectOnlyAuthenticGossipArrives();
}

// A genuine envelope sent further than envelope_skew_ms_max from the
// receiver's clock, in the past (a replay) or the future, is refused.
TEST_F(ConsensusAuthTest, StaleSendTimeIsRefused) {
  v1::ConsensusEnvelope stale = Gossip(1, 0);
  Sign(chain_.validators[1], clock_.NowUnixMs() - kSkewMsMax - 1'000, stale);
  ExpectRefused(Deliver(stale), "envelope_skew_ms_max");
  v1::ConsensusEnvelope future = Gossip(1, 0);
  Sign(chain_.validators[1], clock_.NowUnixMs() + kSkewMsMax + 1'000, future);
  ExpectRefused(Deliver(future), "envelope_skew_ms_max");
  EXPECT_EQ(node_->consensus_service().envelopes_refused(), 2u);
  ExpectOnlyAuthenticGossipArrives();
}

}  // namespace
}  // namespace remit
