// `remit-bot xmpp`: its options and the function that runs the bot over XMPP
// until SIGINT or SIGTERM.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "client/bot/bot_setup.h"

namespace remit::bot {

struct XmppArgs {
  std::string jid;
  std::string password_file;
  std::string server;  // HOST:PORT
  bool trust_self_signed = false;
};

void AddXmppOptions(CLI::App* command, XmppArgs& args);

// The process exit code.
int RunXmpp(const XmppArgs& args, Bot& bot);

}  // namespace remit::bot
