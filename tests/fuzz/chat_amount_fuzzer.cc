// Fuzzes amounts as people type them in a chat (client/bot/chat_amount.h):
// every `pay` and `request` message reaches ParseChatAmount. Proves for
// every input:
//   - ParseChatAmount never crashes (its REMIT_CHECKs included); refusals
//     are INVALID_ARGUMENT;
//   - an accepted amount is positive, at most 2^63-1, in an asset of the
//     chain with that asset's decimals, and used 1 or 2 of the words;
//   - it formats back to an equivalent input: FormatChatAmount's "0.50 USD"
//     parses to the same asset and minor units, whatever the user's currency.
// Input: byte 0 picks the chain (bits 3-4, chat_genesis.h) and the user's
// currency in it (bits 0-2); the rest is the message text, split into words
// as the bot splits it.
#include <cstdint>
#include <string_view>

#include "client/bot/chat_amount.h"
#include "client/bot/command.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "tests/fuzz/chat_genesis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const remit::Genesis& genesis = remit::fuzz::ChatGenesis(static_cast<uint8_t>(data[0] >> 3));
  const std::string& currency = genesis.assets[(data[0] & 7) % genesis.assets.size()].code;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::vector<std::string> words = remit::bot::SplitWords(text);
  const absl::StatusOr<remit::bot::ChatAmount> amount =
      remit::bot::ParseChatAmount(words, currency, genesis);
  if (!amount.ok()) {
    REMIT_CHECK(amount.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  REMIT_CHECK(amount->amount_minor > 0);
  REMIT_CHECK(amount->amount_minor <= remit::kAmountMinorMax);
  const remit::AssetInfo* asset = genesis.FindAsset(amount->asset);
  REMIT_CHECK(asset != nullptr);
  REMIT_CHECK(amount->decimals == asset->decimals);
  REMIT_CHECK(amount->tokens_used >= 1 && amount->tokens_used <= 2);
  REMIT_CHECK(amount->tokens_used <= words.size());

  const std::string formatted =
      remit::bot::FormatChatAmount(amount->amount_minor, amount->asset, amount->decimals);
  for (const remit::AssetInfo& user_currency : genesis.assets) {
    const absl::StatusOr<remit::bot::ChatAmount> again =
        remit::bot::ParseChatAmount(remit::bot::SplitWords(formatted), user_currency.code, genesis);
    REMIT_CHECK(again.ok());
    REMIT_CHECK(again->asset == amount->asset);
    REMIT_CHECK(again->amount_minor == amount->amount_minor);
    REMIT_CHECK(again->tokens_used == 2);
  }
  return 0;
}
