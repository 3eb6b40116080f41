#include "client/bot/command.h"

#include <cctype>
#include <charconv>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

absl::Status Usage(std::string_view usage) {
  return absl::InvalidArgumentError(StrCat("usage: ", usage));
}

absl::StatusOr<Command> ParseTransferLike(CommandKind kind, const std::vector<std::string>& words) {
  const std::string_view usage =
      kind == CommandKind::kPay ? "pay <who> <amount> [note], e.g. pay bob $0.50 coffee"
                                : "request <who> <amount> [note], e.g. request bob 5 EUR lunch";
  if (words.size() < 2) return Usage(usage);
  if (words.size() < 3) {
    return absl::InvalidArgumentError(StrCat("the amount is missing; usage: ", usage));
  }
  Command command{.kind = kind, .who = words[1], .rest = {}, .code = "", .count = 0};
  command.rest.assign(words.begin() + 2, words.end());
  return command;
}

absl::StatusOr<uint32_t> ParseCount(const std::string& word) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (error != std::errc() || end != word.data() + word.size() || value == 0 ||
      value > kHistoryMax) {
    return absl::InvalidArgumentError(
        StrCat("usage: history [n], n from 1 to ", kHistoryMax, ", e.g. history 10"));
  }
  return value;
}

// convert <amount> to <CODE>: the amount is one or two words.
absl::StatusOr<Command> ParseConvert(const std::vector<std::string>& words) {
  constexpr std::string_view kUsage = "convert <amount> to <CODE>, e.g. convert 10 USD to EUR";
  if (words.size() < 4 || words.size() > 5 || Lower(words[words.size() - 2]) != "to") {
    return Usage(kUsage);
  }
  Command command{.kind = CommandKind::kConvert, .who = "", .rest = {}, .code = "", .count = 0};
  command.rest.assign(words.begin() + 1, words.end() - 2);
  command.code = words.back();
  return command;
}

// Commands with at most one optional word.
absl::StatusOr<Command> ParseSimple(CommandKind kind, const std::vector<std::string>& words,
                                    bool code_required, std::string_view usage) {
  if (words.size() > 2 || (code_required && words.size() < 2)) return Usage(usage);
  Command command{.kind = kind, .who = "", .rest = {}, .code = "", .count = kHistoryDefault};
  if (words.size() == 2) command.code = words[1];
  return command;
}

}  // namespace

bool IsMoneyCommand(CommandKind kind) {
  switch (kind) {
    case CommandKind::kPay:
    case CommandKind::kRequest:
    case CommandKind::kAccept:
    case CommandKind::kDecline:
    case CommandKind::kFaucet:
    case CommandKind::kYes:
    case CommandKind::kCancel:
    case CommandKind::kConvert:
      return true;
    default:
      return false;
  }
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    const size_t start = i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

absl::StatusOr<Command> ParseCommand(std::string_view text) {
  if (text.size() > kMessageBytesMax) {
    return absl::InvalidArgumentError(StrCat("message longer than ", kMessageBytesMax, " bytes"));
  }
  const std::vector<std::string> words = SplitWords(text);
  if (words.empty()) return absl::InvalidArgumentError("empty message; send 'help'");
  const std::string name = Lower(words[0]);
  if (name == "pay" || name == "send") return ParseTransferLike(CommandKind::kPay, words);
  if (name == "request") return ParseTransferLike(CommandKind::kRequest, words);
  if (name == "help") return ParseSimple(CommandKind::kHelp, words, false, "help");
  if (name == "balance") return ParseSimple(CommandKind::kBalance, words, false, "balance");
  if (name == "address") return ParseSimple(CommandKind::kAddress, words, false, "address");
  if (name == "faucet") return ParseSimple(CommandKind::kFaucet, words, false, "faucet");
  if (name == "cancel") return ParseSimple(CommandKind::kCancel, words, false, "cancel");
  if (name == "accept") return ParseSimple(CommandKind::kAccept, words, false, "accept [code]");
  if (name == "decline") return ParseSimple(CommandKind::kDecline, words, false, "decline [code]");
  if (name == "currency") {
    return ParseSimple(CommandKind::kCurrency, words, false, "currency [CODE], e.g. currency EUR");
  }
  if (name == "convert") return ParseConvert(words);
  if (name == "rates") return ParseSimple(CommandKind::kRates, words, false, "rates");
  if (name == "yes") return ParseSimple(CommandKind::kYes, words, true, "yes <code>");
  if (name == "history") {
    ASSIGN_OR_RETURN(Command command,
                     ParseSimple(CommandKind::kHistory, words, false, "history [n]"));
    if (!command.code.empty()) {
      ASSIGN_OR_RETURN(command.count, ParseCount(command.code));
    }
    command.code.clear();
    return command;
  }
  return absl::InvalidArgumentError(
      StrCat("I do not know the command '", words[0], "'; send 'help' for the list"));
}

std::string HelpText(bool testnet) {
  std::string help =
      "commands:\n"
      "  balance                      your balances\n"
      "  pay <who> <amount> [note]    e.g. pay bob $0.50 coffee (alias: send)\n"
      "  request <who> <amount> [note]  ask someone to pay you; they answer accept/decline\n"
      "  accept [code] / decline [code] answer a payment request\n"
      "  history [n]                  your last n payments\n"
      "  address                      your account address\n"
      "  currency [CODE]              show or set your default currency\n"
      "  convert <amount> to <CODE>   e.g. convert 10 USD to EUR\n"
      "  rates                        what your currency buys in the others\n"
      "  yes <code> / cancel          confirm or cancel a pending payment\n";
  if (testnet) help += "  faucet                       get test money (testnets only)\n";
  help +=
      "<who> is a chat address (bob@example.org), a contact, or an rmt1 address;\n"
      "a chat address without a wallet gets a claimable payment.\n"
      "pay bob 500 PHP from another currency shows a quote first.\n"
      "amounts: 0.50, $0.50, 50c, 0.50 USD, USD 0.50, €2, 2 EUR, 100 PHP";
  return help;
}

}  // namespace remit::bot
