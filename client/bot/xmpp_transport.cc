#include "client/bot/xmpp_transport.h"

#include <spdlog/spdlog.h>
#include <strophe.h>

#include <cctype>
#include <chrono>
#include <thread>

#include "client/bot/bot_setup.h"
#include "ledger/check.h"

namespace remit::bot {

// One connection attempt's state, alive while Run() drives it.
struct XmppTransport::Session {
  XmppTransport* transport = nullptr;
  const MessageHandler* on_message = nullptr;
  xmpp_ctx_t* ctx = nullptr;
  xmpp_conn_t* conn = nullptr;
  std::string own_bare_jid;
  bool ended = false;  // disconnected or failed: make a new connection
};

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

int OnMessage(xmpp_conn_t* conn, xmpp_stanza_t* stanza, void* userdata) {
  (void)conn;
  auto* session = static_cast<XmppTransport::Session*>(userdata);
  const char* type = xmpp_stanza_get_type(stanza);
  const char* from = xmpp_stanza_get_from(stanza);
  if (type == nullptr || std::string_view(type) != "chat" || from == nullptr) return 1;
  char* body = xmpp_message_get_body(stanza);
  if (body == nullptr) return 1;  // chat states, receipts
  char* bare = xmpp_jid_bare(session->ctx, from);
  const char* id = xmpp_stanza_get_id(stanza);
  InboundMessage message{
      .from = Lower(bare == nullptr ? "" : bare),
      .message_id = id == nullptr ? "" : id,
      .text = body,
      .one_to_one = true,
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

void OnConnection(xmpp_conn_t* conn, xmpp_conn_event_t status, int error,
                  xmpp_stream_error_t* stream_error, void* userdata) {
  (void)stream_error;
  auto* session = static_cast<XmppTransport::Session*>(userdata);
  if (status == XMPP_CONN_CONNECT) {
    xmpp_handler_add(conn, OnMessage, nullptr, "message", nullptr, session);
    xmpp_stanza_t* presence = xmpp_presence_new(session->ctx);
    xmpp_send(conn, presence);
    xmpp_stanza_release(presence);
    spdlog::info("xmpp: connected as {}", session->own_bare_jid);
    return;
  }
  spdlog::warn("xmpp: disconnected (error {})", error);
  session->ended = true;
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
                    .ctx = ctx,
                    .conn = nullptr,
                    .own_bare_jid = own,
                    .ended = false};
    session.conn = xmpp_conn_new(ctx);
    REMIT_CHECK(session.conn != nullptr);
    xmpp_conn_set_flags(session.conn, options_.trust_self_signed ? XMPP_CONN_FLAG_TRUST_TLS : 0);
    xmpp_conn_set_jid(session.conn, options_.jid.c_str());
    xmpp_conn_set_pass(session.conn, options_.password.c_str());
    xmpp_conn_set_sockopt_callback(session.conn, xmpp_sockopt_cb_keepalive);
    const auto started = std::chrono::steady_clock::now();
    if (xmpp_connect_client(session.conn, options_.host.c_str(), options_.port, OnConnection,
                            &session) == XMPP_EOK) {
      while (!stopped_.load() && !session.ended) {
        xmpp_run_once(ctx, kXmppPollMs);
        connected_.store(xmpp_conn_is_connected(session.conn) != 0);
        if (connected_.load()) SendQueued(session);
      }
    }
    connected_.store(false);
    if (!session.ended) xmpp_disconnect(session.conn);
    for (int i = 0; i < 10; ++i) xmpp_run_once(ctx, 1);  // let libstrophe finish the disconnect
    xmpp_conn_release(session.conn);
    if (stopped_.load()) break;
    // A session that lasted resets the back-off.
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(10)) {
      backoff_ms = kXmppBackoffMsMin;
    }
    spdlog::warn("xmpp: reconnecting to {}:{} in {} ms", options_.host, options_.port, backoff_ms);
    for (uint64_t waited = 0; waited < backoff_ms && !stopped_.load(); waited += kXmppPollMs) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kXmppPollMs));
    }
    backoff_ms = std::min(backoff_ms * 2, kXmppBackoffMsMax);
  }
  xmpp_ctx_free(ctx);
  return absl::OkStatus();
}

void XmppTransport::SendQueued(Session& session) {
  std::deque<OutboundMessage> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(outbox_);
  }
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
