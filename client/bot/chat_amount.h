// Amounts as people type them in a chat, on top of ledger's ParseAmount
// (docs/BOT.md, "Amounts"):
//
//   amount  = number                 ; in the user's currency: "0.50"
//           | symbol number          ; "$0.50" (USD), "€2" (EUR), "₱100", "₹5"
//           | number ("c" | "¢")     ; cents of the user's currency: "50c"
//           | number " " CODE        ; "0.50 USD", "2 EUR", "100 php"
//           | CODE " " number        ; "USD 0.50"
//   number  = digits ["." digits] | "." digits
//
// Refused with a message that shows a valid example, never guessed and never
// defaulted: grouping separators ("1,000" is 1000 or 1.000?), signs, zero,
// more decimals than the asset has (".0005"), exponents, words ("five"), a
// missing amount, a currency this chain does not have, and symbol and code
// that disagree ("$5 EUR"). A refused amount is never read as a note.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/genesis.h"

namespace remit::bot {

struct ChatAmount {
  std::string asset;  // an asset code of the chain
  uint64_t amount_minor = 0;
  uint32_t decimals = 0;
  size_t tokens_used = 0;  // 1 or 2 words of the message
};

// Reads the amount at the start of `words` (the message split on spaces).
// `default_asset` is the user's currency, used when the amount names none; it
// must be an asset of `genesis`. INVALID_ARGUMENT, with an example, otherwise.
absl::StatusOr<ChatAmount> ParseChatAmount(const std::vector<std::string>& words,
                                           std::string_view default_asset, const Genesis& genesis);

// "0.50 USD".
std::string FormatChatAmount(uint64_t amount_minor, std::string_view asset, uint32_t decimals);

}  // namespace remit::bot
