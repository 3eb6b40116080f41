// `remit-bot xmpp`: its options and the function that runs the bot over XMPP
// until SIGINT or SIGTERM.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "client/bot/bot_setup.h"

namespace remit::bot {

// Threads that handle chat messages: one user's settlement waiting for the
// ledger holds up only that user.
inline constexpr uint32_t kXmppWorkersDefault = 4;

struct XmppArgs {
  std::string jid;
  std::string password_file;
  std::string server;  // HOST:PORT
  bool trust_self_signed = false;
  uint32_t workers = kXmppWorkersDefault;
};

void AddXmppOptions(CLI::App* command, XmppArgs& args);

// Runs until SIGINT or SIGTERM; returns the process exit code. Prints
// "remit-bot: online as ... serving" to stderr each time a session with
// the server is established, not before.
int RunXmpp(const XmppArgs& args, Bot& bot);

}  // namespace remit::bot
