// FakeLedger: an in-memory LedgerPort for the bot engine's tests. It checks
// signatures and sequences like a node, answers a known transfer with
// duplicate = true, and can lose a Settle before or after applying it (a
// crash or a network failure between submission and reply).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/bot/ledger_port.h"
#include "ledger/crypto.h"

namespace remit::bot::testing {

class FakeLedger final : public LedgerPort {
 public:
  // USD and EUR (2 decimals) and PHP, issued by `issuer`.
  explicit FakeLedger(const AccountId& issuer);

  absl::StatusOr<Genesis> GetGenesis() override { return genesis_; }
  absl::StatusOr<sdk::SettleResult> Settle(const v1::SignedTransfer& transfer) override;
  absl::StatusOr<v1::Account> GetAccount(const AccountId& account) override;
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const AccountId& account,
                                                          uint32_t limit) override;

  int64_t Balance(const AccountId& account, const std::string& asset) const;
  // Settle calls that reach the ledger, applied or not.
  int settle_calls = 0;
  // The next N Settle calls fail UNAVAILABLE without applying.
  int drop_next = 0;
  // The next N Settle calls apply the transfer, then fail UNAVAILABLE.
  int lose_answer_next = 0;
  // Every transfer applied, in order (what Watch would stream).
  std::vector<v1::TransferRecord> applied;

 private:
  Genesis genesis_;
  std::map<std::pair<AccountId, std::string>, int64_t> balances_;
  std::map<AccountId, uint64_t> next_sequence_;
  std::map<std::string, v1::TransferRecord> by_id_;
};

}  // namespace remit::bot::testing
