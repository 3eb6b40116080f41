#include "node/mempool.h"

#include <algorithm>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

// Senders looked at, when the pool is full, for one whose transfers cannot
// execute; bounds the work one admission may cost. The scan resumes where
// the last one stopped, so that every sender is looked at in turn.
constexpr size_t kEvictionScanSendersMax = 64;

}  // namespace

Mempool::Mempool(const NodeLimits& limits) : limits_(limits) {}

absl::StatusOr<Mempool::Admission> Mempool::Add(PendingTransfer transfer,
                                                uint64_t committed_next_sequence,
                                                uint64_t now_unix_ms,
                                                const NextSequenceFn& next_sequence, Gap gap) {
  static const std::map<uint64_t, TransferId> kNoQueue;
  const auto found = by_sender_.find(transfer.from);
  const auto& queue = found != by_sender_.end() ? found->second : kNoQueue;
  if (by_id_.contains(transfer.id)) {
    if (gap == Gap::kRefuse && transfer.sequence > committed_next_sequence &&
        !CanExecuteNow(queue, transfer.sequence, committed_next_sequence)) {
      return GapRefusal(queue, transfer, committed_next_sequence, /*stays_pending=*/true);
    }
    return Admission::kAlreadyPending;
  }
  if (transfer.sequence < committed_next_sequence) {
    return absl::FailedPreconditionError(StrCat("sequence_used: sequence ", transfer.sequence,
                                                " is already used; the account's next sequence is ",
                                                committed_next_sequence,
                                                ": sign the transfer again with that sequence"));
  }
  if (transfer.sequence - committed_next_sequence >= limits_.sequence_window) {
    return absl::FailedPreconditionError(
        StrCat("sequence_window: sequence ", transfer.sequence,
               " is too far ahead of the account's next sequence ", committed_next_sequence,
               " (window ", limits_.sequence_window, "); send the earlier sequences first"));
  }
  if (transfer.expiry_unix_ms < now_unix_ms) {
    return absl::FailedPreconditionError(StrCat("expired: transfer expired at ",
                                                transfer.expiry_unix_ms,
                                                " ms; sign it again with a later expiry"));
  }
  if (const auto taken = queue.find(transfer.sequence); taken != queue.end()) {
    return absl::FailedPreconditionError(
        StrCat("sequence_taken: sequence ", transfer.sequence, " is taken by pending transfer ",
               ToHex(taken->second), "; wait for its receipt or use the next sequence"));
  }
  if (gap == Gap::kRefuse && !CanExecuteNow(queue, transfer.sequence, committed_next_sequence)) {
    return GapRefusal(queue, transfer, committed_next_sequence, /*stays_pending=*/false);
  }
  if (queue.size() >= limits_.mempool_sender_transfers_max) {
    if (!CanExecuteNow(queue, transfer.sequence, committed_next_sequence) ||
        queue.rbegin()->first < transfer.sequence) {
      return absl::ResourceExhaustedError(
          StrCat("sender_queue_full: this account already has ", queue.size(),
                 " transfers pending; wait for receipts before sending more"));
    }
    const TransferId displaced = queue.rbegin()->second;
    Remove(displaced);  // may erase `queue`, which is not used again
    evicted_.emplace_back(displaced, absl::ResourceExhaustedError(StrCat(
                                         "evicted: transfer ", ToHex(displaced),
                                         " was dropped from the mempool: its account's share (",
                                         limits_.mempool_sender_transfers_max,
                                         " transfers) was full and an earlier sequence took its "
                                         "place; send it again once earlier ones settle")));
  } else if (by_id_.size() >= limits_.mempool_transfers_max &&
             (!CanExecuteNow(queue, transfer.sequence, committed_next_sequence) ||
              !EvictFromBlockedSender(next_sequence))) {
    return absl::ResourceExhaustedError(StrCat("mempool_full: mempool is full (",
                                               limits_.mempool_transfers_max,
                                               " transfers); retry with back-off"));
  }
  by_sender_[transfer.from].emplace(transfer.sequence, transfer.id);
  const TransferId id = transfer.id;
  by_id_.emplace(id, std::move(transfer));
  ++version_;
  return Admission::kAdded;
}

bool Mempool::CanExecuteNow(const std::map<uint64_t, TransferId>& queue, uint64_t sequence,
                            uint64_t committed_next_sequence) {
  uint64_t expected = committed_next_sequence;
  for (auto entry = queue.begin(); entry != queue.end() && expected < sequence; ++entry) {
    if (entry->first != expected) return false;
    ++expected;
  }
  return expected == sequence;
}

absl::Status Mempool::GapRefusal(const std::map<uint64_t, TransferId>& queue,
                                 const PendingTransfer& transfer, uint64_t committed_next_sequence,
                                 bool stays_pending) {
  REMIT_CHECK(transfer.sequence > committed_next_sequence);
  uint64_t missing = committed_next_sequence;
  for (auto entry = queue.lower_bound(missing); entry != queue.end() && entry->first == missing;
       ++entry) {
    ++missing;
  }
  REMIT_CHECK(missing < transfer.sequence);
  return absl::FailedPreconditionError(StrCat(
      "sequence_gap: sequence ", transfer.sequence, " is ahead of the account's next sequence ",
      committed_next_sequence, " and sequence ", missing,
      " is not pending here, so it cannot execute; ",
      stays_pending ? "it stays pending from an earlier call, waiting for it; " : "",
      "send the missing sequences first (Settle waits only for a transfer that can execute), "
      "or sign it again with sequence ",
      committed_next_sequence));
}

bool Mempool::EvictFromBlockedSender(const NextSequenceFn& next_sequence) {
  if (!next_sequence || by_sender_.empty()) return false;
  auto it = by_sender_.upper_bound(last_eviction_scanned_);
  const size_t scan = std::min(kEvictionScanSendersMax, by_sender_.size());
  for (size_t scanned = 0; scanned < scan; ++scanned, ++it) {
    if (it == by_sender_.end()) it = by_sender_.begin();
    last_eviction_scanned_ = it->first;
    const std::map<uint64_t, TransferId>& queue = it->second;
    REMIT_CHECK(!queue.empty());  // empty queues are erased
    const uint64_t missing = next_sequence(it->first);
    if (queue.begin()->first == missing) continue;  // it can execute now
    const TransferId displaced = queue.rbegin()->second;
    evicted_.emplace_back(displaced, absl::ResourceExhaustedError(
                                         StrCat("evicted: transfer ", ToHex(displaced),
                                                " was dropped from the full mempool: it waited for "
                                                "sequence ",
                                                missing,
                                                " of its account, which never arrived; send "
                                                "that sequence first, then this transfer again")));
    Remove(displaced);
    return true;
  }
  return false;
}

std::vector<std::pair<TransferId, absl::Status>> Mempool::TakeEvicted() {
  std::vector<std::pair<TransferId, absl::Status>> out;
  out.swap(evicted_);
  return out;
}

bool Mempool::HasReady(const NextSequenceFn& next_sequence) const {
  for (const auto& [sender, queue] : by_sender_) {
    REMIT_CHECK(!queue.empty());  // empty queues are erased
    if (queue.begin()->first == next_sequence(sender)) return true;
  }
  return false;
}

std::vector<v1::SignedTransfer> Mempool::Ready(size_t max, const NextSequenceFn& next_sequence) {
  std::vector<v1::SignedTransfer> ready;
  if (by_sender_.empty() || max == 0) return ready;
  // Start after the sender served first last time, and wrap around once.
  auto start = by_sender_.upper_bound(last_served_);
  if (start == by_sender_.end()) start = by_sender_.begin();
  auto it = start;
  bool first = true;
  do {
    const auto& [sender, queue] = *it;
    uint64_t expected = next_sequence(sender);
    for (auto entry = queue.find(expected); entry != queue.end() && ready.size() < max;
         ++entry, ++expected) {
      if (entry->first != expected) break;
      ready.push_back(by_id_.at(entry->second).signed_transfer);
    }
    if (first) {
      last_served_ = sender;
      first = false;
    }
    if (++it == by_sender_.end()) it = by_sender_.begin();
  } while (it != start && ready.size() < max);
  return ready;
}

std::vector<TransferId> Mempool::OnCommitted(const BlockEffects& effects) {
  for (const v1::TransferRecord& record : effects.records) {
    const auto id = ToArray<kHashBytes>(record.receipt().transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    Remove(*id);
  }
  std::vector<TransferId> superseded;
  for (const auto& [account, next_sequence] : effects.next_sequences) {
    const auto queue = by_sender_.find(account);
    if (queue == by_sender_.end()) continue;
    std::vector<TransferId> consumed;
    for (auto entry = queue->second.begin();
         entry != queue->second.end() && entry->first < next_sequence; ++entry) {
      consumed.push_back(entry->second);
    }
    for (const TransferId& id : consumed) Remove(id);
    superseded.insert(superseded.end(), consumed.begin(), consumed.end());
  }
  return superseded;
}

std::vector<TransferId> Mempool::DropExpired(uint64_t now_unix_ms,
                                             const NextSequenceFn& next_sequence) {
  std::vector<TransferId> dropped;
  for (const auto& [id, pending] : by_id_) {
    if (pending.expiry_unix_ms < now_unix_ms && pending.sequence != next_sequence(pending.from)) {
      dropped.push_back(id);
    }
  }
  for (const TransferId& id : dropped) Remove(id);
  return dropped;
}

void Mempool::Remove(const TransferId& id) {
  ++version_;
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  const auto queue = by_sender_.find(it->second.from);
  REMIT_CHECK(queue != by_sender_.end());
  REMIT_CHECK(queue->second.erase(it->second.sequence) == 1);
  if (queue->second.empty()) by_sender_.erase(queue);
  by_id_.erase(it);
}

}  // namespace remit
