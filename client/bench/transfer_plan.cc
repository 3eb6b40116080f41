#include "client/bench/transfer_plan.h"

#include <atomic>
#include <chrono>

#include "client/bench/parallel.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/check.h"

namespace remit::bench {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Another account than `sender`, the same for the same (sender, nth).
uint64_t RecipientOf(uint64_t sender, uint64_t nth, uint64_t accounts) {
  const uint64_t offset = 1 + SplitMix64(sender * 0x100000001b3ull + nth) % (accounts - 1);
  return (sender + offset) % accounts;
}

}  // namespace

uint64_t TransfersOfAccount(uint64_t count, uint64_t accounts, uint64_t account) {
  REMIT_CHECK(account < accounts);
  return count / accounts + (account < count % accounts ? 1 : 0);
}

absl::StatusOr<TransferPlan> PresignTransfers(const std::vector<SigningKey>& keys,
                                              const Genesis& genesis, const std::string& asset,
                                              uint64_t count, uint64_t ttl_ms, uint32_t threads,
                                              sdk::SequenceManager& sequences) {
  REMIT_CHECK(keys.size() >= 2);
  const uint64_t accounts = keys.size();
  TransferPlan plan;
  plan.transfers.resize(count);
  plan.senders.reserve(accounts);
  for (const SigningKey& key : keys) plan.senders.push_back(key.public_key());
  plan.epochs.assign(accounts, 0);
  plan.first_sequences.assign(accounts, 0);
  for (uint64_t a = 0; a < accounts; ++a) {
    const uint64_t sends = TransfersOfAccount(count, accounts, a);
    if (sends == 0) continue;
    ASSIGN_OR_RETURN(const sdk::SequenceLease lease, sequences.Reserve(plan.senders[a], sends));
    plan.epochs[a] = lease.epoch;
    plan.first_sequences[a] = lease.first;
  }
  const uint64_t now_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  const Hash32 genesis_hash = GenesisHash(genesis);
  std::atomic<bool> failed{false};
  absl::Status first_error;
  std::mutex error_mutex;
  // Threads split the accounts; each signs all of its accounts' transfers.
  ParallelFor(accounts, threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t a = begin; a < end && !failed.load(); ++a) {
      for (uint64_t nth = 0, index = a; index < count; ++nth, index += accounts) {
        const sdk::TransferRequest request{.to = plan.senders[RecipientOf(a, nth, accounts)],
                                           .asset = asset,
                                           .amount_minor = kBenchAmountMinor,
                                           .memo = "",
                                           .sequence = plan.first_sequences[a] + nth,
                                           .ttl_ms = ttl_ms};
        absl::StatusOr<v1::SignedTransfer> built =
            sdk::BuildTransfer(keys[a], genesis, genesis_hash, request, now_ms);
        if (!built.ok()) {
          std::lock_guard lock(error_mutex);
          if (first_error.ok()) first_error = built.status();
          failed.store(true);
          return;
        }
        plan.transfers[index] = *std::move(built);
      }
    }
  });
  RETURN_IF_ERROR(first_error);
  return plan;
}

}  // namespace remit::bench
