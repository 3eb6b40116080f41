#include "client/bot/xmpp_transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <strophe.h>
#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <thread>

#include "client/bot/bot_setup.h"
#include "client/bot/xmpp_stanzas.h"
#include "ledger/check.h"

namespace remit::bot {

// One connection attempt's state, alive while Run() drives it.
struct XmppTransport::Session {
  XmppTransport* transport = nullptr;
  const MessageHandler* on_message = nullptr;
  const std::function<void(const XmppSessionInfo&)>* on_online = nullptr;
  xmpp_ctx_t* ctx = nullptr;
  xmpp_conn_t* conn = nullptr;
  std::string own_bare_jid;
  int socket_fd = -1;            // set by the sockopt callback
  bool ended = false;            // disconnected or failed: make a new connection
  uint64_t last_traffic_ms = 0;  // steady clock, for the poll interval
};

namespace {

// The session the sockopt callback belongs to: libstrophe gives it only the
// connection, and every call happens on Run()'s thread.
thread_local XmppTransport::Session* g_connecting = nullptr;

uint64_t SteadyMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// libstrophe's keep-alive settings, and TCP_NODELAY.
int SetSocketOptions(xmpp_conn_t* conn, void* sock) {
  const int fd = *static_cast<int*>(sock);
  const int one = 1;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) return -1;
  if (g_connecting != nullptr) g_connecting->socket_fd = fd;
  return xmpp_sockopt_cb_keepalive(conn, sock);
}

bool NoDelay(int fd) {
  int value = 0;
  socklen_t length = sizeof(value);
  return fd >= 0 && ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length) == 0 && value != 0;
}

// A one-to-one message (type "chat"), one that is not (normal, headline,
// none), or one the bot never takes.
enum class Kind { kChat, kNotChat, kIgnored };

Kind KindOf(xmpp_ctx_t* ctx, xmpp_stanza_t* stanza, const char* from) {
  const char* type = xmpp_stanza_get_type(stanza);
  const std::string_view kind = type == nullptr ? "normal" : type;
  if (kind == "groupchat" || kind == "error") return Kind::kIgnored;
  if (xmpp_stanza_get_child_by_name_and_ns(stanza, "x", "http://jabber.org/protocol/muc#user") !=
      nullptr) {
    return Kind::kIgnored;  // relayed by a room: the bare JID is the room's
  }
  char* node = xmpp_jid_node(ctx, from);
  const bool has_node = node != nullptr && *node != '\0';
  if (node != nullptr) xmpp_free(ctx, node);
  if (!has_node) return Kind::kIgnored;  // a server or component, not a person
  if (kind == "chat") return Kind::kChat;
  if (kind == "normal" || kind == "headline") return Kind::kNotChat;
  return Kind::kIgnored;
}

// The id the engine keys the message by: an XEP-0308 correction's is the
// corrected message's.
std::string MessageId(xmpp_stanza_t* stanza) {
  xmpp_stanza_t* replace =
      xmpp_stanza_get_child_by_name_and_ns(stanza, "replace", "urn:xmpp:message-correct:0");
  const char* replaced = replace == nullptr ? nullptr : xmpp_stanza_get_id(replace);
  if (replaced != nullptr && *replaced != '\0') return replaced;
  const char* id = xmpp_stanza_get_id(stanza);
  return id == nullptr ? "" : id;
}

int OnMessage(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata) {
  (void)conn;
  auto* session = static_cast<XmppTransport::Session*>(userdata);
  session->last_traffic_ms = SteadyMs();
  const char* from = xmpp_stanza_get_from(stanza);
  if (from == nullptr) return 1;
  const Kind kind = KindOf(session->ctx, stanza, from);
  if (kind == Kind::kIgnored) return 1;
  char* body = xmpp_message_get_body(stanza);
  if (body == nullptr) return 1;  // chat states, receipts
  char* bare = xmpp_jid_bare(session->ctx, from);
  InboundMessage message{
      .from = Lower(bare == nullptr ? "" : bare),
      .message_id = MessageId(stanza),
      .text = body,
      .one_to_one = kind == Kind::kChat,
      .delayed = xmpp_stanza_get_child_by_name_and_ns(stanza, "delay", "urn:xmpp:delay") != nullptr,
      .now_ms = WallClockMs()};
  xmpp_free(session->ctx, body);
  if (bare != nullptr) xmpp_free(session->ctx, bare);
  if (!message.from.empty() && message.from != session->own_bare_jid &&
      message.from.size() <= kIdentityBytesMax) {
    (*session->on_message)(message);
  }
  return 1;  // keep the handler
}

// Accepts a user's subscription to the bot's presence; the server then
// sends the user the bot's current presence.
int OnPresence(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata) {
  auto* session = static_cast<XmppTransport::Session*>(userdata);
  const char* type = xmpp_stanza_get_type(stanza);
  const char* from = xmpp_stanza_get_from(stanza);
  if (type == nullptr || from == nullptr || std::string_view(type) != "subscribe") return 1;
  char* bare = xmpp_jid_bare(session->ctx, from);
  char* node = xmpp_jid_node(session->ctx, from);
  if (bare != nullptr && node != nullptr && *node != '\0') {
    SendPresence(session->ctx, conn, "subscribed", bare);
  }
  if (node != nullptr) xmpp_free(session->ctx, node);
  if (bare != nullptr) xmpp_free(session->ctx, bare);
  return 1;
}

void OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t status, int error,
                  xmpp_stream_error_t* stream_error, void* userdata) {
  (void)stream_error;
  auto* session = static_cast<XmppTransport::Session*>(userdata);
  if (status != XMPP_CONN_CONNECT) {
    spdlog::warn("xmpp: disconnected (error {})", error);
    session->ended = true;
    return;
  }
  xmpp_handler_add(conn, OnMessage, nullptr, "message", nullptr, session);
  xmpp_handler_add(conn, OnPresence, nullptr, "presence", nullptr, session);
  // Asking for the roster makes this an "interested resource": the server
  // delivers subscription requests to it.
  RequestRoster(session->ctx, conn);
  SendPresence(session->ctx, conn, nullptr, nullptr);
  session->last_traffic_ms = SteadyMs();
  const char* bound = xmpp_conn_get_bound_jid(conn);
  const XmppSessionInfo info{.jid = bound == nullptr ? session->own_bare_jid : bound,
                             .secured = xmpp_conn_is_secured(conn) != 0,
                             .no_delay = NoDelay(session->socket_fd)};
  spdlog::info("xmpp: connected as {}", info.jid);
  if (*session->on_online != nullptr) (*session->on_online)(info);
}

}  // namespace

XmppTransport::XmppTransport(XmppOptions options) : options_(std::move(options)) {
  xmpp_initialize();
}

XmppTransport::~XmppTransport() { xmpp_shutdown(); }

absl::Status XmppTransport::Run(const MessageHandler& on_message) {
  xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);  // no logger: debug logs carry SASL data
  REMIT_CHECK(ctx != nullptr);
  uint64_t backoff_ms = kXmppBackoffMsMin;
  char* bare = xmpp_jid_bare(ctx, options_.jid.c_str());
  const std::string own = Lower(bare == nullptr ? options_.jid : bare);
  if (bare != nullptr) xmpp_free(ctx, bare);
  while (!stopped_.load()) {
    Session session{.transport = this,
                    .on_message = &on_message,
                    .on_online = &options_.on_online,
                    .ctx = ctx,
                    .conn = nullptr,
                    .own_bare_jid = own,
                    .socket_fd = -1,
                    .ended = false,
                    .last_traffic_ms = 0};
    const auto started = std::chrono::steady_clock::now();
    RunSession(session);
    if (stopped_.load()) break;
    // A session that lasted resets the back-off.
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(10)) {
      backoff_ms = kXmppBackoffMsMin;
    }
    spdlog::warn("xmpp: reconnecting to {}:{} in {} ms", options_.host, options_.port, backoff_ms);
    for (uint64_t waited = 0; waited < backoff_ms && !stopped_.load(); waited += kXmppPollMsIdle) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kXmppPollMsIdle));
    }
    backoff_ms = std::min(backoff_ms * 2, kXmppBackoffMsMax);
  }
  xmpp_ctx_free(ctx);
  return absl::OkStatus();
}

void XmppTransport::RunSession(Session& session) {
  session.conn = xmpp_conn_new(session.ctx);
  REMIT_CHECK(session.conn != nullptr);
  xmpp_conn_set_flags(session.conn, options_.trust_self_signed ? XMPP_CONN_FLAG_TRUST_TLS : 0);
  xmpp_conn_set_jid(session.conn, options_.jid.c_str());
  xmpp_conn_set_pass(session.conn, options_.password.c_str());
  xmpp_conn_set_sockopt_callback(session.conn, SetSocketOptions);
  g_connecting = &session;
  if (xmpp_connect_client(session.conn, options_.host.c_str(), options_.port, OnConnection,
                          &session) == XMPP_EOK) {
    while (!stopped_.load() && !session.ended) {
      const bool busy = SteadyMs() < session.last_traffic_ms + kXmppBusyMs;
      xmpp_run_once(session.ctx, busy ? kXmppPollMsBusy : kXmppPollMsIdle);
      connected_.store(xmpp_conn_is_connected(session.conn) != 0);
      if (connected_.load()) SendQueued(session);
    }
  }
  connected_.store(false);
  if (!session.ended) xmpp_disconnect(session.conn);
  for (int i = 0; i < 10; ++i) xmpp_run_once(session.ctx, 1);  // let libstrophe finish
  xmpp_conn_release(session.conn);
  g_connecting = nullptr;
}

void XmppTransport::SendQueued(Session& session) {
  std::deque<OutboundMessage> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(outbox_);
  }
  if (!batch.empty()) session.last_traffic_ms = SteadyMs();
  for (const OutboundMessage& message : batch) {
    xmpp_stanza_t* stanza = xmpp_message_new(session.ctx, "chat", message.to.c_str(), nullptr);
    xmpp_message_set_body(stanza, message.text.c_str());
    xmpp_send(session.conn, stanza);
    xmpp_stanza_release(stanza);
  }
}

void XmppTransport::Post(const OutboundMessage& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (outbox_.size() >= kXmppOutboxMax) {
    spdlog::warn("xmpp: outbox full ({} messages); dropping the oldest", kXmppOutboxMax);
    outbox_.pop_front();
  }
  outbox_.push_back(message);
}

void XmppTransport::Stop() { stopped_.store(true); }

}  // namespace remit::bot
