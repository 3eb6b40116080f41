#include "client/bot/xmpp_stanzas.h"

namespace remit::bot {

void RequestRoster(xmpp_ctx_t* ctx, xmpp_conn_t* conn) {
  xmpp_stanza_t* iq = xmpp_iq_new(ctx, "get", "roster-1");
  xmpp_stanza_t* query = xmpp_stanza_new(ctx);
  xmpp_stanza_set_name(query, "query");
  xmpp_stanza_set_ns(query, "jabber:iq:roster");
  xmpp_stanza_add_child(iq, query);
  xmpp_stanza_release(query);
  xmpp_send(conn, iq);
  xmpp_stanza_release(iq);
}

void SendPresence(xmpp_ctx_t* ctx, xmpp_conn_t* conn, const char* type, const char* to) {
  xmpp_stanza_t* presence = xmpp_presence_new(ctx);
  if (type != nullptr) xmpp_stanza_set_type(presence, type);
  if (to != nullptr) xmpp_stanza_set_to(presence, to);
  xmpp_send(conn, presence);
  xmpp_stanza_release(presence);
}

}  // namespace remit::bot
