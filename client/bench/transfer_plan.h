// TransferPlan: every transfer of a run, signed before the clock starts, in
// the order they will be sent.
//
// Transfer i is sent by account i % accounts, so each account's transfers
// follow one another with consecutive sequences (leased from the
// SequenceManager) and many of them are in flight at once. Each pays 1 minor
// unit to a recipient picked pseudo-randomly among the other accounts, so
// the load touches the whole state rather than a few hot accounts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/sequence_manager.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "remit/v1/types.pb.h"

namespace remit::bench {

inline constexpr uint64_t kBenchAmountMinor = 1;

struct TransferPlan {
  std::vector<v1::SignedTransfer> transfers;  // in send order
  std::vector<AccountId> senders;             // one per account
  std::vector<uint64_t> epochs;               // each sender's lease epoch
  std::vector<uint64_t> first_sequences;      // each sender's first sequence

  uint64_t accounts() const { return senders.size(); }
  uint64_t SenderOf(uint64_t index) const { return index % senders.size(); }
};

// How many transfers account `account` sends among the first `count`.
uint64_t TransfersOfAccount(uint64_t count, uint64_t accounts, uint64_t account);

// Signs `count` transfers of `asset` between `keys` (at least 2), valid for
// ttl_ms, on `threads` threads. Sequences are leased from `sequences`
// (seeded or fetched per account). INVALID_ARGUMENT from BuildTransfer (e.g.
// an unknown asset); the lease's errors.
absl::StatusOr<TransferPlan> PresignTransfers(const std::vector<SigningKey>& keys,
                                              const Genesis& genesis, const std::string& asset,
                                              uint64_t count, uint64_t ttl_ms, uint32_t threads,
                                              sdk::SequenceManager& sequences);

}  // namespace remit::bench
