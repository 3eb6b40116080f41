// FakeLedger: an in-memory LedgerPort for the bot engine's tests. Each
// Settle is one block run by the ledger's own executor on a MemoryState
// (so cross-currency transfers, offers and claims behave as on a node, and
// Quote is the ledger's), at a block time the test sets. It checks
// signatures and sequences like a node (a sequence other than the next is
// refused FAILED_PRECONDITION, no record), answers a known transfer with
// duplicate = true, and can lose a Settle before or after applying it (a
// crash or a network failure between submission and reply), hold a Settle
// until the test lets it go, and report a stale next sequence from
// GetAccount (a lagging node) while NextSequence asks "every node".
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/bot/ledger_port.h"
#include "ledger/crypto.h"
#include "ledger/memory_state.h"

namespace remit::bot::testing {

class FakeLedger final : public LedgerPort {
 public:
  // USD and EUR (2 decimals) and PHP, issued by `issuer`; USD is the hub.
  explicit FakeLedger(const AccountId& issuer);
  static constexpr uint64_t kStartTimeMs = 1'700'000'000'000;

  absl::StatusOr<Genesis> GetGenesis() override { return genesis_; }
  absl::StatusOr<sdk::SettleResult> Settle(const v1::SignedTransfer& transfer) override;
  absl::StatusOr<v1::Account> GetAccount(const AccountId& account) override;
  absl::StatusOr<uint64_t> NextSequence(const AccountId& account) override;
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const AccountId& account,
                                                          uint32_t limit) override;
  absl::StatusOr<FxQuote> Quote(const FxQuoteRequest& request) override;
  absl::StatusOr<v1::ClaimEntry> GetClaim(const std::string& claim_id) override;

  // The time of the blocks Settle makes from now on.
  void SetBlockTime(uint64_t unix_ms);
  // `owner` offers to sell `amount_minor` of `sell` for `buy` at n/d (buy
  // minor units per sell minor unit), settled at once. Precondition (checked):
  // SETTLED.
  void AddOffer(const SigningKey& owner, const std::string& sell, const std::string& buy,
                uint64_t amount_minor, uint64_t price_n, uint64_t price_d);
  // Quote answers UNIMPLEMENTED, as a ledger client without quotes would.
  void DisableQuotes();

  int64_t Balance(const AccountId& account, const std::string& asset) const;
  int settle_calls() const;
  // The next N Settle calls fail UNAVAILABLE without applying.
  void DropNext(int count);
  // The next N Settle calls apply the transfer, then fail UNAVAILABLE.
  void LoseAnswerNext(int count);
  // GetAccount reports next sequences this much lower than they are (never
  // below 0), as a node that has not caught up would.
  void SetGetAccountLag(uint64_t lag);
  // While held, Settle calls for transfers from `account` wait (counted in
  // held_settles()) until Release().
  void Hold(const AccountId& account);
  void Release();
  int held_settles() const;
  // Waits until `count` Settle calls are held; false after timeout_ms.
  bool WaitUntilHeld(int count, uint64_t timeout_ms);
  // Every transfer applied, in order (what Watch would stream).
  std::vector<v1::TransferRecord> Applied() const;
  v1::TransferRecord LastApplied() const;

 private:
  absl::StatusOr<sdk::SettleResult> Apply(const v1::SignedTransfer& signed_transfer,
                                          const std::string& key);

  Genesis genesis_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  Hash32 genesis_hash_{};
  MemoryState state_;
  uint64_t block_time_ms_ = kStartTimeMs;
  bool quotes_ = true;
  std::vector<v1::TransferRecord> applied_;
  int settle_calls_ = 0;
  int drop_next_ = 0;
  int lose_answer_next_ = 0;
  uint64_t get_account_lag_ = 0;
  std::optional<AccountId> held_;
  int held_settles_ = 0;
};

}  // namespace remit::bot::testing
