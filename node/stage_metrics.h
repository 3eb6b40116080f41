// StageMetrics: where a transfer's time goes on the validator it was sent
// to, and what that validator committed. A transfer's life there has six
// points (docs/ARCHITECTURE.md §3):
//
//   arrival    the Settle or SettleBatch call reached the node
//   admitted   it entered the mempool
//   proposed   a block carrying it was executed and saved here, before this
//              validator's proposal or vote on it left
//   certified  a quorum certificate on that block was saved here
//   committed  the block is durable in the ledger
//   answered   the waiting call was completed with the receipt
//
// and remit_transfer_stage_seconds{stage} measures the time from each point
// to the next (stage="admitted" is arrival -> admitted, and so on), once per
// transfer answered, so every stage's count equals the number of waiting
// calls answered with a receipt and the stages add up to
// remit_transfer_settle_seconds. A point this validator did not see (a block
// that arrived with its certificate, by fetch or sync) counts as reached
// with the next one: a stage of 0. Only transfers that a call waits for are
// followed; at most kStageTransfersTrackedMax at once, each at most
// kStageTrackUsMax (one that is never answered is forgotten then).
//
// It also counts every committed transfer by outcome
// (remit_transfers_final_total) and committed blocks.
//
// Thread safety: every method may be called from any thread (they are
// called from the event loop's); the registry renders concurrently.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "ledger/state.h"
#include "ledger/types.h"
#include "node/clock.h"
#include "node/metrics.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

inline constexpr size_t kStageTransfersTrackedMax = 1u << 20;
inline constexpr uint64_t kStageTrackUsMax = 120'000'000;
// Blocks whose certificate is still awaited.
inline constexpr size_t kStageBlocksTrackedMax = 4'096;

class StageMetrics {
 public:
  // Registers its metrics in `registry`; both must outlive it.
  StageMetrics(MetricsRegistry& registry, const Clock& clock);

  // `arrival_us` is Clock::MonotonicUs when the call arrived.
  void Admitted(const TransferId& id, uint64_t arrival_us);
  void Proposed(const v1::Block& block, const Hash32& block_hash);
  void Certified(const Hash32& block_hash);
  void Committed(const BlockEffects& effects);
  void Answered(const BlockEffects& effects);

  // Transfers followed now (for tests).
  size_t tracked() const;

 private:
  enum Point { kArrival, kAdmitted, kProposed, kCertified, kCommitted, kPoints };
  struct Times {
    uint64_t at_us[kPoints] = {};
  };
  struct IdHash {
    size_t operator()(const TransferId& id) const;
  };

  void Observe(const Times& times, uint64_t answered_us);
  void Forget(uint64_t now_us);

  const Clock& clock_;
  Histogram* stages_[kPoints] = {};  // [p]: point p-1 (or p) -> p; [0] unused
  Histogram& answered_;              // committed -> answered
  Histogram& settle_;                // arrival -> answered
  Counter& blocks_committed_;
  std::map<int, Counter*> final_by_outcome_;  // v1::Outcome -> its counter

  mutable std::mutex mu_;
  std::unordered_map<TransferId, Times, IdHash> tracked_;
  std::deque<std::pair<uint64_t, TransferId>> admitted_order_;  // (admitted_us, id)
  std::map<Hash32, std::vector<TransferId>> blocks_;            // tracked transfers by block
  std::deque<Hash32> block_order_;
};

// One-line hooks for the event loop: each does nothing when `stages` is null
// (no metrics_listen).
inline void StageAdmitted(StageMetrics* stages, const TransferId& id, uint64_t arrival_us) {
  if (stages != nullptr) stages->Admitted(id, arrival_us);
}
inline void StageCommitted(StageMetrics* stages, const BlockEffects& effects) {
  if (stages != nullptr) stages->Committed(effects);
}
inline void StageAnswered(StageMetrics* stages, const BlockEffects& effects) {
  if (stages != nullptr) stages->Answered(effects);
}

}  // namespace remit
