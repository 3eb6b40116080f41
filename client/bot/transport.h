// Transport: where chat messages come from and replies go (docs/BOT.md). The
// bot engine is the same behind every transport.
#pragma once

#include <functional>

#include "absl/status/status.h"
#include "client/bot/bot_engine.h"

namespace remit::bot {

using MessageHandler = std::function<void(const InboundMessage& message)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers every inbound message to `on_message`, on the caller's thread,
  // until the input ends (OK), Stop() is called (OK), or the transport fails
  // for good (its status).
  virtual absl::Status Run(const MessageHandler& on_message) = 0;
  // Sends `message` soon. Thread-safe; never blocks on the network.
  virtual void Post(const OutboundMessage& message) = 0;
  // Makes Run return soon. Thread-safe.
  virtual void Stop() = 0;
};

}  // namespace remit::bot
