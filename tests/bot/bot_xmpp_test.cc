// remit-bot over a real Prosody on loopback, with two libstrophe chat users.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "tests/bot/xmpp_env.h"

namespace remit::bot::testing {
namespace {

constexpr uint64_t kReplyTimeoutMs = 15'000;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class BotXmppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.SetUp().ok());
    ASSERT_TRUE(env_.StartBot("5").ok());
    alice_ = std::make_unique<ChatClient>("alice@localhost", kPassword, env_.port());
    bob_ = std::make_unique<ChatClient>("bob@localhost", kPassword, env_.port());
    ASSERT_TRUE(alice_->Connect(5'000));
    ASSERT_TRUE(bob_->Connect(5'000));
    all_ = {alice_.get(), bob_.get()};
  }
  void TearDown() override {
    if (!HasFailure() && getenv("REMIT_BOT_TRANSCRIPT") == nullptr) return;
    for (const std::string& line : alice_->received) std::cerr << "alice got: " << line << "\n";
    for (const std::string& line : bob_->received) std::cerr << "bob got: " << line << "\n";
  }
  // Sends and returns the reply that contains `expect` ("" on timeout).
  std::string Ask(ChatClient& who, const std::string& text, const std::string& expect,
                  std::string id = "") {
    if (id.empty()) id = StrCat("id-", ++next_id_);
    who.Send(kBotJid, text, id);
    return WaitFor(all_, who, expect, kReplyTimeoutMs);
  }
  // Restarts the bot (crash or clean stop) and waits until it answers again.
  void Restart(bool crash) {
    env_.StopBot(crash);
    ASSERT_TRUE(env_.StartBot("5").ok());
  }

  XmppEnv env_;
  std::unique_ptr<ChatClient> alice_;
  std::unique_ptr<ChatClient> bob_;
  std::vector<ChatClient*> all_;
  int next_id_ = 0;
};

// Prosody requires STARTTLS with its self-signed certificate: the users are
// on TLS, the bot (connected with --trust-self-signed) answers, the key is
// readable by its owner only, and the fingerprints people compare are there.
TEST_F(BotXmppTest, TlsWithSelfSignedCertificate) {
  EXPECT_TRUE(alice_->secured());
  EXPECT_TRUE(bob_->secured());
  EXPECT_FALSE(Ask(*alice_, "help", "Welcome!").empty()) << env_.BotLog();
  std::string key = env_.prosody().certificate_path();
  key.replace(key.size() - 4, 4, ".key");
  EXPECT_EQ(std::filesystem::status(key).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const absl::StatusOr<std::string> sha256 = env_.prosody().CertificateFingerprint("sha256");
  ASSERT_TRUE(sha256.ok()) << sha256.status();
  EXPECT_EQ(sha256->size(), 32u * 3 - 1);  // "AB:" per byte, no trailing colon
}

// Pay settles and both users are told; a duplicated message id pays once;
// the bot killed and restarted mid-conversation keeps balances, the pending
// confirmation, and asks again for a payment that waited in the offline queue.
TEST_F(BotXmppTest, PaymentsOverXmpp) {
  ASSERT_FALSE(Ask(*bob_, "help", "Welcome!").empty()) << env_.BotLog();
  ASSERT_FALSE(Ask(*alice_, "faucet", "Faucet sent you 10.00 USD: SETTLED").empty())
      << env_.BotLog();
  const std::string paid =
      Ask(*alice_, "pay bob@localhost $0.50 coffee", "Paid bob@localhost", "pay-once");
  EXPECT_TRUE(Contains(paid, "Paid bob@localhost 0.50 USD for \"coffee\": SETTLED in ")) << paid;
  EXPECT_FALSE(
      WaitFor(all_, *bob_, "alice@localhost paid you 0.50 USD for \"coffee\"", kReplyTimeoutMs)
          .empty());
  // The same message id again: the same reply, no second payment.
  EXPECT_EQ(Ask(*alice_, "pay bob@localhost $0.50 coffee", "Paid bob@localhost", "pay-once"), paid);
  EXPECT_FALSE(Ask(*bob_, "balance", "Your balance: 0.50 USD").empty());

  // Above the threshold: a confirmation, then a crash, then "yes" after restart.
  const std::string ask = Ask(*alice_, "pay bob 6 rent", "Reply 'yes ");
  ASSERT_FALSE(ask.empty());
  const std::string code = ask.substr(ask.find("'yes ") + 5, 4);
  Restart(/*crash=*/true);
  ASSERT_FALSE(Ask(*alice_, "balance", "Your balance: 9.50 USD").empty()) << env_.BotLog();
  EXPECT_FALSE(Ask(*alice_, "yes " + code, "Paid bob@localhost 6.00 USD for \"rent\"").empty());

  // A payment sent while the bot is offline waits for a fresh confirmation.
  env_.StopBot(/*crash=*/false);
  alice_->Send(kBotJid, "pay bob 1 offline", "offline-1");
  ASSERT_TRUE(env_.StartBot("5").ok());
  const std::string delayed = WaitFor(all_, *alice_, "This message was delayed", kReplyTimeoutMs);
  ASSERT_FALSE(delayed.empty()) << env_.BotLog();
  EXPECT_FALSE(Ask(*bob_, "balance", "Your balance: 6.50 USD").empty());
  const std::string code2 = delayed.substr(delayed.find("'yes ") + 5, 4);
  EXPECT_FALSE(Ask(*alice_, "yes " + code2, "Paid bob@localhost 1.00 USD").empty());
  EXPECT_FALSE(Ask(*bob_, "balance", "Your balance: 7.50 USD").empty());
  EXPECT_FALSE(Ask(*alice_, "balance", "Your balance: 2.50 USD").empty());
}

}  // namespace
}  // namespace remit::bot::testing
