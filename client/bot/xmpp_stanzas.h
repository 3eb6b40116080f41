// The few XMPP stanzas both the bot's transport and the tests' chat users
// send, on libstrophe. Call them on the connection's own thread.
#pragma once

#include <strophe.h>

namespace remit::bot {

// Asks the server for the roster. A client that has is an "interested
// resource" (RFC 6121, 2.1.6): the server delivers presence subscription
// requests and answers to it.
void RequestRoster(xmpp_ctx_t* ctx, xmpp_conn_t* conn);

// Sends a presence stanza of `type` ("subscribe", "subscribed"; nullptr:
// available) to `to` (nullptr: the server broadcasts it).
void SendPresence(xmpp_ctx_t* ctx, xmpp_conn_t* conn, const char* type, const char* to);

}  // namespace remit::bot
