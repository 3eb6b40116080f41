// Safety of the consensus core: what it signs, whose messages it believes,
// and what it does when its own execution disagrees with a quorum.
#include <gtest/gtest.h>

#include <set>

#include "tests/node/core_cluster.h"

namespace remit::testing {
namespace {

// Distinct blocks `from` proposed for `round`, by hash.
std::set<std::string> ProposedBlocks(const CoreCluster& cluster, uint32_t from, uint64_t round) {
  std::set<std::string> hashes;
  for (const Sent& sent : cluster.Logged(v1::ConsensusMessage::kProposal, from)) {
    const v1::BlockHeader& header = sent.message.proposal().block().header();
    if (header.round() == round) hashes.insert(ToString(ComputeBlockHash(header)));
  }
  return hashes;
}

bool Voted(const CoreCluster& cluster, uint32_t from, uint64_t round) {
  for (const Sent& sent : cluster.Logged(v1::ConsensusMessage::kVote, from)) {
    if (sent.message.vote().vote_data().round() == round) return true;
  }
  return false;
}

v1::ConsensusMessage AsMessage(const v1::Proposal& proposal) {
  v1::ConsensusMessage message;
  *message.mutable_proposal() = proposal;
  return message;
}

v1::ConsensusMessage AsMessage(const v1::QuorumCert& qc) {
  v1::ConsensusMessage message;
  *message.mutable_sync_info()->mutable_high_qc() = qc;
  return message;
}

// Round 1's leader (validator 1) proposes an empty block on genesis to
// `recipients`; returns the block.
v1::Block ProposeFirstBlock(CoreCluster& cluster, const ChainBuilder& builder,
                            std::initializer_list<uint32_t> recipients) {
  const v1::Block block = builder.NextBlock(1, 1);
  for (uint32_t to : recipients) {
    cluster.Deliver(1, to, AsMessage(cluster.sign.Proposal(1, block, cluster.genesis_qc())));
  }
  return block;
}

// Proves that every proposal signature goes through the safety rules: a
// leader that crashes right after proposing in round 1 and restarts there
// (with other transfers to order) does not sign a second block for round 1.
TEST(CoreSafetyTest, RestartedLeaderNeverSignsASecondBlockForItsRound) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  const uint32_t leader = cluster.core(0).election().LeaderOf(1);
  ASSERT_TRUE(cluster.Submit(leader, cluster.Payment(0, 0)).ok());
  cluster.Tick(1);
  ASSERT_EQ(ProposedBlocks(cluster, leader, 1).size(), 1u);

  cluster.Restart(leader);
  ASSERT_TRUE(cluster.Submit(leader, cluster.Payment(1, 0)).ok());
  cluster.Tick(1);
  ASSERT_EQ(cluster.core(leader).round(), 1u);
  EXPECT_EQ(ProposedBlocks(cluster, leader, 1).size(), 1u);
}

// Proves that consensus signatures are bound to the genesis hash: a QC, a
// vote and timeouts signed by the same validator keys for a chain with the
// same chain id but another genesis move nobody.
TEST(CoreSafetyTest, MessagesOfAnotherGenesisWithTheSameChainIdAreRefused) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  Genesis other = cluster.chain.genesis;
  other.genesis_time_unix_ms += 1;
  const Signer forger(cluster.chain, other);
  ChainBuilder builder(cluster.chain);
  const v1::VoteData block_1 = builder.VoteDataOf(builder.NextBlock(1, 1));

  // A far-ahead QC of the other chain would move validator 3 to round 51.
  v1::VoteData far = block_1;
  far.set_round(50);
  cluster.Deliver(0, 3, AsMessage(forger.Qc(far, {0, 1, 2})));
  EXPECT_EQ(cluster.core(3).round(), 1u);
  EXPECT_GE(cluster.core(3).counters().dropped_bad_certificate, 1u);

  // Votes of the other chain never make a QC at round 2's leader.
  const uint32_t next_leader = cluster.core(0).election().LeaderOf(2);
  for (uint32_t signer = 0; signer < 4; ++signer) {
    if (signer == next_leader) continue;
    v1::ConsensusMessage vote;
    *vote.mutable_vote() = forger.Vote(signer, block_1);
    cluster.Deliver(signer, next_leader, vote);
  }
  EXPECT_EQ(cluster.core(next_leader).round(), 1u);
  EXPECT_EQ(cluster.core(next_leader).votes_held(), 0u);

  // Timeouts of the other chain from f + 1 validators make nobody join them.
  const v1::QuorumCert genesis_qc = cluster.genesis_qc();
  for (uint32_t signer : {0u, 1u}) {
    v1::ConsensusMessage timeout;
    *timeout.mutable_timeout() = forger.Timeout(signer, 1, genesis_qc);
    cluster.Deliver(signer, 3, timeout);
  }
  EXPECT_TRUE(cluster.Logged(v1::ConsensusMessage::kTimeout, 3).empty());
  EXPECT_GE(cluster.core(3).counters().dropped_bad_signature, 2u);
}

// Proves that a TC carries its signers' highest QC: the leader of round 3
// receives TC(2), whose signers hold QC(1), only through a Byzantine
// timeout carrying an old QC; it still extends QC(1), and honest validators
// vote for its proposal.
TEST(CoreSafetyTest, LeaderHoldingOnlyATcExtendsItsHighestQc) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  ChainBuilder builder(cluster.chain);
  const v1::QuorumCert genesis_qc = cluster.genesis_qc();
  const v1::Block block_1 = ProposeFirstBlock(cluster, builder, {0, 2, 3});
  const v1::QuorumCert qc_1 = cluster.sign.Qc(builder.VoteDataOf(block_1), {0, 2, 3});
  const v1::TimeoutCert tc_2 = cluster.sign.Tc(2, {0, 1, 2}, qc_1);
  const uint32_t leader = 3;
  ASSERT_EQ(cluster.core(leader).election().LeaderOf(3), leader);
  v1::ConsensusMessage byzantine;
  *byzantine.mutable_timeout() = cluster.sign.Timeout(0, 3, genesis_qc, &tc_2);
  cluster.Deliver(0, leader, byzantine);
  ASSERT_EQ(cluster.core(leader).round(), 3u);

  ASSERT_TRUE(cluster.Submit(leader, cluster.Payment(0, 0)).ok());
  cluster.drop = [leader](const Sent& sent) {
    return sent.from != leader || sent.message.kind_case() != v1::ConsensusMessage::kProposal;
  };
  cluster.Tick(1);
  ASSERT_EQ(ProposedBlocks(cluster, leader, 3).size(), 1u);
  EXPECT_TRUE(Voted(cluster, 2, 3));
  // Validator 0 leads round 4: its vote stays with it, counted.
  EXPECT_EQ(cluster.core(0).counters().votes_sent, 2u);  // rounds 1 and 3
}

// Proves that a QC certifying another state than ours for a block we
// executed halts the core cleanly: no vote on top of it, no commit, no abort.
TEST(CoreSafetyTest, QuorumCertifyingAnotherStateHaltsTheValidator) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  ChainBuilder builder(cluster.chain);
  const v1::Block block_1 = ProposeFirstBlock(cluster, builder, {0});
  ASSERT_TRUE(Voted(cluster, 0, 1));
  v1::VoteData diverged = builder.VoteDataOf(block_1);
  diverged.set_state_hash(std::string(kHashBytes, 'x'));
  const v1::QuorumCert bad_qc_1 = cluster.sign.Qc(diverged, {1, 2, 3});
  builder.Append(block_1, {1, 2, 3});
  const v1::Block block_2 = builder.NextBlock(2, 2);
  cluster.Deliver(2, 0, AsMessage(cluster.sign.Proposal(2, block_2, bad_qc_1)));
  EXPECT_FALSE(Voted(cluster, 0, 2));

  // The QC that would commit block 1 (with the diverging QC) commits nothing.
  v1::VoteData vote_data_2 = builder.VoteDataOf(block_2);
  cluster.Deliver(1, 0, AsMessage(cluster.sign.Qc(vote_data_2, {1, 2, 3})));
  EXPECT_EQ(cluster.nodes[0]->ledger->committed_height(), 0u);
  EXPECT_GE(cluster.core(0).counters().dropped_state_divergence, 1u);
  ASSERT_TRUE(cluster.core(0).halt_reason().has_value());
  EXPECT_NE(cluster.core(0).halt_reason()->find("computed"), std::string::npos);
}

// Proves that the mempool shortcut compares signatures: a proposal carrying
// a pooled transfer with a zeroed signature gets no vote.
TEST(CoreSafetyTest, PooledTransferWithAnotherSignatureIsRefused) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  const v1::SignedTransfer pooled = cluster.Payment(0, 0);
  ASSERT_TRUE(cluster.Submit(0, pooled).ok());
  v1::SignedTransfer zeroed = pooled;
  zeroed.set_signature(std::string(kSignatureBytes, '\0'));
  ChainBuilder builder(cluster.chain);
  const v1::Block block = builder.NextBlock(1, 1, {zeroed});
  cluster.Deliver(1, 0, AsMessage(cluster.sign.Proposal(1, block, cluster.genesis_qc())));
  EXPECT_FALSE(Voted(cluster, 0, 1));
  EXPECT_GE(cluster.core(0).counters().dropped_bad_block, 1u);
}

// Proves that transfers inside a proposal obey the admission rules on bytes:
// no unknown fields (the hashes do not cover them), at most
// kSignedTransferBytesMax bytes.
TEST(CoreSafetyTest, TransfersWithUnknownFieldsOrTooManyBytesAreRefused) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  v1::SignedTransfer unknown_outer = cluster.Payment(0, 0);
  unknown_outer.GetReflection()->MutableUnknownFields(&unknown_outer)->AddVarint(1000, 7);
  v1::SignedTransfer unknown_inner = cluster.Payment(0, 0);
  v1::Transfer& inner = *unknown_inner.mutable_transfer();
  inner.GetReflection()->MutableUnknownFields(&inner)->AddVarint(1000, 7);
  v1::SignedTransfer too_big = cluster.Payment(0, 0);
  too_big.GetReflection()->MutableUnknownFields(&too_big)->AddLengthDelimited(
      1001, std::string(kSignedTransferBytesMax, 'j'));
  uint32_t to = 0;
  for (const v1::SignedTransfer& transfer : {unknown_outer, unknown_inner, too_big}) {
    ChainBuilder builder(cluster.chain);
    const v1::Block block = builder.NextBlock(1, 1, {transfer});
    cluster.Deliver(1, to, AsMessage(cluster.sign.Proposal(1, block, cluster.genesis_qc())));
    EXPECT_FALSE(Voted(cluster, to, 1)) << "validator " << to;
    ++to;
    if (to == 1) ++to;
  }
}

}  // namespace
}  // namespace remit::testing
