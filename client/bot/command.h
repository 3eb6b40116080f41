// Chat commands (docs/BOT.md, "Commands"): the first word names the
// command, case-insensitively; the rest are its arguments, kept as words so
// that the amount parser and the note keep what the user typed.
//
//   help | balance | address | faucet | cancel
//   pay <who> <amount> [note]        (alias: send)
//   request <who> <amount> [note]
//   accept [code] | decline [code]
//   history [n]
//   currency [CODE]
//   convert <amount> to <CODE>
//   rates
//   yes <code>
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace remit::bot {

inline constexpr size_t kMessageBytesMax = 1024;
inline constexpr uint32_t kHistoryDefault = 5;
inline constexpr uint32_t kHistoryMax = 20;

enum class CommandKind {
  kHelp,
  kBalance,
  kPay,
  kRequest,
  kAccept,
  kDecline,
  kHistory,
  kAddress,
  kCurrency,
  kFaucet,
  kYes,
  kCancel,
  kConvert,
  kRates,
};

struct Command {
  CommandKind kind = CommandKind::kHelp;
  std::string who;                // pay, request
  std::vector<std::string> rest;  // pay, request: amount words then note words; convert: amount
  std::string code;               // yes, accept, decline, currency, convert's target; may be empty
  uint32_t count = kHistoryDefault;  // history
};

// True for the commands that move money or commit the user to a payment.
bool IsMoneyCommand(CommandKind kind);

// The message split on whitespace.
std::vector<std::string> SplitWords(std::string_view text);

// INVALID_ARGUMENT, with the usage of the command, for an unknown command or
// missing or malformed arguments.
absl::StatusOr<Command> ParseCommand(std::string_view text);

// The help text listing every command.
std::string HelpText(bool testnet);

}  // namespace remit::bot
