// Claimable payments over a real Prosody on loopback with the bot as a
// process (docs/BOT.md, "Paying someone without a wallet"): alice pays a
// JID that has never talked to the bot, the bot restarts, the new user logs
// in and is paid by her first message; and a claim left unclaimed past a
// short expiry returns to alice, who is told.
#include <gtest/gtest.h>

#include <iostream>

#include "tests/bot/xmpp_env.h"

namespace remit::bot::testing {
namespace {

constexpr uint64_t kReplyTimeoutMs = 15'000;
// The expiry test's claims live this long; the reclaim follows within a
// housekeeping tick of it.
constexpr char kShortClaimTtlSeconds[] = "3";

class BotClaimsXmppTest : public ::testing::Test {
 protected:
  void SetUpEnv(std::vector<std::string> bot_args) {
    XmppEnvOptions options;
    options.users = {"alice@localhost", "carol@localhost"};
    options.bot_args = std::move(bot_args);
    ASSERT_TRUE(env_.SetUp(options).ok());
    ASSERT_TRUE(env_.StartBot("5").ok()) << env_.BotLog();
    alice_ = Connect("alice@localhost");
    ASSERT_FALSE(Ask(*alice_, "faucet", "Faucet sent you 10.00 USD: SETTLED").empty())
        << env_.BotLog();
  }
  ChatClient* Connect(const std::string& user) {
    clients_.push_back(std::make_unique<ChatClient>(user, kPassword, env_.port()));
    EXPECT_TRUE(clients_.back()->Connect(5'000)) << user;
    all_.push_back(clients_.back().get());
    return clients_.back().get();
  }
  void TearDown() override {
    if (!HasFailure() && getenv("REMIT_BOT_TRANSCRIPT") == nullptr) return;
    for (const auto& client : clients_) {
      for (const std::string& line : client->received) std::cerr << "got: " << line << "\n";
    }
    std::cerr << "bot log:\n" << env_.BotLog();
  }
  std::string Ask(ChatClient& who, const std::string& text, const std::string& expect) {
    who.Send(kBotJid, text, StrCat("id-", ++next_id_));
    return WaitFor(all_, who, expect, kReplyTimeoutMs);
  }
  // alice pays carol 2 USD and confirms; true once the money is held.
  bool PayCarol() {
    const std::string ask = Ask(*alice_, "pay carol@localhost 2 USD gift", "has no wallet yet");
    if (ask.empty()) return false;
    const std::string code = ask.substr(ask.find("'yes ") + 5, 4);
    return !Ask(*alice_, "yes " + code, "Holding 2.00 USD for carol@localhost").empty();
  }

  XmppEnv env_;
  std::vector<std::unique_ptr<ChatClient>> clients_;
  std::vector<ChatClient*> all_;
  ChatClient* alice_ = nullptr;
  int next_id_ = 0;
};

// alice pays a never-seen JID; carol gets the invitation; the bot is
// killed and restarted; carol says anything and is paid from the claim the
// bot kept across the crash; alice is told; carol's balance shows it. (The
// invitation is waited for before the crash: the bot does not yet keep an
// unsent notification across a crash.)
TEST_F(BotClaimsXmppTest, NewUserLogsInAndIsPaidAcrossRestart) {
  SetUpEnv({});
  ChatClient* carol = Connect("carol@localhost");
  ASSERT_TRUE(PayCarol()) << env_.BotLog();
  EXPECT_FALSE(
      WaitFor(all_, *carol, "alice@localhost sent you 2.00 USD for \"gift\"", kReplyTimeoutMs)
          .empty());
  env_.StopBot(/*crash=*/true);
  ASSERT_TRUE(env_.StartBot("5").ok()) << env_.BotLog();
  EXPECT_FALSE(Ask(*carol, "hello", "You received 2.00 USD from alice@localhost").empty())
      << env_.BotLog();
  EXPECT_FALSE(
      WaitFor(all_, *alice_, "carol@localhost claimed the 2.00 USD", kReplyTimeoutMs).empty());
  EXPECT_FALSE(Ask(*carol, "balance", "Your balance: 2.00 USD").empty());
  EXPECT_FALSE(Ask(*alice_, "balance", "Your balance: 8.00 USD").empty());
}

// Unclaimed past its (short) expiry, the claim returns to alice and she is
// told; carol, logging in later, is paid nothing.
TEST_F(BotClaimsXmppTest, UnclaimedPaymentReturnsToPayer) {
  SetUpEnv({"--claim-ttl-seconds", kShortClaimTtlSeconds});
  ASSERT_TRUE(PayCarol()) << env_.BotLog();
  const std::string back =
      WaitFor(all_, *alice_, "Returned to you: the 2.00 USD you sent carol", kReplyTimeoutMs);
  ASSERT_FALSE(back.empty()) << env_.BotLog();
  EXPECT_FALSE(Ask(*alice_, "balance", "Your balance: 10.00 USD").empty());
  ChatClient* carol = Connect("carol@localhost");
  const std::string reply = Ask(*carol, "balance", "Your balance:");
  EXPECT_TRUE(Contains(reply, "0.00 USD")) << reply;
  EXPECT_FALSE(Contains(reply, "You received")) << reply;
}

}  // namespace
}  // namespace remit::bot::testing
