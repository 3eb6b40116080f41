// TerminalTransport: the demo's chat in a terminal. Each input line is
// `NAME: TEXT`, a message from the demo user NAME; each reply is printed as
// `bot -> NAME: TEXT`. With a TTY on input it prompts; through a pipe it
// prints nothing but replies and errors, so it can be scripted. Lines that
// start with '#' are comments.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <mutex>
#include <ostream>

#include "client/bot/transport.h"

namespace remit::bot {

inline constexpr size_t kTerminalNameBytesMax = 64;

class TerminalTransport final : public Transport {
 public:
  // `now_ms` is the wall clock for each message.
  TerminalTransport(std::istream& in, std::ostream& out, bool interactive,
                    std::function<uint64_t()> now_ms);

  absl::Status Run(const MessageHandler& on_message) override;
  void Post(const OutboundMessage& message) override;
  void Stop() override;

 private:
  void Print(const std::string& line);

  std::istream& in_;
  std::ostream& out_;
  const bool interactive_;
  const std::function<uint64_t()> now_ms_;
  std::mutex mutex_;  // guards out_
  bool stopped_ = false;
};

}  // namespace remit::bot
