// The accounts a bench run pays between: fresh keys, funded by the chain's
// issuer in SettleBatch calls before the clock starts.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/sdk/client.h"
#include "client/sdk/sequence_manager.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"

namespace remit::bench {

// Funding transfers in flight from the issuer at once: below the node's
// sequence window and per-sender mempool share (10,000 each).
inline constexpr uint64_t kFundingInFlightMax = 8'000;
inline constexpr uint32_t kFundingAttemptsMax = 10;

// `count` new keys, derived from a random run seed (so every run uses
// accounts the chain has never seen), made on `threads` threads.
std::vector<SigningKey> GenerateKeys(uint32_t count, uint32_t threads);

struct FundingPlan {
  std::string asset;
  uint64_t amount_minor = 0;  // per account
  uint32_t batch_max = 0;     // transfers per SettleBatch call
  uint32_t threads = 1;       // for signing
  // Called after each call with the number of accounts funded so far.
  std::function<void(uint64_t funded)> on_progress;
};

// Pays plan.amount_minor of plan.asset from `issuer` to every account, and
// returns once every payment is final and SETTLED. Sequences come from
// `sequences` (the issuer's are fetched, and resynchronised after
// FAILED_PRECONDITION, e.g. when someone else uses the faucet meanwhile, by
// signing the unpaid rest again). Calls go one after another, each with at
// most min(batch_max, kFundingInFlightMax) transfers. Errors: the node's,
// after kFundingAttemptsMax attempts of a call; FAILED_PRECONDITION if a
// payment is final but not SETTLED (e.g. the issuer key is not the asset's
// issuer).
absl::Status FundAccounts(sdk::RemitClient& client, const Genesis& genesis,
                          const SigningKey& issuer, sdk::SequenceManager& sequences,
                          const std::vector<AccountId>& accounts, const FundingPlan& plan);

}  // namespace remit::bench
