// Liveness of the consensus core: who leads, what a restart restores, and
// what keeps rounds timing out.
#include <gtest/gtest.h>

#include "tests/node/core_cluster.h"

namespace remit::testing {
namespace {

const auto kDropAll = [](const Sent&) { return true; };

v1::ConsensusMessage AsMessage(const v1::QuorumCert& qc) {
  v1::ConsensusMessage message;
  *message.mutable_sync_info()->mutable_high_qc() = qc;
  return message;
}

void ExpectSameLeaders(const ConsensusCore& a, const ConsensusCore& b, uint64_t first_round,
                       uint64_t last_round) {
  for (uint64_t round = first_round; round <= last_round; ++round) {
    EXPECT_EQ(a.election().LeaderOf(round), b.election().LeaderOf(round)) << "round " << round;
  }
}

// Certified empty blocks at rounds 1, 2, then 4..last: round 3 (validator
// 3's) failed and validator 3 never proposes or votes again. The proposer
// of each round is its round-robin leader, or validator 0 in 3's rounds.
void BuildChainWithout3(ChainBuilder& builder, uint64_t last_round,
                        const std::vector<uint32_t>& signers = {0, 1, 2}) {
  for (uint64_t round = 1; round <= last_round; ++round) {
    if (round == 3) continue;
    const auto proposer = static_cast<uint32_t>(round % 4 == 3 ? 0 : round % 4);
    builder.Append(round, proposer, signers);
  }
}

// Proves that leader election reads no unhashed data: two honest
// validators that commit the same blocks, certified by QCs with different
// signer sets (a Byzantine leader's choice), name the same leaders.
TEST(CoreLivenessTest, DifferentlySignedQcsForTheSameBlocksNameTheSameLeader) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  ChainBuilder with_0(cluster.chain);
  ChainBuilder with_3(cluster.chain);
  for (uint64_t round = 1; round <= 14; ++round) {
    if (round == 3) continue;
    const auto proposer = static_cast<uint32_t>(round % 4 == 3 ? 0 : round % 4);
    const v1::Block block = with_0.NextBlock(round, proposer);
    with_0.Append(block, {0, 1, 2});
    with_3.Append(block,
                  round == 8 ? std::vector<uint32_t>{1, 2, 3} : std::vector<uint32_t>{0, 1, 2});
  }
  cluster.Deliver(2, 0, with_0.Response(0, with_0.blocks().size()));
  cluster.Deliver(2, 1, with_3.Response(0, with_3.blocks().size()));
  ASSERT_EQ(cluster.nodes[0]->ledger->committed_height(), 12u);
  ASSERT_EQ(cluster.nodes[1]->ledger->committed_height(), 12u);
  // Every round whose leader the committed history (up to round 13) decides.
  ExpectSameLeaders(cluster.core(0), cluster.core(1), 5, 16);
}

// Confirms and proves fixed: a validator restarted on a long committed
// chain restores as much history as leader election reads (its window),
// so it names the same leaders as one that never restarted.
TEST(CoreLivenessTest, RestartedValidatorNamesTheSameLeadersAsTheOthers) {
  CoreCluster cluster(4);
  cluster.drop = kDropAll;
  ChainBuilder builder(cluster.chain);
  BuildChainWithout3(builder, 151);
  // Validator 1 commits the chain as it comes; validator 0 restarts on it.
  cluster.StartAll();
  const size_t count = builder.blocks().size();
  cluster.Deliver(2, 1, builder.Response(0, count / 2));
  cluster.Deliver(2, 1, builder.Response(count / 2, count));
  const uint64_t height = cluster.nodes[1]->ledger->committed_height();
  ASSERT_EQ(height, count - 1);
  sim::MemLedger restored(cluster.chain.genesis);
  for (size_t i = 0; i + 1 < count; ++i) {
    const v1::CertifiedBlock& block = builder.blocks()[i];
    const auto committed = builder.ledger().GetBlock(i + 1);
    ASSERT_TRUE(committed.ok());
    BlockEffects effects = ExecuteBlock(cluster.chain.genesis, restored.state(),
                                        restored.committed_state_hash(), block.block());
    ASSERT_TRUE(restored.Commit(block.block(), effects, block.qc(), nullptr).ok());
  }
  *cluster.nodes[0]->ledger = restored;
  cluster.Restart(0);
  // Rounds whose leader the committed history decides (up to the committed
  // round plus exclude_rounds), near the head.
  ExpectSameLeaders(cluster.core(0), cluster.core(1), 140, 153);
}

// Confirms and proves fixed: validators whose wall clocks were stepped back
// a minute behind the head's timestamp (more than the drift bound) do not
// abort when they lead; the chain goes on once the clocks are within the
// bound again.
TEST(CoreLivenessTest, LeaderWithItsClockSteppedBackStillProposes) {
  CoreCluster cluster(4);
  cluster.StartAll();
  // Settles `payment` everywhere.
  auto settle = [&](const v1::SignedTransfer& payment) {
    cluster.SubmitEverywhere(payment);
    const TransferId id = ComputeTransferId(payment.transfer());
    return cluster.RunUntil(
        [&] {
          for (const auto& node : cluster.nodes) {
            if (!node->ledger->HasTransfer(id)) return false;
          }
          return true;
        },
        180'000);
  };
  for (auto& node : cluster.nodes) node->clock.unix_ms += 60'000;
  ASSERT_TRUE(settle(cluster.Payment(0, 0)));  // the head is a minute ahead of what follows
  for (auto& node : cluster.nodes) node->clock.unix_ms -= 60'000;
  EXPECT_TRUE(settle(cluster.Payment(0, 1)));
}

// Confirms and proves fixed: certified blocks are not refused for a
// timestamp ahead of the receiver's clock (a quorum accepted them); only
// proposals are held to the drift bound.
TEST(CoreLivenessTest, CertifiedBlocksAreAcceptedWithTheClockBehind) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  ChainBuilder builder(cluster.chain);
  for (uint64_t round = 1; round <= 4; ++round) builder.Append(round, round % 4, {0, 1, 2});
  cluster.nodes[0]->clock.unix_ms -= 60'000;
  cluster.Deliver(1, 0, builder.Response(0, 4));
  EXPECT_EQ(cluster.nodes[0]->ledger->committed_height(), 3u);
}

// Confirms and proves fixed: the highest QC seen is persisted with the
// one_chain_round it raises, so a validator that saw a QC for a block it
// lacks and timed out still holds that QC after a restart.
TEST(CoreLivenessTest, HighestQcSurvivesARestart) {
  CoreCluster cluster(4);
  cluster.StartSilent();
  ChainBuilder builder(cluster.chain);
  const v1::CertifiedBlock block_1 = builder.Append(1, 1, {1, 2, 3});
  cluster.Deliver(1, 0, AsMessage(block_1.qc()));
  ASSERT_EQ(cluster.core(0).high_qc().vote_data().round(), 1u);
  ASSERT_TRUE(cluster.RunUntil(
      [&] { return !cluster.Logged(v1::ConsensusMessage::kTimeout, 0).empty(); }, 30'000));
  cluster.Restart(0);
  EXPECT_EQ(cluster.core(0).high_qc().vote_data().round(), 1u);
}

// Confirms and proves fixed: a QC below the highest one for a block nobody
// serves (a certified block of an abandoned fork) does not keep an idle
// cluster timing out.
TEST(CoreLivenessTest, UnservedLowerQcDoesNotKeepAnIdleClusterTimingOut) {
  CoreCluster cluster(4);
  cluster.StartAll();
  cluster.SubmitEverywhere(cluster.Payment(0, 0));
  ASSERT_TRUE(cluster.RunUntil([&] { return cluster.CommittedHeightMin() >= 1; }, 60'000));
  cluster.RunUntil([] { return false; }, 10'000);  // settle: idle
  const ConsensusCore& core = cluster.core(3);
  const uint64_t high_round = core.high_qc().vote_data().round();
  ASSERT_GE(high_round, 2u);
  v1::VoteData fork;
  fork.set_block_hash(std::string(kHashBytes, 'f'));
  fork.set_round(high_round - 1);
  fork.set_height(cluster.nodes[3]->ledger->committed_height() + 1);
  fork.set_parent_hash(ToString(cluster.nodes[3]->ledger->committed_block_hash()));
  fork.set_parent_round(0);
  fork.set_state_hash(std::string(kHashBytes, 's'));
  const size_t timeouts_before = cluster.Logged(v1::ConsensusMessage::kTimeout).size();
  cluster.Deliver(0, 3, AsMessage(cluster.sign.Qc(fork, {0, 1, 2})));
  cluster.RunUntil([] { return false; }, 60'000);
  EXPECT_EQ(cluster.Logged(v1::ConsensusMessage::kTimeout).size(), timeouts_before);
}

// The leader election parameters come from genesis: optional keys whose
// defaults leave older genesis files (and their hash) as they were, and
// which every core of the chain uses.
TEST(CoreLivenessTest, LeaderElectionParametersComeFromGenesis) {
  const TestChain chain = TestChain::Make(1, 4);
  Genesis tuned = chain.genesis;
  tuned.leader_exclude_rounds = 2;
  tuned.leader_window_rounds = 50;
  const auto parsed = ParseGenesis(GenesisToJson(tuned));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->leader_exclude_rounds, 2u);
  EXPECT_EQ(parsed->leader_window_rounds, 50u);
  EXPECT_NE(GenesisHash(tuned), GenesisHash(chain.genesis));
  Genesis defaults = chain.genesis;
  defaults.leader_exclude_rounds = kLeaderExcludeRoundsDefault;
  EXPECT_EQ(GenesisToJson(defaults).find("leader_"), std::string::npos);
  EXPECT_EQ(GenesisHash(defaults), GenesisHash(chain.genesis));
  tuned.leader_exclude_rounds = 0;
  EXPECT_FALSE(ParseGenesis(GenesisToJson(tuned)).ok());

  // With exclude 2 the failure of round 3 decides round 7 (anchor 5), which
  // the default of 4 would leave to round-robin (no history reaches it).
  CoreCluster cluster(4);
  cluster.chain.genesis.leader_exclude_rounds = 2;
  cluster.ResetLedgers();
  cluster.StartSilent();
  ChainBuilder builder(cluster.chain);
  BuildChainWithout3(builder, 6);
  cluster.Deliver(1, 0, builder.Response(0, builder.blocks().size()));
  ASSERT_EQ(cluster.nodes[0]->ledger->committed_height(), 4u);  // up to round 5
  EXPECT_EQ(cluster.core(0).election().LeaderOf(7), 0u);
}

}  // namespace
}  // namespace remit::testing
