// A testnet, a private Prosody on loopback (the demo's config from
// LocalProsody: STARTTLS required with its self-signed certificate; more
// virtual hosts on request) with the bot and the given users registered,
// and `remit-bot xmpp` as a child process that can be killed and
// restarted. Shared by the XMPP integration tests and the benchmark.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/bot/local_prosody.h"
#include "client/testnet/process.h"
#include "ledger/check.h"
#include "tests/bot/bot_test_env.h"
#include "tests/bot/chat_client.h"
#include "tests/client/unused_port.h"

namespace remit::bot::testing {

inline constexpr char kBotJid[] = "paybot@localhost";
inline constexpr char kPassword[] = "test-password";
inline constexpr uint64_t kBotOnlineTimeoutMs = 20'000;

struct XmppEnvOptions {
  uint32_t validators = 1;
  // Users on localhost and on other virtual hosts, all with kPassword.
  std::vector<std::string> users = {"alice@localhost", "bob@localhost"};
  std::vector<std::string> other_hosts = {};
  bool start_prosody = true;  // else StartProsody() later
  // How long a payment waits for the ledger before the bot answers "not
  // reachable": long by default, so that a slow (sanitizer) build still
  // settles; the no-quorum test wants it short.
  uint64_t settle_wait_ms = 15'000;
  // More arguments for every start of the bot.
  std::vector<std::string> bot_args = {};
};

class XmppEnv {
 public:
  // Everything but the bot; call StartBot() next.
  absl::Status SetUp(const XmppEnvOptions& options = {}) {
    options_ = options;
    RETURN_IF_ERROR(testnet_.Up(options.validators));
    prosody_dir_ = testnet_.dir() + "/prosody";
    port_ = remit::testing::UnusedPort();
    ASSIGN_OR_RETURN(LocalProsody prosody,
                     LocalProsody::Create(prosody_dir_, "localhost", port_, options.other_hosts));
    prosody_ = std::make_unique<LocalProsody>(prosody);
    RETURN_IF_ERROR(prosody_->Register(kBotJid, kPassword));
    for (const std::string& user : options.users) {
      RETURN_IF_ERROR(prosody_->Register(user, kPassword));
    }
    std::ofstream(testnet_.dir() + "/bot.password") << kPassword << "\n";
    if (options.start_prosody) RETURN_IF_ERROR(StartProsody());
    return absl::OkStatus();
  }
  absl::Status StartProsody() { return prosody_->Start(); }
  ~XmppEnv() {
    StopBot(/*crash=*/true);
    if (prosody_ != nullptr) (void)prosody_->Stop();
  }

  // Starts the bot with `extra_args`; with `wait_online`, waits until it
  // says it serves.
  absl::Status StartBot(const std::string& confirm_above = "20", bool wait_online = true,
                        const std::vector<std::string>& extra_args = {}) {
    const size_t log_before = BotLog().size();
    std::vector<std::string> argv = {BinDir() + "/remit-bot",
                                     "xmpp",
                                     "--jid",
                                     kBotJid,
                                     "--password-file",
                                     testnet_.dir() + "/bot.password",
                                     "--server",
                                     StrCat("127.0.0.1:", port_),
                                     "--trust-self-signed",
                                     "--testnet",
                                     testnet_.testnet(),
                                     "--data",
                                     testnet_.dir() + "/bot-data",
                                     "--confirm-above",
                                     confirm_above,
                                     "--settle-wait-ms",
                                     StrCat(options_.settle_wait_ms)};
    argv.insert(argv.end(), options_.bot_args.begin(), options_.bot_args.end());
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    ASSIGN_OR_RETURN(bot_pid_, testnet::SpawnDetached(argv, BotLogPath()));
    if (!wait_online) return absl::OkStatus();
    if (!WaitForBotLog("serving", log_before, kBotOnlineTimeoutMs)) {
      return absl::DeadlineExceededError(StrCat("the bot did not come online:\n", BotLog()));
    }
    return absl::OkStatus();
  }
  // SIGKILL (a crash) or SIGTERM.
  void StopBot(bool crash) {
    if (bot_pid_ == 0) return;
    if (crash) {
      (void)testnet::KillProcess(bot_pid_);
    } else {
      (void)testnet::StopProcess(bot_pid_, 3'000);
    }
    bot_pid_ = 0;
  }
  // Polls the bot's log, from byte `from` on, for `part`.
  bool WaitForBotLog(const std::string& part, size_t from, uint64_t timeout_ms) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      const std::string log = BotLog();
      if (log.size() > from && log.find(part, from) != std::string::npos) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::string BotLogPath() const { return testnet_.dir() + "/bot.log"; }
  std::string BotLog() const { return ReadAll(BotLogPath()); }
  uint16_t port() const { return static_cast<uint16_t>(port_); }
  const LocalProsody& prosody() const { return *prosody_; }
  const std::string& testnet() const { return testnet_.testnet(); }

 private:
  TestnetEnv testnet_;
  XmppEnvOptions options_;
  std::string prosody_dir_;
  uint32_t port_ = 0;
  std::unique_ptr<LocalProsody> prosody_;
  pid_t bot_pid_ = 0;
};

}  // namespace remit::bot::testing
