// Fuzzes chat messages through the bot's command grammar
// (client/bot/command.h), and the amount words of pay and request through
// ParseChatAmount as the bot engine does. Every message any chat user sends
// takes this path, on each chain of chat_genesis.h. Proves for every input:
//   - ParseCommand never crashes; refusals are INVALID_ARGUMENT;
//   - an accepted command keeps its documented shape: pay and request have a
//     recipient and amount words, history a count in 1..kHistoryMax, yes a
//     code; no word is empty or holds whitespace;
//   - parsing depends on the words only: the message re-joined with single
//     spaces parses to the same command.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/bot/chat_amount.h"
#include "client/bot/command.h"
#include "ledger/check.h"
#include "tests/fuzz/chat_genesis.h"

namespace remit::bot {
namespace {

void CheckWord(const std::string& word) {
  REMIT_CHECK(!word.empty());
  for (char c : word) REMIT_CHECK(std::isspace(static_cast<unsigned char>(c)) == 0);
}

void CheckShape(const Command& command) {
  switch (command.kind) {
    case CommandKind::kPay:
    case CommandKind::kRequest:
      CheckWord(command.who);
      REMIT_CHECK(!command.rest.empty());
      for (const std::string& word : command.rest) CheckWord(word);
      break;
    case CommandKind::kHistory:
      REMIT_CHECK(command.count >= 1 && command.count <= kHistoryMax);
      REMIT_CHECK(command.code.empty());
      break;
    case CommandKind::kYes:
      CheckWord(command.code);
      break;
    default:
      if (!command.code.empty()) CheckWord(command.code);
      break;
  }
}

bool SameCommand(const Command& a, const Command& b) {
  return a.kind == b.kind && a.who == b.who && a.rest == b.rest && a.code == b.code &&
         a.count == b.count;
}

}  // namespace
}  // namespace remit::bot

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace remit::bot;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<Command> command = ParseCommand(text);
  if (!command.ok()) {
    REMIT_CHECK(command.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  REMIT_CHECK(text.size() <= kMessageBytesMax);
  CheckShape(*command);
  std::string joined;
  for (const std::string& word : SplitWords(text)) joined += (joined.empty() ? "" : " ") + word;
  const absl::StatusOr<Command> again = ParseCommand(joined);
  REMIT_CHECK(again.ok());
  REMIT_CHECK(SameCommand(*command, *again));
  if (command->kind == CommandKind::kPay || command->kind == CommandKind::kRequest) {
    // The amount words, as the engine reads them, on every chain variant.
    for (uint8_t variant = 0; variant < remit::fuzz::kChatGenesisVariants; ++variant) {
      const remit::Genesis& genesis = remit::fuzz::ChatGenesis(variant);
      const absl::StatusOr<ChatAmount> amount =
          ParseChatAmount(command->rest, genesis.assets.front().code, genesis);
      REMIT_CHECK(amount.ok() || amount.status().code() == absl::StatusCode::kInvalidArgument);
    }
  }
  return 0;
}
