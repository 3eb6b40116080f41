// A 1-node testnet, a private Prosody on loopback (STARTTLS required, with
// its self-signed certificate) with alice, bob and the bot registered, and `remit-bot xmpp` as a
// child process that can be killed and restarted. Shared by the XMPP integration test and
// benchmark.
#pragma once

#include <memory>
#include <string>

#include "client/bot/local_prosody.h"
#include "client/testnet/process.h"
#include "ledger/check.h"
#include "tests/bot/bot_test_env.h"
#include "tests/bot/chat_client.h"

namespace remit::bot::testing {

inline constexpr char kBotJid[] = "paybot@localhost";
inline constexpr char kPassword[] = "test-password";

class XmppEnv {
 public:
  // Everything but the bot; call StartBot() next.
  absl::Status SetUp() {
    testnet_.Up();
    prosody_dir_ = testnet_.dir() + "/prosody";
    port_ = PortBase(3) + 7;
    ASSIGN_OR_RETURN(LocalProsody prosody, LocalProsody::Create(prosody_dir_, "localhost", port_));
    prosody_ = std::make_unique<LocalProsody>(prosody);
    for (const char* user : {"paybot@localhost", "alice@localhost", "bob@localhost"}) {
      RETURN_IF_ERROR(prosody_->Register(user, kPassword));
    }
    RETURN_IF_ERROR(prosody_->Start());
    std::ofstream(testnet_.dir() + "/bot.password") << kPassword << "\n";
    return absl::OkStatus();
  }
  ~XmppEnv() {
    StopBot(/*crash=*/true);
    if (prosody_ != nullptr) (void)prosody_->Stop();
  }

  absl::Status StartBot(const std::string& confirm_above = "20") {
    ASSIGN_OR_RETURN(bot_pid_,
                     testnet::SpawnDetached(
                         {BinDir() + "/remit-bot", "xmpp", "--jid", kBotJid, "--password-file",
                          testnet_.dir() + "/bot.password", "--server", StrCat("127.0.0.1:", port_),
                          "--trust-self-signed", "--testnet", testnet_.testnet(), "--data",
                          testnet_.dir() + "/bot-data", "--confirm-above", confirm_above},
                         testnet_.dir() + "/bot.log"));
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
  std::string BotLog() const { return ReadAll(testnet_.dir() + "/bot.log"); }
  uint16_t port() const { return static_cast<uint16_t>(port_); }
  const LocalProsody& prosody() const { return *prosody_; }

 private:
  TestnetEnv testnet_;
  std::string prosody_dir_;
  uint32_t port_ = 0;
  std::unique_ptr<LocalProsody> prosody_;
  pid_t bot_pid_ = 0;
};

}  // namespace remit::bot::testing
