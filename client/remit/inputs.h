// Checking what the user typed, before anything is sent. Every error here is
// bad input (exit 2) and says what was wrong and what to write instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/types.h"

namespace remit::cli {

// `what` names the argument in the message, e.g. "recipient address".
absl::StatusOr<AccountId> ParseAddressArg(std::string_view what, std::string_view text);

// 64 hex digits.
absl::StatusOr<TransferId> ParseTransferIdArg(std::string_view text);

// An asset code in upper case ("usd" becomes "USD"); 1..12 of [A-Z0-9].
absl::StatusOr<std::string> ParseAssetArg(std::string_view text);

// The amount's form, before the asset's decimals are known: plain positive
// digits with at most one '.' (so "1,000", "-1", "0", "1e3" are refused).
absl::Status CheckAmountArg(std::string_view text);

// At most kMemoBytesMax bytes of UTF-8.
absl::Status CheckMemoArg(std::string_view memo);

// The amount in minor units of `asset`, with the asset's decimals and
// per-transfer limit from genesis. Refuses an unknown asset, listing the
// chain's assets.
absl::StatusOr<uint64_t> ResolveAmount(const Genesis& genesis, std::string_view asset,
                                       std::string_view amount_text);

// A duration such as "30s", "10m", "2h" or "7d" (a positive integer and one
// unit), in milliseconds.
absl::StatusOr<uint64_t> ParseDurationArg(std::string_view what, std::string_view text);

// A price typed as a decimal, in major units of `buy_asset` per major unit of
// `sell_asset` (e.g. "1.10" USD per EUR), as the offer's rational in minor
// units (price_n / price_d, reduced). Refuses a price that is not positive
// or whose terms do not fit 64 bits.
struct MinorPrice {
  uint64_t price_n = 0;
  uint64_t price_d = 0;
};
absl::StatusOr<MinorPrice> ResolvePrice(const Genesis& genesis, std::string_view sell_asset,
                                        std::string_view buy_asset, std::string_view price_text);

// A 64-hex-digit id (an offer's or a claim's); `what` names it.
absl::StatusOr<Hash32> ParseIdArg(std::string_view what, std::string_view text);

// Reads a key file; a missing, unreadable or malformed one is bad input.
absl::StatusOr<SigningKey> LoadKeyArg(const std::string& path);

// "USD, EUR, ..." or "none".
std::string AssetCodeList(const Genesis& genesis);

}  // namespace remit::cli
