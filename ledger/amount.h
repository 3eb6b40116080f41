// Money as integer minor units: checked arithmetic, and the decimal text form
// of an asset with a given number of decimals. Never floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace remit {

// Most decimals an asset may have; 10^18 still fits in int64.
inline constexpr uint32_t kAssetDecimalsMax = 18;
// Largest amount a single transfer may carry: balances are int64.
inline constexpr uint64_t kAmountMinorMax = static_cast<uint64_t>(INT64_MAX);

// Returns nullopt on overflow instead of wrapping.
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);
std::optional<int64_t> CheckedSub(int64_t a, int64_t b);

// Parses a positive decimal amount such as "12", "0.5" or "0.50" into minor
// units of an asset with `decimals` decimals. Plain digits with at most one
// '.' and at most `decimals` digits after it; at least one digit on each side
// of the point. Refuses (INVALID_ARGUMENT, with a message that shows a valid
// form): empty text, signs, zero, grouping separators ("1,000"), exponents,
// spaces, too many decimals (".0005" for 2 decimals), and values above
// kAmountMinorMax.
absl::StatusOr<uint64_t> ParseAmount(std::string_view text, uint32_t decimals);

// Formats minor units with exactly `decimals` digits after the point:
// (50, 2) -> "0.50", (-1200, 2) -> "-12.00", (7, 0) -> "7".
std::string FormatAmount(int64_t amount_minor, uint32_t decimals);

}  // namespace remit
