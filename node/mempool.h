// Transfers admitted but not yet final, ordered per sender by sequence.
// Single-threaded: owned by the validator's event loop.
//
// Admission against committed state (see Add); a transfer leaves the pool
// when it gets its final outcome, when its sequence is consumed by another
// transfer, or when it expires unorderable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/state.h"
#include "ledger/types.h"
#include "node/limits.h"
#include "remit/v1/types.pb.h"

namespace remit {

struct PendingTransfer {
  v1::SignedTransfer signed_transfer;
  TransferId id{};
  AccountId from{};
  uint64_t sequence = 0;
  uint64_t expiry_unix_ms = 0;
};

class Mempool {
 public:
  enum class Admission { kAdded, kAlreadyPending };
  // What Add does with a transfer that cannot execute now (a sequence ahead
  // of the sender's next, with a missing sequence between): admit it to wait
  // for the missing ones, or refuse it (Settle: docs/API.md, SEQUENCE_GAP).
  enum class Gap { kWait, kRefuse };
  using NextSequenceFn = std::function<uint64_t(const AccountId&)>;

  explicit Mempool(const NodeLimits& limits);

  // Admits a transfer that passed CheckTransfer, given the sender's committed
  // next sequence. kAlreadyPending if the same id is pooled. Refuses with
  // FAILED_PRECONDITION: sequence already used, sequence beyond the window,
  // sequence taken by another pending transfer, expired; with
  // RESOURCE_EXHAUSTED: pool full, sender's share full.
  //
  // A transfer that could execute now (its sequence is the sender's next, or
  // follows an unbroken run of the sender's pending ones from the next) is
  // not refused for space that transfers which cannot execute hold:
  //  - if the sender's share is full, it takes the place of the sender's
  //    highest pending sequence, when that is higher than its own;
  //  - if the pool is full, it takes the place of the highest pending
  //    sequence of a sender whose next sequence is missing from the pool
  //    (found with `next_sequence` among at most kEvictionScanSendersMax
  //    senders; without `next_sequence`, nothing is displaced).
  // Displaced transfers are reported by TakeEvicted.
  //
  // With Gap::kRefuse, a transfer that cannot execute now is refused with
  // FAILED_PRECONDITION (sequence_gap, naming the first missing sequence)
  // and not pooled; if the same id is pooled already, it stays pooled and
  // the refusal says so.
  absl::StatusOr<Admission> Add(PendingTransfer transfer, uint64_t committed_next_sequence,
                                uint64_t now_unix_ms, const NextSequenceFn& next_sequence = {},
                                Gap gap = Gap::kWait);

  // Transfers displaced by Add since the last call, each with the refusal to
  // give whoever waits for it (RESOURCE_EXHAUSTED naming what to do).
  std::vector<std::pair<TransferId, absl::Status>> TakeEvicted();

  // Up to `max` transfers that can execute now: for each sender, the run of
  // consecutive sequences starting at its next sequence. Senders are served
  // round-robin across calls so that one busy sender cannot starve others.
  std::vector<v1::SignedTransfer> Ready(size_t max, const NextSequenceFn& next_sequence);

  // Removes transfers made final by a committed block, and every transfer
  // whose sequence the block consumed; returns the ids of the latter (they
  // can never execute: their senders must sign again).
  std::vector<TransferId> OnCommitted(const BlockEffects& effects);

  // Removes expired transfers that cannot execute next (their sequence is not
  // the sender's next), returning their ids so that waiters can be told.
  std::vector<TransferId> DropExpired(uint64_t now_unix_ms, const NextSequenceFn& next_sequence);

  // True if Ready would return anything: some sender's lowest pending
  // sequence is its next one. Transfers waiting behind a missing earlier
  // sequence (lost with a crashed validator, say) do not count.
  bool HasReady(const NextSequenceFn& next_sequence) const;

  bool Contains(const TransferId& id) const { return by_id_.contains(id); }
  // The pooled transfer with this id (its signature included), or nullptr.
  const v1::SignedTransfer* Find(const TransferId& id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second.signed_transfer;
  }
  size_t size() const { return by_id_.size(); }
  // Changes whenever a transfer enters or leaves the pool.
  uint64_t version() const { return version_; }

 private:
  void Remove(const TransferId& id);
  // True if `sequence` is the sender's next or follows an unbroken run of
  // pending sequences from it.
  static bool CanExecuteNow(const std::map<uint64_t, TransferId>& queue, uint64_t sequence,
                            uint64_t committed_next_sequence);
  // The sequence_gap refusal of `transfer`, which cannot execute now.
  static absl::Status GapRefusal(const std::map<uint64_t, TransferId>& queue,
                                 const PendingTransfer& transfer, uint64_t committed_next_sequence,
                                 bool stays_pending);
  // Displaces the highest pending sequence of a sender that cannot execute
  // anything now; false if none was found.
  bool EvictFromBlockedSender(const NextSequenceFn& next_sequence);

  NodeLimits limits_;
  std::map<TransferId, PendingTransfer> by_id_;
  // sender -> sequence -> id
  std::map<AccountId, std::map<uint64_t, TransferId>> by_sender_;
  AccountId last_served_{};
  AccountId last_eviction_scanned_{};
  std::vector<std::pair<TransferId, absl::Status>> evicted_;
  uint64_t version_ = 0;
};

}  // namespace remit
