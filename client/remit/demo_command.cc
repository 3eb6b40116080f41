// remit demo [--xmpp]: the one command of the README. Brings up a local
// testnet (reusing a running one), then hands the terminal to the chat bot
// with funded demo users alice and bob, so that `alice: pay bob $0.50 coffee`
// works at once. With --xmpp it also starts a private Prosody on loopback,
// registers alice, bob and the bot, and runs the bot there instead.
//
//   DIR/testnet/          the testnet (remit testnet up --dir DIR/testnet)
//   DIR/prosody/          Prosody's config, data, log and self-signed
//                         certificate (--xmpp)
//   DIR/paybot.password   the bot's XMPP password (0600)
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/bot/local_prosody.h"
#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/types.h"

namespace remit::cli {
namespace {

// Validators of the demo testnet: enough to tolerate one faulty validator.
constexpr uint32_t kDemoNodes = 4;
constexpr uint32_t kDemoBasePort = 7400;
constexpr uint32_t kDemoXmppPort = 15222;
constexpr char kDemoXmppHost[] = "localhost";
constexpr char kBotName[] = "remit-bot";

struct DemoArgs {
  std::string dir;
  bool xmpp = false;
  uint32_t base_port = kDemoBasePort;
  uint32_t xmpp_port = kDemoXmppPort;
};

std::string DefaultDir() {
  const char* home = std::getenv("HOME");
  return StrCat(home != nullptr && *home != '\0' ? home : ".", "/.remit/demo");
}

// remit-bot beside this executable, else on $PATH.
absl::StatusOr<std::string> FindBot() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::string beside = (self.parent_path() / kBotName).string();
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::string dirs = path;
    for (size_t start = 0; start <= dirs.size();) {
      const size_t colon = std::min(dirs.find(':', start), dirs.size());
      const std::string candidate = StrCat(dirs.substr(start, colon - start), "/", kBotName);
      start = colon + 1;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return absl::NotFoundError("cannot find remit-bot beside remit or on $PATH; build it");
}

// Replaces this process with `argv` (the bot keeps the terminal).
absl::Status Exec(const std::vector<std::string>& args) {
  std::cout.flush();
  std::cerr.flush();
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  return absl::UnavailableError(StrCat("cannot run ", args[0], ": ", std::strerror(errno)));
}

// The bot's XMPP password: made once, kept 0600 in the demo directory.
absl::StatusOr<std::string> BotPassword(const std::string& path) {
  if (std::ifstream in(path); in) {
    std::string password;
    std::getline(in, password);
    if (!password.empty()) return password;
  }
  std::array<uint8_t, 12> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  const std::string password = ToHex(bytes);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(StrCat("cannot write ", path));
  const std::string line = password + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return absl::InternalError(StrCat("cannot write ", path));
  return password;
}

// How to log in with a stock client, for the person running the demo.
std::string LoginHelp(const DemoArgs& args, const std::string& sha256, const std::string& sha1,
                      const std::string& certificate) {
  const std::string port = StrCat(args.xmpp_port);
  // Profanity shows the SHA-1 fingerprint as lower-case hex without colons.
  std::string sha1_plain;
  for (char c : sha1) {
    if (c != ':') sha1_plain += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return StrCat(
      "XMPP server: Prosody on 127.0.0.1:", port, " (", args.dir, "/prosody), TLS required.\n",
      "Its certificate is SELF-SIGNED (made for this demo, not signed by any authority), so your "
      "client will warn about it: accept it only if it shows this fingerprint:\n",
      "  SHA-256 ", sha256, "\n  SHA-1   ", sha1_plain, " (as Profanity shows it)\n",
      "Log in as alice@", kDemoXmppHost, " (password alice) or bob@", kDemoXmppHost,
      " (password bob), server 127.0.0.1 port ", port, ", then chat with paybot@", kDemoXmppHost,
      ": 'pay bob@", kDemoXmppHost, " $0.50 coffee'.\n", "  Profanity: /connect alice@",
      kDemoXmppHost, " server 127.0.0.1 port ", port, " tls force\n",
      "             it stops at the certificate: check the fingerprint, then /tls allow (this "
      "session) or /tls always\n",
      "  Gajim:     Add Account > I have an account > Advanced: Hostname 127.0.0.1, Port ", port,
      "; at the certificate warning check the fingerprint and tick to trust it\n",
      "  Dino:      no server or port fields and no way to accept a certificate: run the demo with "
      "--xmpp-port 5222 and add ",
      certificate, " to the system's trusted certificates (update-ca-certificates)\n",
      "Ctrl-C stops the bot; stop Prosody with: kill $(cat ", args.dir, "/prosody/prosody.pid)");
}

absl::StatusOr<std::vector<std::string>> StartXmpp(const DemoArgs& args, const std::string& bot,
                                                   const std::string& testnet_dir, Output& output) {
  ASSIGN_OR_RETURN(bot::LocalProsody prosody,
                   bot::LocalProsody::Create(args.dir + "/prosody", kDemoXmppHost, args.xmpp_port));
  const std::string password_file = args.dir + "/paybot.password";
  ASSIGN_OR_RETURN(const std::string password, BotPassword(password_file));
  RETURN_IF_ERROR(prosody.Register(StrCat("paybot@", kDemoXmppHost), password));
  for (const char* user : {"alice", "bob"}) {
    RETURN_IF_ERROR(prosody.Register(StrCat(user, "@", kDemoXmppHost), user));
  }
  if (!prosody.Running()) RETURN_IF_ERROR(prosody.Start());
  ASSIGN_OR_RETURN(const std::string sha256, prosody.CertificateFingerprint("sha256"));
  ASSIGN_OR_RETURN(const std::string sha1, prosody.CertificateFingerprint("sha1"));
  output.Note(LoginHelp(args, sha256, sha1, prosody.certificate_path()));
  return std::vector<std::string>{bot,
                                  "xmpp",
                                  "--jid",
                                  StrCat("paybot@", kDemoXmppHost),
                                  "--password-file",
                                  password_file,
                                  "--server",
                                  StrCat("127.0.0.1:", args.xmpp_port),
                                  "--trust-self-signed",
                                  "--testnet",
                                  testnet_dir,
                                  "--demo-users",
                                  StrCat("alice@", kDemoXmppHost, ",bob@", kDemoXmppHost)};
}

absl::Status RunDemo(const DemoArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const std::string bot, FindBot());
  const std::string testnet_dir = args.dir + "/testnet";
  std::filesystem::create_directories(args.dir);
  testnet::UpOptions options;
  options.nodes = kDemoNodes;
  options.base_port = args.base_port;
  absl::StatusOr<testnet::UpReport> report = testnet::TestnetUp(testnet_dir, options);
  if (!report.ok()) return BadInput(report.status());
  output.Note(StrCat("testnet: ", report->manifest.nodes.size(), " validator(s) in ", testnet_dir,
                     report->started.empty() ? " (already running)" : " (started)"));
  if (args.xmpp) {
    ASSIGN_OR_RETURN(const std::vector<std::string> argv,
                     StartXmpp(args, bot, testnet_dir, output));
    return Exec(argv);
  }
  output.Note(
      "demo users alice and bob get 20.00 USD each. Try:\n"
      "  alice: pay bob $0.50 coffee\n  bob: balance\n  bob: request alice 2 EUR pizza\n"
      "  alice: help");
  return Exec({bot, "terminal", "--testnet", testnet_dir, "--demo-users", "alice,bob"});
}

}  // namespace

void AddDemoCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<DemoArgs>();
  args->dir = DefaultDir();
  CLI::App* demo = app.add_subcommand(
      "demo", "a local testnet and a chat where alice and bob pay each other (--xmpp: over XMPP)");
  demo->add_option("--dir", args->dir, "where the demo keeps everything")->capture_default_str();
  demo->add_flag("--xmpp", args->xmpp, "also start a local Prosody and run the bot on it");
  demo->add_option("--base-port", args->base_port, "the testnet's first port")
      ->capture_default_str();
  demo->add_option("--xmpp-port", args->xmpp_port, "Prosody's client port (loopback)")
      ->capture_default_str();
  demo->callback([&context, args] {
    context.action = [&context, args] { return RunDemo(*args, *context.output); };
  });
}

}  // namespace remit::cli
