// The simulator's checks and audits flag what they exist to catch: each is
// fed a violation (a block with a zeroed signature, a claim ended twice, an
// asset that no longer sums to zero, a double vote, two leaders named for
// one round, a bound exceeded) and must report it, and is fed the honest
// counterpart and must not.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/executor.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "tests/sim/audits.h"
#include "tests/sim/checks.h"
#include "tests/sim/mem_ledger.h"
#include "tests/sim/workload.h"

namespace remit::sim {
namespace {

class SimCommitChecksTest : public ::testing::Test {
 protected:
  SimCommitChecksTest() : workload_(4) {
    genesis_.chain_id = "remit-sim-test";
    genesis_.genesis_time_unix_ms = 1'700'000'000'000;
    workload_.AddToGenesis(genesis_);
    Seed seed{};
    seed.fill(9);
    validator_ = std::make_unique<SigningKey>(SigningKey::FromSeed(seed));
    genesis_.validators.push_back({validator_->public_key(), "sim:0"});
    REMIT_CHECK(ValidateGenesis(genesis_).ok());
    workload_.Bind(genesis_);
    ledger_ = std::make_unique<MemLedger>(genesis_);
    checks_ = std::make_unique<CommitChecks>(genesis_, workload_.AssetCodes());
  }

  v1::Block NextBlock(const std::vector<v1::SignedTransfer>& entries) const {
    v1::Block block;
    v1::BlockHeader& header = *block.mutable_header();
    header.set_chain_id(genesis_.chain_id);
    header.set_height(ledger_->committed_height() + 1);
    header.set_round(header.height());
    header.set_parent_hash(ToString(ledger_->committed_block_hash()));
    header.set_timestamp_unix_ms(genesis_.genesis_time_unix_ms + 1'000 * header.height());
    header.set_parent_state_hash(ToString(ledger_->committed_state_hash()));
    header.set_proposer(ToString(validator_->public_key()));
    for (const v1::SignedTransfer& entry : entries) *block.add_transfers() = entry;
    header.set_payload_hash(ToString(ComputePayloadHash(block)));
    return block;
  }

  // Executes and commits `entries` (effects changed by `tamper` first) and
  // returns what the checks report.
  std::vector<std::string> Commit(const std::vector<v1::SignedTransfer>& entries,
                                  const std::function<void(BlockEffects&)>& tamper = {}) {
    const v1::Block block = NextBlock(entries);
    BlockEffects effects = ExecuteBlock(genesis_, *ledger_, ledger_->committed_state_hash(), block);
    if (tamper) tamper(effects);
    REMIT_CHECK(ledger_->Commit(block, effects, v1::QuorumCert(), nullptr).ok());
    std::vector<std::string> violations;
    checks_->OnCommit(0, *ledger_, effects, violations);
    return violations;
  }

  v1::SignedTransfer Next(uint32_t client, uint64_t sequence) {
    return workload_.Next(client, sequence, genesis_.genesis_time_unix_ms, rng_);
  }

  Genesis genesis_;
  Workload workload_;
  std::mt19937_64 rng_{7};
  std::unique_ptr<SigningKey> validator_;
  std::unique_ptr<MemLedger> ledger_;
  std::unique_ptr<CommitChecks> checks_;
};

// Honest blocks of the workload's operations pass every check.
TEST_F(SimCommitChecksTest, HonestBlocksPass) {
  for (uint64_t sequence = 0; sequence < 30; ++sequence) {
    std::vector<v1::SignedTransfer> entries;
    for (uint32_t client = 0; client < workload_.clients(); ++client) {
      entries.push_back(Next(client, sequence));
    }
    for (const std::string& violation : Commit(entries)) ADD_FAILURE() << violation;
    for (uint32_t client = 0; client < workload_.clients(); ++client) {
      const auto record = ledger_->records().find(OperationId(entries[client]));
      ASSERT_NE(record, ledger_->records().end());
      workload_.OnReceipt(client, entries[client], record->second.receipt());
    }
  }
}

// A committed entry whose signature was zeroed is flagged.
TEST_F(SimCommitChecksTest, FlagsAnEntryWhoseSignatureDoesNotVerify) {
  v1::SignedTransfer entry = Next(0, 0);
  entry.set_signature(std::string(kSignatureBytes, '\0'));
  const std::vector<std::string> violations = Commit({entry});
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].find("fails its checks"), std::string::npos) << violations[0];
}

// A balance changed without its counterpart makes the asset's sum nonzero.
TEST_F(SimCommitChecksTest, FlagsAnAssetThatNoLongerSumsToZero) {
  const std::vector<std::string> violations = Commit({}, [this](BlockEffects& effects) {
    effects.balances[{workload_.key(0).public_key(), "EUR"}] = 1;
  });
  ASSERT_FALSE(violations.empty());
  EXPECT_NE(violations[0].find("EUR sums to"), std::string::npos) << violations[0];
}

// The same claim ended (SETTLED claim or reclaim) in two blocks is flagged.
TEST_F(SimCommitChecksTest, FlagsAClaimEndedTwice) {
  const Hash32 claim_id = Blake2b256("a claim");
  const auto ended = [&](BlockEffects& effects) {
    v1::Operation op;
    op.mutable_reclaim()->set_claim_id(ToString(claim_id));
    v1::TransferRecord& record = effects.records.emplace_back();
    *record.mutable_signed_transfer()->mutable_operation() = op;
    record.mutable_receipt()->set_outcome(v1::SETTLED);
    record.mutable_receipt()->set_claim_id(ToString(claim_id));
    record.mutable_receipt()->set_transfer_id(ToString(Blake2b256(StrCat("end", effects.height))));
  };
  std::vector<std::string> first = Commit({}, ended);
  ASSERT_EQ(first.size(), 1u);  // the claim is not closed in the ledger
  EXPECT_NE(first[0].find("is not closed"), std::string::npos) << first[0];
  const std::vector<std::string> second = Commit({}, ended);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].find("ended 2 times"), std::string::npos) << second[0];
}

v1::ConsensusMessage VoteFor(uint64_t round, const std::string& block_hash) {
  v1::ConsensusMessage message;
  message.mutable_vote()->mutable_vote_data()->set_round(round);
  message.mutable_vote()->mutable_vote_data()->set_block_hash(block_hash);
  return message;
}

// Two different votes (or proposals) for one round are flagged; the same
// vote sent twice, or votes for different rounds, are not.
TEST(SimSigningAuditTest, FlagsTwoDifferentSignaturesForOneRound) {
  SigningAudit audit;
  std::vector<std::string> violations;
  audit.OnSend(1, VoteFor(5, "a"), violations);
  audit.OnSend(1, VoteFor(5, "a"), violations);
  audit.OnSend(1, VoteFor(6, "b"), violations);
  audit.OnSend(2, VoteFor(5, "b"), violations);
  EXPECT_TRUE(violations.empty());
  audit.OnSend(1, VoteFor(5, "b"), violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].find("two different votes for round 5"), std::string::npos);
  v1::ConsensusMessage proposal;
  proposal.mutable_proposal()->mutable_block()->mutable_header()->set_round(7);
  audit.OnSend(3, proposal, violations);
  proposal.mutable_proposal()->mutable_block()->mutable_header()->set_timestamp_unix_ms(1);
  audit.OnSend(3, proposal, violations);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_NE(violations[1].find("two different proposals for round 7"), std::string::npos);
}

// Two validators naming different leaders for a round their committed chains
// cover are flagged; one whose chain does not cover it is not compared.
TEST(SimLeaderAuditTest, FlagsTwoLeadersForOneRound) {
  LeaderAudit audit(/*exclude_rounds=*/4);
  std::vector<std::string> violations;
  audit.OnRound(0, 10, /*committed_round=*/7, /*leader=*/2, violations);
  audit.OnRound(1, 10, 6, 3, violations);  // its history up to round 6 may still grow
  audit.OnRound(2, 10, 9, 2, violations);
  EXPECT_TRUE(violations.empty());
  audit.OnRound(3, 10, 8, 1, violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_NE(violations[0].find("leader of round 10"), std::string::npos) << violations[0];
}

// Votes or pending transfers above their bounds, and block responses to one
// peer beyond the serving rate limits, are flagged (once each).
TEST(SimBoundsAuditTest, FlagsWhatExceedsItsBound) {
  ConsensusOptions options;
  const Bounds bounds = BoundsOf(options, 4, /*run_ms=*/100, /*mempool_transfers_max=*/10);
  EXPECT_EQ(bounds.votes_held_max, 4 * (options.rounds_ahead_max + 2));
  BoundsAudit audit(bounds);
  std::vector<std::string> violations;
  audit.OnState(0, bounds.votes_held_max, 10, violations);
  EXPECT_TRUE(violations.empty());
  audit.OnState(0, bounds.votes_held_max + 1, 11, violations);
  audit.OnState(0, bounds.votes_held_max + 1, 11, violations);
  ASSERT_EQ(violations.size(), 2u);
  v1::ConsensusMessage response;
  response.mutable_block_response();
  for (uint64_t i = 0; i < bounds.responses_per_peer_max; ++i)
    audit.OnSend(0, 1, response, violations);
  EXPECT_EQ(violations.size(), 2u);
  audit.OnSend(0, 1, response, violations);
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_NE(violations[2].find("block responses"), std::string::npos);
}

}  // namespace
}  // namespace remit::sim
