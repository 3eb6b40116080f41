// SequenceManager: hands out sequence numbers for accounts that keep many
// transfers in flight at once (client/README.md).
//
// A transfer must carry its sender's next sequence, and a node admits one
// only up to NodeLimits::sequence_window beyond the committed next sequence.
// The manager hands out consecutive sequences per account without waiting
// for earlier ones to be final, counts how many are in flight, and refuses
// to hand out more than `in_flight_max` at once, so that a sender never runs
// past the node's window.
//
// Resynchronisation: after FAILED_PRECONDITION (a sequence the node did not
// expect) or a restart, Resync asks the node (through `fetch`, e.g.
// RemitClient::GetAccount) for the committed next sequence and starts over
// from it. Every sequence handed out before that belongs to an older epoch:
// transfers holding one that are not final must be re-sent with the same
// bytes (idempotent) or signed again with a new lease; completions of an
// older epoch no longer count. Concurrent Resync calls for one epoch fetch
// once.
//
// Thread safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "ledger/types.h"

namespace remit::sdk {

// The node's default sequence window (node/limits.h).
inline constexpr uint64_t kSequenceInFlightMaxDefault = 10'000;

// `count` consecutive sequences starting at `first`, of account epoch `epoch`.
struct SequenceLease {
  uint64_t first = 0;
  uint64_t count = 0;
  uint64_t epoch = 0;
};

class SequenceManager {
 public:
  // The sender's committed next sequence, as a node reports it.
  using FetchFn = std::function<absl::StatusOr<uint64_t>(const AccountId& account)>;

  // Precondition (checked): in_flight_max > 0 and `fetch` is set.
  SequenceManager(FetchFn fetch, uint64_t in_flight_max = kSequenceInFlightMaxDefault);

  // Starts `account` at `next_sequence` without asking a node (e.g. a key
  // just generated starts at 0). Replaces what the manager knew; new epoch.
  void Seed(const AccountId& account, uint64_t next_sequence);

  // The next `count` sequences of `account` (count >= 1). The first call for
  // an account not seeded fetches its next sequence. RESOURCE_EXHAUSTED if
  // more than in_flight_max would be in flight (wait for completions);
  // fetch's error if the fetch fails.
  absl::StatusOr<SequenceLease> Reserve(const AccountId& account, uint64_t count);

  // `count` transfers of `epoch` reached a final outcome (any outcome uses
  // the sequence) or were abandoned. Ignored for an older epoch.
  void Complete(const AccountId& account, uint64_t epoch, uint64_t count = 1);

  // Fetches the committed next sequence and restarts the account from it
  // (new epoch, nothing in flight), unless another Resync already replaced
  // `seen_epoch`: then it returns the current state without fetching.
  // Returns the account's next sequence to hand out.
  absl::StatusOr<uint64_t> Resync(const AccountId& account, uint64_t seen_epoch);

  uint64_t in_flight(const AccountId& account) const;
  uint64_t epoch(const AccountId& account) const;
  uint64_t in_flight_max() const { return in_flight_max_; }

 private:
  struct AccountState {
    uint64_t next = 0;
    uint64_t in_flight = 0;
    uint64_t epoch = 0;
  };
  absl::StatusOr<SequenceLease> ReserveLocked(AccountState& state, uint64_t count) const;

  struct AccountHash {
    size_t operator()(const AccountId& account) const;
  };

  const FetchFn fetch_;
  const uint64_t in_flight_max_;
  mutable std::mutex mutex_;
  std::unordered_map<AccountId, AccountState, AccountHash> accounts_;
  uint64_t epochs_ = 0;  // last epoch number given out, over all accounts
};

}  // namespace remit::sdk
