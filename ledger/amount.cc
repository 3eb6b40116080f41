#include "ledger/amount.h"

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

std::optional<int64_t> CheckedSub(int64_t a, int64_t b) {
  int64_t difference;
  if (__builtin_sub_overflow(a, b, &difference)) return std::nullopt;
  return difference;
}

namespace {

// An example that is itself valid: with 18 decimals, 12 whole units would
// exceed kAmountMinorMax (about 9.22 * 10^18).
std::string Example(uint32_t decimals) {
  if (decimals == 0) return "12";
  const std::string_view whole = decimals >= kAssetDecimalsMax ? "1" : "12";
  return StrCat(whole, ".", std::string(decimals, '5').substr(0, decimals == 1 ? 1 : 2));
}

absl::Status Refuse(std::string_view text, std::string_view why, uint32_t decimals) {
  return absl::InvalidArgumentError(
      StrCat("amount '", text, "' ", why, "; write plain digits like ", Example(decimals)));
}

}  // namespace

absl::StatusOr<uint64_t> ParseAmount(std::string_view text, uint32_t decimals) {
  REMIT_CHECK(decimals <= kAssetDecimalsMax);
  if (text.empty()) return Refuse(text, "is empty", decimals);
  if (text.size() > 40) return Refuse(text.substr(0, 40), "is too long", decimals);
  const size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (c == ',' || c == '_' || c == '\'') {
        return Refuse(text, "has a grouping separator", decimals);
      }
      if (c < '0' || c > '9') {
        return Refuse(text, "is not a plain decimal number", decimals);
      }
    }
  }
  if (whole.empty()) return Refuse(text, "needs a digit before the point", decimals);
  if (point != std::string_view::npos && fraction.empty()) {
    return Refuse(text, "needs a digit after the point", decimals);
  }
  if (fraction.size() > decimals) {
    return Refuse(text, StrCat("has more than ", decimals, " decimals"), decimals);
  }
  uint64_t value = 0;
  auto push_digit = [&value](char c) {
    return !__builtin_mul_overflow(value, uint64_t{10}, &value) &&
           !__builtin_add_overflow(value, static_cast<uint64_t>(c - '0'), &value);
  };
  bool fits = true;
  for (char c : whole) fits = fits && push_digit(c);
  for (char c : fraction) fits = fits && push_digit(c);
  for (size_t i = fraction.size(); i < decimals; ++i) fits = fits && push_digit('0');
  if (!fits || value > kAmountMinorMax) return Refuse(text, "is too large", decimals);
  if (value == 0) return Refuse(text, "must be more than zero", decimals);
  return value;
}

std::string FormatAmount(int64_t amount_minor, uint32_t decimals) {
  REMIT_CHECK(decimals <= kAssetDecimalsMax);
  const bool negative = amount_minor < 0;
  // Work in uint64 so that INT64_MIN has a magnitude.
  uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(amount_minor)
                                : static_cast<uint64_t>(amount_minor);
  const std::string digits = std::to_string(magnitude);
  const size_t whole_digits = digits.size() > decimals ? digits.size() - decimals : 0;
  std::string out = negative ? "-" : "";
  out.append(whole_digits == 0 ? std::string_view("0")
                               : std::string_view(digits).substr(0, whole_digits));
  if (decimals == 0) return out;
  out.push_back('.');
  out.append(decimals - (digits.size() - whole_digits), '0');
  out.append(std::string_view(digits).substr(whole_digits));
  return out;
}

}  // namespace remit
