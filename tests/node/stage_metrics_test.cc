// StageMetrics measures each stage of a transfer's life from the times its
// hooks are called (a manual clock, so the figures are exact), counts final
// outcomes, treats a point it never saw as reached with the next one, and
// forgets transfers once answered. StageSafetyStorage tells it of proposed
// and certified blocks only after the save it wraps.
#include "node/stage_metrics.h"

#include <gtest/gtest.h>

#include "ledger/block.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "node/consensus/mem_safety_storage.h"
#include "node/stage_metrics_storage.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

class ManualClock final : public Clock {
 public:
  uint64_t NowUnixMs() const override { return 0; }
  uint64_t MonotonicUs() const override { return now_us; }
  uint64_t now_us = 1'000;
};

// The value of the sample line that starts with `prefix` ("name{labels}").
std::string Sample(const std::string& page, const std::string& prefix) {
  const size_t at = page.find("\n" + prefix + " ");
  if (at == std::string::npos) return "missing";
  const size_t start = at + prefix.size() + 2;
  return page.substr(start, page.find('\n', start) - start);
}

class StageMetricsTest : public ::testing::Test {
 protected:
  v1::SignedTransfer TransferOf(uint64_t sequence) {
    return chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1, sequence);
  }
  static BlockEffects EffectsOf(const std::vector<v1::SignedTransfer>& transfers,
                                v1::Outcome outcome) {
    BlockEffects effects;
    for (const v1::SignedTransfer& transfer : transfers) {
      v1::TransferRecord& record = effects.records.emplace_back();
      record.mutable_receipt()->set_transfer_id(ToString(OperationId(transfer)));
      record.mutable_receipt()->set_outcome(outcome);
    }
    return effects;
  }

  testing::TestChain chain_ = testing::TestChain::Make(2);
  ManualClock clock_;
  MetricsRegistry registry_;
  StageMetrics stages_{registry_, clock_};
};

TEST_F(StageMetricsTest, EachStageIsTheTimeFromThePointBefore) {
  const v1::SignedTransfer transfer = TransferOf(0);
  v1::Block block;
  *block.add_transfers() = transfer;
  const Hash32 hash{1};
  stages_.Admitted(OperationId(transfer), /*arrival_us=*/900);  // admitted at 1,000
  clock_.now_us = 3'000;
  stages_.Proposed(block, hash);
  clock_.now_us = 7'000;
  stages_.Certified(hash);
  clock_.now_us = 15'000;
  const BlockEffects effects = EffectsOf({transfer}, v1::SETTLED);
  stages_.Committed(effects);
  clock_.now_us = 15'500;
  stages_.Answered(effects);

  const std::string page = registry_.Render();
  const std::string stage = "remit_transfer_stage_seconds_sum{stage=\"";
  EXPECT_EQ(Sample(page, stage + "admitted\"}"), "0.0001");
  EXPECT_EQ(Sample(page, stage + "proposed\"}"), "0.002");
  EXPECT_EQ(Sample(page, stage + "certified\"}"), "0.004");
  EXPECT_EQ(Sample(page, stage + "committed\"}"), "0.008");
  EXPECT_EQ(Sample(page, stage + "answered\"}"), "0.0005");
  EXPECT_EQ(Sample(page, "remit_transfer_settle_seconds_sum"), "0.0146");
  EXPECT_EQ(Sample(page, "remit_transfer_settle_seconds_count"), "1");
  EXPECT_EQ(Sample(page, "remit_transfers_final_total{outcome=\"SETTLED\"}"), "1");
  EXPECT_EQ(Sample(page, "remit_blocks_committed_total"), "1");
  EXPECT_EQ(stages_.tracked(), 0u);
}

// A block that came with its certificate (fetch or sync) was proposed and
// certified at once; a transfer nobody waits for is counted, not timed.
TEST_F(StageMetricsTest, UnseenPointsCountAsReachedWithTheNext) {
  const v1::SignedTransfer waited = TransferOf(0);
  const v1::SignedTransfer not_waited = TransferOf(1);
  stages_.Admitted(OperationId(waited), 1'000);
  clock_.now_us = 9'000;
  const BlockEffects effects = EffectsOf({waited, not_waited}, v1::INSUFFICIENT_FUNDS);
  stages_.Committed(effects);
  stages_.Answered(effects);

  const std::string page = registry_.Render();
  const std::string stage = "remit_transfer_stage_seconds_";
  EXPECT_EQ(Sample(page, stage + "sum{stage=\"proposed\"}"), "0.008");
  EXPECT_EQ(Sample(page, stage + "sum{stage=\"certified\"}"), "0");
  EXPECT_EQ(Sample(page, stage + "sum{stage=\"committed\"}"), "0");
  EXPECT_EQ(Sample(page, stage + "count{stage=\"committed\"}"), "1");
  EXPECT_EQ(Sample(page, "remit_transfers_final_total{outcome=\"INSUFFICIENT_FUNDS\"}"), "2");
  EXPECT_EQ(Sample(page, "remit_transfers_final_total{outcome=\"SETTLED\"}"), "0");
}

// The storage decorator saves first, then reports: a block without its QC
// as proposed, with it as certified.
TEST_F(StageMetricsTest, SafetyStorageReportsBlocksAfterSaving) {
  MemSafetyStorage inner;
  StageSafetyStorage storage(inner, stages_);
  const v1::SignedTransfer transfer = TransferOf(0);
  stages_.Admitted(OperationId(transfer), 1'000);
  SavedBlocksChange change;
  v1::CertifiedBlock& put = change.put.emplace_back();
  *put.mutable_block()->add_transfers() = transfer;
  v1::BlockHeader& header = *put.mutable_block()->mutable_header();
  header.set_height(1);
  header.set_parent_hash(std::string(kHashBytes, '\0'));
  header.set_parent_state_hash(std::string(kHashBytes, '\0'));
  header.set_payload_hash(std::string(kHashBytes, '\0'));
  header.set_proposer(std::string(kPublicKeyBytes, '\0'));
  clock_.now_us = 2'000;
  storage.Save(v1::SafetyData(), change);
  EXPECT_EQ(inner.Load().tree_size(), 1);
  put.mutable_qc()->mutable_vote_data()->set_round(1);
  clock_.now_us = 5'000;
  storage.Save(v1::SafetyData(), change);
  clock_.now_us = 6'000;
  const BlockEffects effects = EffectsOf({transfer}, v1::SETTLED);
  stages_.Committed(effects);
  stages_.Answered(effects);

  const std::string page = registry_.Render();
  const std::string stage = "remit_transfer_stage_seconds_sum{stage=\"";
  EXPECT_EQ(Sample(page, stage + "proposed\"}"), "0.001");
  EXPECT_EQ(Sample(page, stage + "certified\"}"), "0.003");
  EXPECT_EQ(Sample(page, stage + "committed\"}"), "0.001");
}

}  // namespace
}  // namespace remit
