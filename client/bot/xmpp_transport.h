// XmppTransport: the bot as an XMPP client (libstrophe, used under its MIT
// licence). Every libstrophe call happens on the thread that calls Run();
// Post() only queues. Identity is the sender's bare JID, lower case, as the
// server authenticated it.
//
// What is taken (docs/BOT.md, "Chat"):
// - type "chat" with a body: a one-to-one message;
// - type "normal", "headline" or none with a body: passed on as not
//   one-to-one, so a money command gets one answer that it works only in a
//   one-to-one chat, and nothing runs;
// - never "groupchat" or "error", a message relayed by a group chat room
//   (its bare JID is the room's, not the person's), or one from a JID with
//   no local part (a server or component).
// A message carrying an XEP-0203 <delay/> (an offline queue's) is marked
// delayed. An XEP-0308 correction carries the id of the message it
// corrects, so the engine sees the corrected message's id with a new text
// and runs nothing.
//
// Presence: the bot is available, and accepts every user's subscription to
// its presence, so that clients show it online.
//
// The socket has TCP_NODELAY: a reply is one small write that must not
// wait for the ACK of the one before (Nagle's algorithm with delayed ACKs
// held every reply about 40 ms). TLS is used when the server offers it; a
// self-signed certificate is accepted only with trust_self_signed. After a
// disconnect or a failed connect the transport reconnects with exponential
// back-off.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "client/bot/transport.h"

namespace remit::bot {

inline constexpr uint64_t kXmppBackoffMsMin = 250;
inline constexpr uint64_t kXmppBackoffMsMax = 30'000;
inline constexpr size_t kXmppOutboxMax = 10'000;
// How long one libstrophe loop waits for the network: briefly while
// replies are expected (for kXmppBusyMs after any traffic), longer when
// idle. Post() cannot wake the loop, so this bounds how long a reply
// waits to be sent.
inline constexpr uint64_t kXmppPollMsBusy = 1;
inline constexpr uint64_t kXmppPollMsIdle = 20;
inline constexpr uint64_t kXmppBusyMs = 10'000;

// What a new session is, reported once it is established.
struct XmppSessionInfo {
  std::string jid;        // the bound JID
  bool secured = false;   // TLS
  bool no_delay = false;  // TCP_NODELAY, read back from the socket
};

struct XmppOptions {
  std::string jid;       // the bot's account, e.g. paybot@localhost
  std::string password;  // never logged
  std::string host;      // the server to connect to
  uint16_t port = 5222;
  bool trust_self_signed = false;
  // Called on Run()'s thread each time a session is established.
  std::function<void(const XmppSessionInfo&)> on_online = nullptr;
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
  void RunSession(Session& session);

  const XmppOptions options_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;  // guards outbox_
  std::deque<OutboundMessage> outbox_;
};

}  // namespace remit::bot
