// What one Byzantine validator can make the consensus core keep or build:
// each is bounded per (round, proposer), (signer, round) or peer.
#include <gtest/gtest.h>

#include "tests/node/core_cluster.h"

namespace remit::testing {
namespace {

const auto kDropAll = [](const Sent&) { return true; };

// Proves that an equivocating leader gets one block per (round, proposer)
// kept: ten validly signed variants of round 1 leave one block in the tree.
TEST(CoreBoundsTest, EquivocatingProposalsKeepOneBlockPerRoundAndProposer) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  ChainBuilder builder(cluster.chain);
  const v1::QuorumCert genesis_qc = cluster.genesis_qc();
  for (uint64_t variant = 0; variant < 10; ++variant) {
    v1::Block block = builder.NextBlock(1, 1);
    block.mutable_header()->set_timestamp_unix_ms(block.header().timestamp_unix_ms() + variant);
    v1::ConsensusMessage message;
    *message.mutable_proposal() = cluster.sign.Proposal(1, block, genesis_qc);
    cluster.Deliver(1, 0, message);
  }
  EXPECT_EQ(cluster.core(0).tree().size(), 1u);
  EXPECT_EQ(cluster.core(0).counters().equivocations, 9u);
}

// Proves that the next leader keeps one vote per (signer, round): fifty
// validly signed votes of one validator for different blocks of round 1
// leave one.
TEST(CoreBoundsTest, OneVotePerSignerAndRound) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  const uint32_t next_leader = cluster.core(0).election().LeaderOf(2);
  ChainBuilder builder(cluster.chain);
  v1::VoteData vote_data = builder.VoteDataOf(builder.NextBlock(1, 1));
  for (uint8_t variant = 0; variant < 50; ++variant) {
    vote_data.set_block_hash(std::string(kHashBytes, static_cast<char>(variant)));
    v1::ConsensusMessage message;
    *message.mutable_vote() = cluster.sign.Vote(0, vote_data);
    cluster.Deliver(0, next_leader, message);
  }
  EXPECT_EQ(cluster.core(next_leader).votes_held(), 1u);
  EXPECT_EQ(cluster.core(next_leader).counters().dropped_second_vote, 49u);
}

// Proves that sync requests are served at most one per peer at a time:
// one envelope's worth of 1,024 SyncRequests costs one response, however
// long the clock then runs.
TEST(CoreBoundsTest, ManySyncRequestsFromOnePeerCostOneResponse) {
  CoreCluster cluster(4);
  cluster.StartAll();
  for (uint64_t sequence = 0; sequence < 3; ++sequence) {
    cluster.SubmitEverywhere(cluster.Payment(0, sequence));
  }
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.CommittedHeightMin() >= 3; }, 60'000));
  cluster.drop = kDropAll;
  cluster.log.clear();
  v1::ConsensusMessage request;
  request.mutable_sync_request()->set_from_height(1);
  request.mutable_sync_request()->set_count(256);
  for (int i = 0; i < 1024; ++i) cluster.Deliver(1, 0, request);
  for (int i = 0; i < 10; ++i) cluster.Tick(500);
  size_t responses = 0;
  for (const Sent& sent : cluster.Logged(v1::ConsensusMessage::kBlockResponse, 0)) {
    responses += sent.to == 1 ? 1 : 0;
  }
  EXPECT_EQ(responses, 1u);
}

}  // namespace
}  // namespace remit::testing
