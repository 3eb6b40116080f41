#include "client/bot/chat_amount.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

constexpr std::string_view kExample = "try: pay bob 0.50 USD, pay bob $0.50 or pay bob 50c";

struct Symbol {
  std::string_view text;
  std::string_view asset;
};
// "$" is the US dollar, even for a user whose currency is MXN: the reply
// always names the currency, and a symbol never changes meaning per user.
constexpr std::array<Symbol, 4> kSymbols = {
    {{"$", "USD"}, {"€", "EUR"}, {"₱", "PHP"}, {"₹", "INR"}}};

absl::Status Refuse(std::string_view what) {
  return absl::InvalidArgumentError(StrCat(what, "; ", kExample));
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool AllLetters(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
}

bool HasDigit(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// Looks like a currency code the user meant ("GBP", "usd"), whether or not the
// chain has it.
bool LooksLikeCode(std::string_view word) { return word.size() == 3 && AllLetters(word); }

absl::Status NoSuchCurrency(std::string_view code, const Genesis& genesis) {
  std::string known;
  for (const AssetInfo& asset : genesis.assets) known += (known.empty() ? "" : " ") + asset.code;
  return absl::InvalidArgumentError(
      StrCat("this network has no currency ", code, "; it has ", known));
}

// The asset `word` names, "" if none. An unknown code is an error.
absl::StatusOr<std::string> CodeOf(std::string_view word, const Genesis& genesis) {
  const std::string upper = Upper(word);
  if (genesis.FindAsset(upper) != nullptr) return upper;
  if (word == upper && LooksLikeCode(word)) return NoSuchCurrency(word, genesis);
  return std::string();
}

// Why `number` (from the word `typed`) is not plain digits with at most one
// point, or OK. Refusals quote the word as typed.
absl::Status CheckNumberShape(std::string_view number, std::string_view typed) {
  if (number.empty()) return Refuse("the amount is missing");
  if (number.front() == '-') return Refuse(StrCat("'", typed, "' is negative"));
  if (number.find(',') != std::string_view::npos) {
    return Refuse(StrCat("'", typed, "' is ambiguous (a thousand, or a decimal comma?); write ",
                         "1000 or 1.50 without commas"));
  }
  const bool shape_ok = std::all_of(number.begin(), number.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
  });
  const auto points = std::count(number.begin(), number.end(), '.');
  if (!shape_ok || points > 1 || !HasDigit(number)) {
    return Refuse(StrCat("I cannot read '", typed, "' as an amount"));
  }
  return absl::OkStatus();
}

// Minor units of `number` for an asset with `decimals`, with chat-worded errors.
absl::StatusOr<uint64_t> ParseNumber(std::string number, std::string_view typed, uint32_t decimals,
                                     bool cents, std::string_view asset) {
  RETURN_IF_ERROR(CheckNumberShape(number, typed));
  if (cents) {
    if (decimals != 2 || number.find('.') != std::string::npos) {
      return Refuse(StrCat("'", number, "c' is not a whole number of cents of ", asset));
    }
    decimals = 0;
  }
  if (number.front() == '.') number = "0" + number;
  if (number.back() == '.') number += "0";
  const size_t point = number.find('.');
  if (point != std::string::npos && number.size() - point - 1 > decimals) {
    return Refuse(StrCat("'", number, "' has more decimals than ", asset, " has (", decimals, ")"));
  }
  absl::StatusOr<uint64_t> minor = ParseAmount(number, decimals);
  if (!minor.ok()) {
    if (number.find_first_not_of("0.") == std::string::npos) {
      return Refuse("the amount must be more than zero");
    }
    return Refuse(StrCat("'", number, "' is not a valid amount (", minor.status().message(), ")"));
  }
  REMIT_CHECK(*minor > 0);
  return *minor;
}

// Splits a leading currency symbol off `word`.
std::string_view StripSymbol(std::string_view word, std::string* asset) {
  for (const Symbol& symbol : kSymbols) {
    if (word.starts_with(symbol.text)) {
      *asset = std::string(symbol.asset);
      return word.substr(symbol.text.size());
    }
  }
  return word;
}

// Splits a trailing "c" or "¢" off `number`.
std::string_view StripCents(std::string_view number, bool* cents) {
  for (std::string_view suffix : {std::string_view("c"), std::string_view("¢")}) {
    if (number.size() > suffix.size() && number.ends_with(suffix)) {
      *cents = true;
      return number.substr(0, number.size() - suffix.size());
    }
  }
  return number;
}

}  // namespace

absl::StatusOr<ChatAmount> ParseChatAmount(const std::vector<std::string>& words,
                                           std::string_view default_asset, const Genesis& genesis) {
  REMIT_CHECK(genesis.FindAsset(default_asset) != nullptr);
  if (words.empty()) return Refuse("the amount is missing");
  ChatAmount result;
  std::string asset;
  std::string_view number = words[0];
  bool cents = false;
  result.tokens_used = 1;
  // "USD 0.50"
  if (words.size() > 1 && AllLetters(words[0]) && HasDigit(words[1])) {
    ASSIGN_OR_RETURN(asset, CodeOf(words[0], genesis));
    if (asset.empty()) return Refuse(StrCat("I cannot read '", words[0], "' as an amount"));
    number = words[1];
    result.tokens_used = 2;
  } else {
    number = StripCents(StripSymbol(number, &asset), &cents);
    // "0.50 USD"
    if (words.size() > 1 && AllLetters(words[1])) {
      ASSIGN_OR_RETURN(const std::string code, CodeOf(words[1], genesis));
      if (!code.empty()) {
        if (!asset.empty() && asset != code) {
          return Refuse(StrCat("'", words[0], " ", words[1], "' names two currencies"));
        }
        asset = code;
        result.tokens_used = 2;
      }
    }
  }
  if (asset.empty()) asset = std::string(default_asset);
  const AssetInfo* info = genesis.FindAsset(asset);
  // A symbol names its currency whether or not this chain has it ("€2").
  if (info == nullptr) return NoSuchCurrency(asset, genesis);
  const std::string_view typed =
      result.tokens_used == 2 && AllLetters(words[0]) ? words[1] : words[0];
  ASSIGN_OR_RETURN(result.amount_minor,
                   ParseNumber(std::string(number), typed, info->decimals, cents, asset));
  result.asset = asset;
  result.decimals = info->decimals;
  return result;
}

std::string FormatChatAmount(uint64_t amount_minor, std::string_view asset, uint32_t decimals) {
  REMIT_CHECK(amount_minor <= kAmountMinorMax);
  return StrCat(FormatAmount(static_cast<int64_t>(amount_minor), decimals), " ", asset);
}

}  // namespace remit::bot
