// Fuzzes the money text of ledger/amount.h with outside text (CLI arguments,
// chat amounts, genesis files all end here). Proves for every input:
//   - ParseAmount never crashes, and an accepted amount is in (0, 2^63-1];
//   - an accepted amount formats back to an equivalent text: FormatAmount's
//     output parses to the same minor units, and is itself canonical;
//   - FormatAmount of any int64 (negative included) has the documented shape
//     and, for positive amounts, parses back to the same value;
//   - CheckedAdd/CheckedSub agree with 128-bit arithmetic.
// Input: byte 0 picks the decimals (mod 19); the rest is the text. The
// first 16 bytes after it also serve as two int64 operands.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/amount.h"
#include "ledger/check.h"

namespace remit {
namespace {

__extension__ typedef __int128 Int128;  // reference arithmetic, exact for int64 operands

int64_t Int64At(const uint8_t* data, size_t size, size_t offset) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value = (value << 8) | (offset + i < size ? data[offset + i] : 0);
  }
  return static_cast<int64_t>(value);
}

// The documented shape: optional '-', digits, and with decimals > 0 a point
// followed by exactly `decimals` digits.
void CheckFormatShape(const std::string& text, uint32_t decimals) {
  std::string_view rest(text);
  if (rest.starts_with('-')) rest.remove_prefix(1);
  const size_t point = rest.find('.');
  REMIT_CHECK((decimals == 0) == (point == std::string_view::npos));
  const std::string_view whole = rest.substr(0, point);
  REMIT_CHECK(!whole.empty());
  REMIT_CHECK(whole == "0" || whole.front() != '0');  // no leading zeros
  for (char c : whole) REMIT_CHECK(c >= '0' && c <= '9');
  if (decimals == 0) return;
  const std::string_view fraction = rest.substr(point + 1);
  REMIT_CHECK(fraction.size() == decimals);
  for (char c : fraction) REMIT_CHECK(c >= '0' && c <= '9');
}

void CheckParse(std::string_view text, uint32_t decimals) {
  const absl::StatusOr<uint64_t> parsed = ParseAmount(text, decimals);
  if (!parsed.ok()) {
    REMIT_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  REMIT_CHECK(*parsed > 0);
  REMIT_CHECK(*parsed <= kAmountMinorMax);
  const std::string formatted = FormatAmount(static_cast<int64_t>(*parsed), decimals);
  CheckFormatShape(formatted, decimals);
  const absl::StatusOr<uint64_t> again = ParseAmount(formatted, decimals);
  REMIT_CHECK(again.ok());
  REMIT_CHECK(*again == *parsed);
  REMIT_CHECK(FormatAmount(static_cast<int64_t>(*again), decimals) == formatted);
}

void CheckFormat(int64_t amount_minor, uint32_t decimals) {
  const std::string formatted = FormatAmount(amount_minor, decimals);
  CheckFormatShape(formatted, decimals);
  REMIT_CHECK((amount_minor < 0) == formatted.starts_with('-'));
  if (amount_minor > 0) {
    const absl::StatusOr<uint64_t> parsed = ParseAmount(formatted, decimals);
    REMIT_CHECK(parsed.ok());
    REMIT_CHECK(*parsed == static_cast<uint64_t>(amount_minor));
  }
}

void CheckArithmetic(int64_t a, int64_t b) {
  const Int128 sum = static_cast<Int128>(a) + b;
  const Int128 difference = static_cast<Int128>(a) - b;
  const auto in_range = [](Int128 v) { return v >= INT64_MIN && v <= INT64_MAX; };
  const std::optional<int64_t> checked_sum = CheckedAdd(a, b);
  const std::optional<int64_t> checked_difference = CheckedSub(a, b);
  REMIT_CHECK(checked_sum.has_value() == in_range(sum));
  REMIT_CHECK(!checked_sum || *checked_sum == sum);
  REMIT_CHECK(checked_difference.has_value() == in_range(difference));
  REMIT_CHECK(!checked_difference || *checked_difference == difference);
}

}  // namespace
}  // namespace remit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint32_t decimals = data[0] % (remit::kAssetDecimalsMax + 1);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  remit::CheckParse(text, decimals);
  const int64_t a = remit::Int64At(data, size, 1);
  const int64_t b = remit::Int64At(data, size, 9);
  remit::CheckFormat(a, decimals);
  remit::CheckArithmetic(a, b);
  return 0;
}
