#include "client/bot/terminal_transport.h"

#include <sodium.h>

#include <array>
#include <cctype>
#include <string>

#include "ledger/strings.h"
#include "ledger/types.h"

namespace remit::bot {
namespace {

constexpr std::string_view kPrompt = "> ";
constexpr std::string_view kUsage = "type NAME: TEXT, e.g. alice: pay bob $0.50 coffee";

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kTerminalNameBytesMax) return false;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '_' && c != '-' &&
        c != '@') {
      return false;
    }
  }
  return true;
}

std::string Trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])) != 0) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string RandomMessageId() {
  std::array<uint8_t, 8> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return "t-" + ToHex(bytes);
}

}  // namespace

TerminalTransport::TerminalTransport(std::istream& in, std::ostream& out, bool interactive,
                                     std::function<uint64_t()> now_ms)
    : in_(in), out_(out), interactive_(interactive), now_ms_(std::move(now_ms)) {}

absl::Status TerminalTransport::Run(const MessageHandler& on_message) {
  std::string line;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopped_) break;
      if (interactive_) out_ << kPrompt << std::flush;
    }
    if (!std::getline(in_, line)) break;
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const size_t colon = trimmed.find(':');
    const std::string name = colon == std::string::npos ? "" : Trim(trimmed.substr(0, colon));
    if (!ValidName(name)) {
      Print(StrCat("bot: ", kUsage));
      continue;
    }
    on_message(InboundMessage{.from = name,
                              .message_id = RandomMessageId(),
                              .text = Trim(trimmed.substr(colon + 1)),
                              .one_to_one = true,
                              .delayed = false,
                              .now_ms = now_ms_()});
  }
  return absl::OkStatus();
}

void TerminalTransport::Post(const OutboundMessage& message) {
  std::string text = message.text;
  // Continuation lines are indented under the first.
  for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
    text.insert(at + 1, "    ");
  }
  Print(StrCat("bot -> ", message.to, ": ", text));
}

void TerminalTransport::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = true;
}

void TerminalTransport::Print(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << line << "\n" << std::flush;
}

}  // namespace remit::bot
