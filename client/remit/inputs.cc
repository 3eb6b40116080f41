#include "client/remit/inputs.h"

#include <algorithm>
#include <cctype>

#include "client/remit/cli_error.h"
#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::cli {
namespace {

constexpr size_t kEchoBytesMax = 80;

// The user's text, shortened, for an error message.
std::string Echo(std::string_view text) {
  if (text.size() <= kEchoBytesMax) return std::string(text);
  return StrCat(text.substr(0, kEchoBytesMax), "...");
}

__extension__ typedef unsigned __int128 Uint128;

Uint128 Pow10(uint32_t exponent) {
  Uint128 value = 1;
  for (uint32_t i = 0; i < exponent; ++i) value *= 10;
  return value;
}

Uint128 Gcd(Uint128 a, Uint128 b) {
  while (b != 0) {
    const Uint128 rest = a % b;
    a = b;
    b = rest;
  }
  return a;
}

}  // namespace

absl::StatusOr<uint64_t> ParseDurationArg(std::string_view what, std::string_view text) {
  constexpr uint64_t kDurationMsMax = 366ull * 24 * 60 * 60 * 1000;
  const std::string wrong = StrCat(what, " '", Echo(text),
                                   "' is not a duration; write a whole number and a unit, like "
                                   "30s, 10m, 2h or 7d");
  if (text.size() < 2) return BadInputError(wrong);
  uint64_t unit_ms = 0;
  switch (text.back()) {
    case 's':
      unit_ms = 1000;
      break;
    case 'm':
      unit_ms = 60 * 1000;
      break;
    case 'h':
      unit_ms = 60 * 60 * 1000;
      break;
    case 'd':
      unit_ms = 24 * 60 * 60 * 1000;
      break;
    default:
      return BadInputError(wrong);
  }
  uint64_t count = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return BadInputError(wrong);
    count = count * 10 + static_cast<uint64_t>(c - '0');
    if (count > kDurationMsMax) return BadInputError(StrCat(what, " is longer than a year"));
  }
  if (count == 0) return BadInputError(StrCat(what, " must be more than zero"));
  if (count * unit_ms > kDurationMsMax)
    return BadInputError(StrCat(what, " is longer than a year"));
  return count * unit_ms;
}

absl::StatusOr<MinorPrice> ResolvePrice(const Genesis& genesis, std::string_view sell_asset,
                                        std::string_view buy_asset, std::string_view price_text) {
  const AssetInfo* sell = genesis.FindAsset(sell_asset);
  const AssetInfo* buy = genesis.FindAsset(buy_asset);
  if (sell == nullptr || buy == nullptr) {
    return BadInputError(StrCat("unknown asset '", sell == nullptr ? sell_asset : buy_asset,
                                "'; chain '", genesis.chain_id, "' has ", AssetCodeList(genesis)));
  }
  const size_t point = price_text.find('.');
  const uint32_t fraction_digits =
      static_cast<uint32_t>(point == std::string_view::npos ? 0 : price_text.size() - point - 1);
  if (fraction_digits > kAssetDecimalsMax) {
    return BadInputError(StrCat("--price has more than ", kAssetDecimalsMax, " decimals"));
  }
  absl::StatusOr<uint64_t> scaled = ParseAmount(price_text, fraction_digits);
  if (!scaled.ok() || *scaled == 0) {
    return BadInputError(StrCat("--price '", Echo(price_text),
                                "' is not a positive decimal, like 1.10 (", buy->code, " per ",
                                sell->code, ")"));
  }
  // price_major x 10^buy_decimals / 10^sell_decimals, price_major = scaled / 10^fraction_digits.
  Uint128 n = Uint128{*scaled} * Pow10(buy->decimals);
  Uint128 d = Pow10(fraction_digits) * Pow10(sell->decimals);
  const Uint128 divisor = Gcd(n, d);
  n /= divisor;
  d /= divisor;
  if (n > UINT64_MAX || d > UINT64_MAX) {
    return BadInputError(StrCat("--price '", Echo(price_text), "' is too precise or too large"));
  }
  REMIT_CHECK(n > 0 && d > 0);
  return MinorPrice{static_cast<uint64_t>(n), static_cast<uint64_t>(d)};
}

absl::StatusOr<Hash32> ParseIdArg(std::string_view what, std::string_view text) {
  absl::StatusOr<std::string> bytes = FromHex(text);
  if (!bytes.ok() || bytes->size() != kHashBytes) {
    return BadInputError(
        StrCat(what, " '", Echo(text), "' is not ", 2 * kHashBytes, " hex digits"));
  }
  ASSIGN_OR_RETURN(const Hash32 id, ToArray<kHashBytes>(*bytes, what));
  return id;
}

absl::StatusOr<AccountId> ParseAddressArg(std::string_view what, std::string_view text) {
  absl::StatusOr<AccountId> account = DecodeAddress(text);
  if (!account.ok()) {
    return BadInputError(
        StrCat(what, " '", Echo(text), "' is not a valid address: ", account.status().message()));
  }
  return account;
}

absl::StatusOr<TransferId> ParseTransferIdArg(std::string_view text) {
  absl::StatusOr<std::string> bytes = FromHex(text);
  if (!bytes.ok() || bytes->size() != kHashBytes) {
    return BadInputError(StrCat("transfer id '", Echo(text), "' is not ", 2 * kHashBytes,
                                " hex digits; copy it from the output of 'remit send'"));
  }
  ASSIGN_OR_RETURN(const TransferId id, ToArray<kHashBytes>(*bytes, "transfer id"));
  return id;
}

absl::StatusOr<std::string> ParseAssetArg(std::string_view text) {
  std::string code;
  for (char c : text)
    code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (!IsValidAssetCode(code)) {
    return BadInputError(StrCat("asset '", Echo(text),
                                "' is not an asset code; write a code like USD (1 to ",
                                kAssetCodeBytesMax, " letters or digits)"));
  }
  return code;
}

absl::Status CheckAmountArg(std::string_view text) {
  if (!text.empty() && text.front() == '-') {
    return BadInputError(StrCat("amount '", Echo(text),
                                "' is negative; amounts must be more than zero, like 12.50"));
  }
  // As many decimals as the text has, so that only the form is judged here;
  // the asset's own decimals are applied once genesis is known.
  const size_t point = text.find('.');
  const size_t fraction_digits = point == std::string_view::npos ? 0 : text.size() - point - 1;
  const uint32_t decimals =
      static_cast<uint32_t>(std::min<size_t>(fraction_digits, kAssetDecimalsMax));
  absl::StatusOr<uint64_t> amount = ParseAmount(text, decimals);
  if (!amount.ok()) return BadInput(amount.status());
  return absl::OkStatus();
}

absl::Status CheckMemoArg(std::string_view memo) {
  if (memo.size() > kMemoBytesMax) {
    return BadInputError(
        StrCat("--memo is ", memo.size(), " bytes; at most ", kMemoBytesMax, " allowed"));
  }
  if (!IsValidUtf8(memo)) return BadInputError("--memo is not valid UTF-8");
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ResolveAmount(const Genesis& genesis, std::string_view asset,
                                       std::string_view amount_text) {
  const AssetInfo* info = genesis.FindAsset(asset);
  if (info == nullptr) {
    return BadInputError(StrCat("unknown asset '", asset, "'; chain '", genesis.chain_id, "' has ",
                                AssetCodeList(genesis)));
  }
  absl::StatusOr<uint64_t> amount_minor = ParseAmount(amount_text, info->decimals);
  if (!amount_minor.ok()) {
    return BadInputError(StrCat(amount_minor.status().message(), " (", info->code, " has ",
                                info->decimals, " decimals)"));
  }
  if (*amount_minor > info->transfer_max_minor) {
    return BadInputError(
        StrCat("amount ", amount_text, " ", info->code, " is above the per-transfer limit of ",
               FormatAmount(static_cast<int64_t>(info->transfer_max_minor), info->decimals), " ",
               info->code, "; split it into smaller transfers"));
  }
  REMIT_CHECK(*amount_minor > 0);
  return amount_minor;
}

absl::StatusOr<SigningKey> LoadKeyArg(const std::string& path) {
  absl::StatusOr<SigningKey> key = ReadKeyFile(path);
  if (!key.ok()) return BadInput(key.status());
  return key;
}

std::string AssetCodeList(const Genesis& genesis) {
  std::string codes;
  for (const AssetInfo& asset : genesis.assets) {
    codes += StrCat(codes.empty() ? "" : ", ", asset.code);
  }
  return codes.empty() ? "none" : codes;
}

}  // namespace remit::cli
