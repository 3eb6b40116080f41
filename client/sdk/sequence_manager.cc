#include "client/sdk/sequence_manager.h"

#include <cstring>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::sdk {

size_t SequenceManager::AccountHash::operator()(const AccountId& account) const {
  // Public keys are uniformly distributed: their first bytes are a good hash.
  size_t hash = 0;
  std::memcpy(&hash, account.data(), sizeof(hash));
  return hash;
}

SequenceManager::SequenceManager(FetchFn fetch, uint64_t in_flight_max)
    : fetch_(std::move(fetch)), in_flight_max_(in_flight_max) {
  REMIT_CHECK(fetch_ != nullptr);
  REMIT_CHECK(in_flight_max_ > 0);
}

void SequenceManager::Seed(const AccountId& account, uint64_t next_sequence) {
  std::lock_guard lock(mutex_);
  accounts_[account] = AccountState{.next = next_sequence, .in_flight = 0, .epoch = ++epochs_};
}

absl::StatusOr<SequenceLease> SequenceManager::ReserveLocked(AccountState& state,
                                                             uint64_t count) const {
  if (state.in_flight + count > in_flight_max_) {
    return absl::ResourceExhaustedError(
        StrCat(count, " more sequences would put ", state.in_flight + count,
               " transfers in flight from one account; at most ", in_flight_max_,
               " (the node's sequence window): wait for earlier transfers to become final"));
  }
  REMIT_CHECK(state.next <= UINT64_MAX - count);
  const SequenceLease lease{.first = state.next, .count = count, .epoch = state.epoch};
  state.next += count;
  state.in_flight += count;
  return lease;
}

absl::StatusOr<SequenceLease> SequenceManager::Reserve(const AccountId& account, uint64_t count) {
  REMIT_CHECK(count > 0);
  {
    std::lock_guard lock(mutex_);
    const auto it = accounts_.find(account);
    if (it != accounts_.end()) return ReserveLocked(it->second, count);
  }
  // First use: ask the node, without holding the lock during the call.
  ASSIGN_OR_RETURN(const uint64_t next, fetch_(account));
  std::lock_guard lock(mutex_);
  // Another thread may have fetched meanwhile: the first answer stays.
  auto [it, inserted] = accounts_.try_emplace(account);
  if (inserted) it->second = AccountState{.next = next, .in_flight = 0, .epoch = ++epochs_};
  return ReserveLocked(it->second, count);
}

void SequenceManager::Complete(const AccountId& account, uint64_t epoch, uint64_t count) {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(account);
  if (it == accounts_.end() || it->second.epoch != epoch) return;
  REMIT_CHECK(it->second.in_flight >= count);
  it->second.in_flight -= count;
}

absl::StatusOr<uint64_t> SequenceManager::Resync(const AccountId& account, uint64_t seen_epoch) {
  {
    std::lock_guard lock(mutex_);
    const auto it = accounts_.find(account);
    if (it != accounts_.end() && it->second.epoch != seen_epoch) return it->second.next;
  }
  ASSIGN_OR_RETURN(const uint64_t next, fetch_(account));
  std::lock_guard lock(mutex_);
  AccountState& state = accounts_[account];
  if (state.epoch == seen_epoch || state.epoch == 0) {
    state = AccountState{.next = next, .in_flight = 0, .epoch = ++epochs_};
  }
  return state.next;
}

uint64_t SequenceManager::in_flight(const AccountId& account) const {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(account);
  return it == accounts_.end() ? 0 : it->second.in_flight;
}

uint64_t SequenceManager::epoch(const AccountId& account) const {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(account);
  return it == accounts_.end() ? 0 : it->second.epoch;
}

}  // namespace remit::sdk
