// ChatClient: a minimal XMPP chat user for the bot's integration tests and
// benchmark, on libstrophe. Single-threaded: every call, including Pump(),
// must come from the thread that created it. Remembers every chat body it
// receives, in order, and every presence stanza (type and sender).
#pragma once

#include <strophe.h>

#include <cstdint>
#include <string>
#include <vector>

namespace remit::bot::testing {

class ChatClient {
 public:
  ChatClient(std::string jid, std::string password, uint16_t port);
  ~ChatClient();
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  // Connects and sends initial presence; false if not online within timeout_ms.
  bool Connect(uint64_t timeout_ms);
  // A message of type "chat".
  void Send(const std::string& to, const std::string& body, const std::string& id);
  // A message of `type` ("normal", "headline", "groupchat"; "" for none).
  void SendTyped(const std::string& to, const std::string& body, const std::string& id,
                 const std::string& type);
  // Asks to see `to`'s presence (a roster subscription request).
  void Subscribe(const std::string& to);
  // Runs the connection's event loop for up to `timeout_ms`.
  void Pump(uint64_t timeout_ms);
  bool connected() const { return connected_; }
  // True while connected over TLS (the client insists on it and trusts the
  // server's self-signed certificate, as a person would after checking it).
  bool secured() const;

  std::vector<std::string> received;
  size_t cursor = 0;  // WaitFor's position in `received`
  // "TYPE FROM" of each presence received; TYPE is "available" when absent.
  std::vector<std::string> presences;

 private:
  static int OnMessage(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata);
  static int OnPresence(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata);
  static void OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t status, int error,
                           xmpp_stream_error_t* stream_error, void* userdata);

  std::string jid_;
  std::string password_;
  uint16_t port_;
  xmpp_ctx_t* ctx_ = nullptr;
  xmpp_conn_t* conn_ = nullptr;
  bool connected_ = false;
};

// Pumps every client until `who` has received a body containing `part`
// after its cursor; returns that body and moves the cursor past it, or ""
// after timeout_ms.
std::string WaitFor(const std::vector<ChatClient*>& all, ChatClient& who, const std::string& part,
                    uint64_t timeout_ms);
// Pumps every client until `who` has received a presence whose "TYPE FROM"
// starts with `prefix`; false after timeout_ms.
bool WaitForPresence(const std::vector<ChatClient*>& all, ChatClient& who,
                     const std::string& prefix, uint64_t timeout_ms);

}  // namespace remit::bot::testing
