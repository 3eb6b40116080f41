#include "tests/bot/chat_client.h"

#include <chrono>

#include "client/bot/xmpp_stanzas.h"

namespace remit::bot::testing {

ChatClient::ChatClient(std::string jid, std::string password, uint16_t port)
    : jid_(std::move(jid)), password_(std::move(password)), port_(port) {
  xmpp_initialize();
  ctx_ = xmpp_ctx_new(nullptr, nullptr);
  conn_ = xmpp_conn_new(ctx_);
}

ChatClient::~ChatClient() {
  if (connected_) {
    xmpp_disconnect(conn_);
    for (int i = 0; i < 20 && connected_; ++i) xmpp_run_once(ctx_, 5);
  }
  xmpp_conn_release(conn_);
  xmpp_ctx_free(ctx_);
}

bool ChatClient::Connect(uint64_t timeout_ms) {
  // Like a stock client told to accept the local server's self-signed
  // certificate: TLS or nothing.
  xmpp_conn_set_flags(conn_, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_TRUST_TLS);
  xmpp_conn_set_jid(conn_, jid_.c_str());
  xmpp_conn_set_pass(conn_, password_.c_str());
  if (xmpp_connect_client(conn_, "127.0.0.1", port_, OnConnection, this) != XMPP_EOK) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!connected_ && std::chrono::steady_clock::now() < deadline) xmpp_run_once(ctx_, 10);
  return connected_;
}

void ChatClient::Send(const std::string& to, const std::string& body, const std::string& id) {
  SendTyped(to, body, id, "chat");
}

void ChatClient::SendTyped(const std::string& to, const std::string& body, const std::string& id,
                           const std::string& type) {
  xmpp_stanza_t* message =
      xmpp_message_new(ctx_, type.empty() ? nullptr : type.c_str(), to.c_str(), id.c_str());
  xmpp_message_set_body(message, body.c_str());
  xmpp_send(conn_, message);
  xmpp_stanza_release(message);
  xmpp_run_once(ctx_, 1);
}

void ChatClient::Subscribe(const std::string& to) {
  SendPresence(ctx_, conn_, "subscribe", to.c_str());
  xmpp_run_once(ctx_, 1);
}

void ChatClient::Pump(uint64_t timeout_ms) { xmpp_run_once(ctx_, timeout_ms); }

bool ChatClient::secured() const { return connected_ && xmpp_conn_is_secured(conn_) != 0; }

int ChatClient::OnMessage(xmpp_conn_t*, xmpp_stanza_t* stanza, void* userdata) {
  auto* client = static_cast<ChatClient*>(userdata);
  char* body = xmpp_message_get_body(stanza);
  if (body != nullptr) {
    client->received.emplace_back(body);
    xmpp_free(client->ctx_, body);
  }
  return 1;
}

int ChatClient::OnPresence(xmpp_conn_t*, xmpp_stanza_t* stanza, void* userdata) {
  auto* client = static_cast<ChatClient*>(userdata);
  const char* type = xmpp_stanza_get_type(stanza);
  const char* from = xmpp_stanza_get_from(stanza);
  client->presences.push_back(std::string(type == nullptr ? "available" : type) + " " +
                              (from == nullptr ? "" : from));
  return 1;
}

void ChatClient::OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t status, int,
                              xmpp_stream_error_t*, void* userdata) {
  auto* client = static_cast<ChatClient*>(userdata);
  if (status != XMPP_CONN_CONNECT) {
    client->connected_ = false;
    return;
  }
  xmpp_handler_add(conn, OnMessage, nullptr, "message", nullptr, client);
  xmpp_handler_add(conn, OnPresence, nullptr, "presence", nullptr, client);
  // As a stock client does: ask for the roster (so the server delivers
  // subscription answers here), then become available.
  RequestRoster(client->ctx_, conn);
  SendPresence(client->ctx_, conn, nullptr, nullptr);
  client->connected_ = true;
}

std::string WaitFor(const std::vector<ChatClient*>& all, ChatClient& who, const std::string& part,
                    uint64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    for (size_t i = who.cursor; i < who.received.size(); ++i) {
      if (who.received[i].find(part) != std::string::npos) {
        who.cursor = i + 1;
        return who.received[i];
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) return "";
    for (ChatClient* client : all) client->Pump(5);
  }
}

bool WaitForPresence(const std::vector<ChatClient*>& all, ChatClient& who,
                     const std::string& prefix, uint64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    for (const std::string& presence : who.presences) {
      if (presence.starts_with(prefix)) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    for (ChatClient* client : all) client->Pump(5);
  }
}

}  // namespace remit::bot::testing
