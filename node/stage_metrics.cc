#include "node/stage_metrics.h"

#include <cstring>

#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "remit/v1/types.pb.h"

namespace remit {
namespace {

constexpr const char* kStageHelp =
    "Time from each point of a transfer's life on the validator it was sent to until the next "
    "(stage names the later point: admitted, proposed, certified, committed, answered).";

}  // namespace

size_t StageMetrics::IdHash::operator()(const TransferId& id) const {
  size_t hash = 0;  // the id is a BLAKE2b digest: any 8 bytes of it are uniform
  std::memcpy(&hash, id.data(), sizeof(hash));
  return hash;
}

StageMetrics::StageMetrics(MetricsRegistry& registry, const Clock& clock)
    : clock_(clock),
      answered_(registry.AddHistogram("remit_transfer_stage_seconds", kStageHelp,
                                      {{"stage", "answered"}}, Histogram::LatencyBoundsUs())),
      settle_(registry.AddHistogram(
          "remit_transfer_settle_seconds",
          "Time from a waiting call's arrival to its answer with the receipt, on this validator.",
          {}, Histogram::LatencyBoundsUs())),
      blocks_committed_(registry.AddCounter("remit_blocks_committed_total",
                                            "Blocks committed by this validator.")) {
  static constexpr const char* kStageNames[kPoints] = {"", "admitted", "proposed", "certified",
                                                       "committed"};
  for (int point = kAdmitted; point < kPoints; ++point) {
    stages_[point] =
        &registry.AddHistogram("remit_transfer_stage_seconds", kStageHelp,
                               {{"stage", kStageNames[point]}}, Histogram::LatencyBoundsUs());
  }
  const google::protobuf::EnumDescriptor* outcomes = v1::Outcome_descriptor();
  for (int i = 0; i < outcomes->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* outcome = outcomes->value(i);
    if (outcome->number() == v1::OUTCOME_UNSPECIFIED) continue;
    final_by_outcome_[outcome->number()] = &registry.AddCounter(
        "remit_transfers_final_total",
        "Transfers that reached a final outcome in a block this validator committed.",
        {{"outcome", outcome->name()}});
  }
}

void StageMetrics::Admitted(const TransferId& id, uint64_t arrival_us) {
  const uint64_t now_us = clock_.MonotonicUs();
  std::lock_guard lock(mu_);
  Forget(now_us);
  Times times;
  times.at_us[kArrival] = arrival_us;
  times.at_us[kAdmitted] = now_us;
  // A second call for the same transfer keeps the first one's times.
  if (tracked_.emplace(id, times).second) admitted_order_.emplace_back(now_us, id);
}

void StageMetrics::Proposed(const v1::Block& block, const Hash32& block_hash) {
  std::lock_guard lock(mu_);
  if (tracked_.empty() || blocks_.contains(block_hash)) return;
  const uint64_t now_us = clock_.MonotonicUs();
  std::vector<TransferId> ids;
  for (const v1::SignedTransfer& transfer : block.transfers()) {
    const auto it = tracked_.find(OperationId(transfer));
    if (it == tracked_.end() || it->second.at_us[kProposed] != 0) continue;
    it->second.at_us[kProposed] = now_us;
    ids.push_back(it->first);
  }
  if (ids.empty()) return;
  if (block_order_.size() >= kStageBlocksTrackedMax) {
    blocks_.erase(block_order_.front());
    block_order_.pop_front();
  }
  blocks_.emplace(block_hash, std::move(ids));
  block_order_.push_back(block_hash);
}

void StageMetrics::Certified(const Hash32& block_hash) {
  std::lock_guard lock(mu_);
  const auto block = blocks_.find(block_hash);
  if (block == blocks_.end()) return;
  const uint64_t now_us = clock_.MonotonicUs();
  for (const TransferId& id : block->second) {
    const auto it = tracked_.find(id);
    if (it != tracked_.end() && it->second.at_us[kCertified] == 0) {
      it->second.at_us[kCertified] = now_us;
    }
  }
  blocks_.erase(block);  // its hash stays in block_order_ until it ages out
}

void StageMetrics::Committed(const BlockEffects& effects) {
  blocks_committed_.Add();
  for (const v1::TransferRecord& record : effects.records) {
    const auto counter = final_by_outcome_.find(record.receipt().outcome());
    if (counter != final_by_outcome_.end()) counter->second->Add();
  }
  std::lock_guard lock(mu_);
  if (tracked_.empty()) return;
  const uint64_t now_us = clock_.MonotonicUs();
  for (const v1::TransferRecord& record : effects.records) {
    const auto id = ToArray<kHashBytes>(record.receipt().transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    const auto it = tracked_.find(*id);
    if (it != tracked_.end()) it->second.at_us[kCommitted] = now_us;
  }
}

void StageMetrics::Answered(const BlockEffects& effects) {
  std::lock_guard lock(mu_);
  if (tracked_.empty()) return;
  const uint64_t now_us = clock_.MonotonicUs();
  for (const v1::TransferRecord& record : effects.records) {
    const auto id = ToArray<kHashBytes>(record.receipt().transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    const auto it = tracked_.find(*id);
    if (it == tracked_.end()) continue;
    Observe(it->second, now_us);
    tracked_.erase(it);
  }
}

size_t StageMetrics::tracked() const {
  std::lock_guard lock(mu_);
  return tracked_.size();
}

void StageMetrics::Observe(const Times& times, uint64_t answered_us) {
  // A point not seen here is reached with the next one that was.
  uint64_t at_us[kPoints + 1];
  at_us[kPoints] = answered_us;
  for (int point = kPoints - 1; point >= 0; --point) {
    at_us[point] =
        times.at_us[point] != 0 ? std::min(times.at_us[point], at_us[point + 1]) : at_us[point + 1];
  }
  for (int point = kAdmitted; point < kPoints; ++point) {
    stages_[point]->ObserveUs(at_us[point] >= at_us[point - 1] ? at_us[point] - at_us[point - 1]
                                                               : 0);
  }
  answered_.ObserveUs(answered_us - at_us[kCommitted]);
  settle_.ObserveUs(answered_us - at_us[kArrival]);
}

void StageMetrics::Forget(uint64_t now_us) {
  // Drops, oldest first, records of transfers answered since (they are
  // mostly answered in the order they came), too old, or beyond the bound.
  while (!admitted_order_.empty()) {
    const auto& [admitted_us, id] = admitted_order_.front();
    const auto it = tracked_.find(id);
    // Only the entry this record made: a later one of the same id is newer.
    const bool mine = it != tracked_.end() && it->second.at_us[kAdmitted] == admitted_us;
    if (mine && admitted_us + kStageTrackUsMax > now_us &&
        admitted_order_.size() < kStageTransfersTrackedMax) {
      break;
    }
    if (mine) tracked_.erase(it);
    admitted_order_.pop_front();
  }
}

}  // namespace remit
