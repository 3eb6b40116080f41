// remit demo [--xmpp]: the one command of the README. Brings up a local
// testnet (reusing a running one), then runs the chat bot in the foreground
// with funded demo users alice and bob, so that `alice: pay bob $0.50 coffee`
// works at once. With --xmpp it also starts a private Prosody on loopback,
// registers alice, bob and the bot, and runs the bot there instead (it says
// "serving" once it is connected). When the bot ends (Ctrl-D, Ctrl-C), the
// demo says what is still running and the one command that stops it:
// `remit demo --stop`, which stops Prosody and the testnet's validators.
//
//   DIR/testnet/          the testnet (remit testnet up --dir DIR/testnet)
//   DIR/prosody/          Prosody's config, data, log and self-signed
//                         certificate (--xmpp)
//   DIR/paybot.password   the bot's XMPP password (0600)
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/bot/local_prosody.h"
#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/testnet/node_control.h"
#include "client/testnet/process.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/types.h"

extern char** environ;

namespace remit::cli {
namespace {

// Validators of the demo testnet: enough to tolerate one faulty validator.
constexpr uint32_t kDemoNodes = 4;
constexpr uint32_t kDemoBasePort = 7400;
constexpr uint32_t kDemoXmppPort = 15222;
constexpr char kDemoXmppHost[] = "localhost";
constexpr char kBotName[] = "remit-bot";
constexpr uint64_t kStopGraceMs = 5'000;

struct DemoArgs {
  std::string dir;
  bool xmpp = false;
  bool stop = false;
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

// The bot's pid while it runs in the foreground, for the signal handler.
std::atomic<pid_t> g_bot_pid{0};

void ForwardSignal(int signal) {
  const pid_t pid = g_bot_pid.load();
  if (pid > 0) ::kill(pid, signal);
}

// Runs `args` as a child on this terminal and waits for it. Ctrl-C reaches
// it (the terminal signals the whole group) while this process ignores it,
// so that the demo can say what is left running; SIGTERM and SIGHUP to this
// process are passed on. Returns the child's exit code.
absl::StatusOr<int> RunInForeground(const std::vector<std::string>& args) {
  std::cout.flush();
  std::cerr.flush();
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, signal);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], nullptr, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0)
    return absl::UnavailableError(StrCat("cannot run ", args[0], ": ", std::strerror(rc)));
  g_bot_pid.store(pid);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction forward {};
  forward.sa_handler = ForwardSignal;
  struct sigaction old_int {
  }, old_term{}, old_hup{};
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGTERM, &forward, &old_term);
  ::sigaction(SIGHUP, &forward, &old_hup);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  g_bot_pid.store(0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// What the demo leaves running, and the one command that stops it.
std::string StillRunning(const DemoArgs& args) {
  const std::string testnet_dir = args.dir + "/testnet";
  uint32_t alive = 0;
  if (absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(testnet_dir);
      manifest.ok()) {
    for (const testnet::TestnetNode& node : manifest->nodes) {
      if (testnet::FindNodeProcess(*manifest, node.index).alive) alive += 1;
    }
  }
  std::string running;
  if (alive > 0)
    running = StrCat(alive, " validator", alive == 1 ? "" : "s", " (", testnet_dir, ")");
  absl::StatusOr<pid_t> prosody = testnet::ReadPidFile(args.dir + "/prosody/prosody.pid");
  if (prosody.ok() && testnet::IsProcessAlive(*prosody)) {
    running += StrCat(running.empty() ? "" : " and ", "Prosody (pid ", *prosody, ", ", args.dir,
                      "/prosody)");
  }
  if (running.empty()) return "remit demo: nothing of the demo is running.";
  return StrCat("remit demo: still running: ", running,
                ". Stop everything with: remit demo --stop --dir ", args.dir);
}

// `remit demo --stop`: Prosody, then the validators; the data stays.
absl::Status StopDemo(const DemoArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const bool prosody, bot::LocalProsody::StopRecorded(args.dir + "/prosody"));
  uint32_t stopped = 0;
  const std::string testnet_dir = args.dir + "/testnet";
  if (testnet::ReadManifest(testnet_dir).ok()) {
    absl::StatusOr<std::vector<testnet::StopReport>> reports =
        testnet::TestnetDown(testnet_dir, kStopGraceMs);
    if (!reports.ok()) return NodeError(reports.status(), "stopping the demo's validators");
    for (const testnet::StopReport& report : *reports) stopped += report.was_running ? 1 : 0;
  }
  output.Note(StrCat("remit demo: stopped ", stopped, " validator", stopped == 1 ? "" : "s",
                     prosody ? " and Prosody" : "", "; the data stays in ", args.dir,
                     " ('remit demo' resumes it)."));
  output.Note(StillRunning(args));
  return absl::OkStatus();
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
      ": 'pay bob@", kDemoXmppHost, " 500 PHP' (bob's currency is PHP, alice's USD: a quote, ",
      "then 'yes <code>'), or 'pay carol@", kDemoXmppHost, " 2 USD' to someone without a wallet.\n",
      "  Profanity: /connect alice@", kDemoXmppHost, " server 127.0.0.1 port ", port,
      " tls force\n",
      "             it stops at the certificate: check the fingerprint, then /tls allow (this "
      "session) or /tls always\n",
      "  Gajim:     Add Account > I have an account > Advanced: Hostname 127.0.0.1, Port ", port,
      "; at the certificate warning check the fingerprint and tick to trust it\n",
      "  Dino:      no server or port fields and no way to accept a certificate: run the demo with "
      "--xmpp-port 5222 and add ",
      certificate, " to the system's trusted certificates (update-ca-certificates)\n",
      "Add a user: prosodyctl --config ", args.dir, "/prosody/prosody.cfg.lua register NAME ",
      kDemoXmppHost, " PASSWORD\n",
      "Ctrl-C stops the bot; the validators and Prosody keep running until 'remit demo --stop "
      "--dir ",
      args.dir, "'.");
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
                                  StrCat("alice@", kDemoXmppHost, ",bob@", kDemoXmppHost, ":PHP")};
}

// Runs the bot in the foreground, then says what is left running.
absl::Status RunBot(const DemoArgs& args, const std::vector<std::string>& argv, Output& output) {
  absl::StatusOr<int> code = RunInForeground(argv);
  output.Note(StillRunning(args));
  if (!code.ok()) return code.status();
  if (*code != 0 && *code != 128 + SIGINT && *code != 128 + SIGTERM) {
    return absl::UnavailableError(StrCat("remit-bot ended with exit code ", *code));
  }
  return absl::OkStatus();
}

absl::Status RunDemo(DemoArgs args, Output& output) {
  args.dir = std::filesystem::absolute(args.dir).lexically_normal().string();
  while (args.dir.size() > 1 && args.dir.back() == '/') args.dir.pop_back();
  if (args.stop) return StopDemo(args, output);
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
    absl::StatusOr<std::vector<std::string>> argv = StartXmpp(args, bot, testnet_dir, output);
    if (!argv.ok()) {
      output.Note(StillRunning(args));
      return argv.status();
    }
    return RunBot(args, *argv, output);
  }
  output.Note(
      "demo users alice and bob get 20.00 USD each; alice's currency is USD, bob's is PHP. "
      "Try:\n"
      "  alice: pay bob 500 PHP           (a quote in USD, then 'yes <code>')\n"
      "  alice: pay bob $0.50 coffee      (delivered to bob in PHP)\n"
      "  bob: balance\n  alice: rates\n  alice: convert 5 USD to EUR\n"
      "  alice: pay carol@localhost 2 USD (carol has no wallet yet: held until she claims it)\n"
      "  carol@localhost: hi              (her first message claims it)\n  alice: help");
  return RunBot(args, {bot, "terminal", "--testnet", testnet_dir, "--demo-users", "alice,bob:PHP"},
                output);
}

}  // namespace

void AddDemoCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<DemoArgs>();
  args->dir = DefaultDir();
  CLI::App* demo = app.add_subcommand(
      "demo", "a local testnet and a chat where alice and bob pay each other (--xmpp: over XMPP)");
  demo->add_option("--dir", args->dir, "where the demo keeps everything")->capture_default_str();
  demo->add_flag("--xmpp", args->xmpp, "also start a local Prosody and run the bot on it");
  demo->add_flag("--stop", args->stop,
                 "stop what the demo left running (Prosody and the validators); keeps the data");
  demo->add_option("--base-port", args->base_port, "the testnet's first port")
      ->capture_default_str();
  demo->add_option("--xmpp-port", args->xmpp_port, "Prosody's client port (loopback)")
      ->capture_default_str();
  demo->callback([&context, args] {
    context.action = [&context, args] { return RunDemo(*args, *context.output); };
  });
}

}  // namespace remit::cli
