// XmppTransport: the bot as an XMPP client (libstrophe, used under its MIT
// licence). Every libstrophe call happens on the thread that calls Run();
// Post() only queues. Identity is the sender's bare JID, lower case, as the
// server authenticated it. Only messages of type "chat" with a body are
// taken; a message carrying an XEP-0203 <delay/> (an offline queue's) is
// marked delayed. TLS is used when the server offers it; a self-signed
// certificate is accepted only with trust_self_signed. After a disconnect or
// a failed connect the transport reconnects with exponential back-off.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "client/bot/transport.h"

namespace remit::bot {

inline constexpr uint64_t kXmppBackoffMsMin = 250;
inline constexpr uint64_t kXmppBackoffMsMax = 30'000;
inline constexpr size_t kXmppOutboxMax = 10'000;
inline constexpr uint64_t kXmppPollMs = 20;

struct XmppOptions {
  std::string jid;       // the bot's account, e.g. paybot@localhost
  std::string password;  // never logged
  std::string host;      // the server to connect to
  uint16_t port = 5222;
  bool trust_self_signed = false;
};

class XmppTransport final : public Transport {
 public:
  explicit XmppTransport(XmppOptions options);
  ~XmppTransport() override;

  absl::Status Run(const MessageHandler& on_message) override;
  void Post(const OutboundMessage& message) override;
  void Stop() override;
  // True while a session is established (for tests and the benchmark).
  bool connected() const { return connected_.load(); }

  // libstrophe's callbacks; public only so that the C trampolines reach them.
  struct Session;

 private:
  void SendQueued(Session& session);

  const XmppOptions options_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;  // guards outbox_
  std::deque<OutboundMessage> outbox_;
};

}  // namespace remit::bot
