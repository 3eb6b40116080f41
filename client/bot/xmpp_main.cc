#include "client/bot/xmpp_main.h"

#include <csignal>
#include <fstream>
#include <iostream>

#include "client/bot/bot_runner.h"
#include "client/bot/message_dispatcher.h"
#include "client/bot/xmpp_transport.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

std::atomic<XmppTransport*> g_transport{nullptr};

void OnSignal(int) {
  XmppTransport* transport = g_transport.load();
  if (transport != nullptr) transport->Stop();
}

absl::StatusOr<std::string> ReadPassword(const std::string& path) {
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password)) {
    return absl::NotFoundError(StrCat("cannot read the password file ", path));
  }
  while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) {
    password.pop_back();
  }
  if (password.empty())
    return absl::InvalidArgumentError(StrCat("password file ", path, " is empty"));
  return password;
}

absl::StatusOr<XmppOptions> MakeOptions(const XmppArgs& args) {
  XmppOptions options;
  options.jid = args.jid;
  ASSIGN_OR_RETURN(options.password, ReadPassword(args.password_file));
  const size_t colon = args.server.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(StrCat("--server ", args.server, " is not HOST:PORT"));
  }
  options.host = args.server.substr(0, colon);
  const int port = std::atoi(args.server.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(StrCat("--server ", args.server, " has no valid port"));
  }
  options.port = static_cast<uint16_t>(port);
  options.trust_self_signed = args.trust_self_signed;
  return options;
}

}  // namespace

void AddXmppOptions(CLI::App* command, XmppArgs& args) {
  command->add_option("--jid", args.jid, "the bot's XMPP account, e.g. paybot@localhost")
      ->required();
  command->add_option("--password-file", args.password_file, "file holding the bot's password")
      ->required();
  command->add_option("--server", args.server, "HOST:PORT of the XMPP server")->required();
  command->add_flag("--trust-self-signed", args.trust_self_signed,
                    "accept a self-signed TLS certificate (local servers only)");
  command->add_option("--workers", args.workers, "threads that handle chat messages")
      ->capture_default_str()
      ->check(CLI::Range(1u, kDispatchWorkersMax));
}

int RunXmpp(const XmppArgs& args, Bot& bot) {
  absl::StatusOr<XmppOptions> options = MakeOptions(args);
  if (!options.ok()) {
    std::cerr << "remit-bot: " << options.status().message() << "\n";
    return 2;
  }
  const std::string server = args.server;
  options->on_online = [server](const XmppSessionInfo& info) {
    std::cerr << "remit-bot: online as " << info.jid << " via " << server << " ("
              << (info.secured ? "TLS" : "no TLS") << ", "
              << (info.no_delay ? "TCP_NODELAY" : "Nagle") << "); serving" << std::endl;
  };
  XmppTransport transport(*options);
  g_transport.store(&transport);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  BotRunner runner(bot.engine.get(), bot.client.get(), &transport, WallClockMs,
                   RunnerOptions{.workers = args.workers});
  std::cerr << "remit-bot: connecting to " << args.server << " as " << args.jid << std::endl;
  const absl::Status status = runner.Run(WallClockMs(), /*drain_timeout_ms=*/0);
  g_transport.store(nullptr);
  if (!status.ok()) {
    std::cerr << "remit-bot: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace remit::bot
