// HistoryCheck: what the chaos test verifies once the faults have healed,
// against every validator separately (Jepsen-style: what clients were told
// must be what the ledger holds):
//   - all validators reach one height and state hash;
//   - every receipt a client received is in each validator's history with
//     the same outcome, height, position and block;
//   - every asset sums to exactly zero over all accounts;
//   - no sequence number of any account was consumed twice, and the
//     consumed ones are exactly 0 .. next_sequence - 1.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit::chaos {

struct HistoryCheckInput {
  std::vector<std::string> endpoints;          // one per validator
  std::vector<AccountId> accounts;             // every account that ever held money
  std::map<TransferId, v1::Receipt> receipts;  // what clients were told
  std::string asset;
  uint64_t converge_timeout_ms = 60'000;
};

struct HistoryCheckResult {
  uint64_t height = 0;
  uint64_t receipts_checked = 0;  // receipts x validators
  uint64_t records_seen = 0;      // history records read, all validators
  std::vector<std::string> violations;
};

// Errors only when a validator cannot be read at all (UNAVAILABLE, ...);
// every disagreement is a violation in the result.
absl::StatusOr<HistoryCheckResult> CheckHistory(const HistoryCheckInput& input);

}  // namespace remit::chaos
