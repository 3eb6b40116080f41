// The chat bot's engine against an in-memory ledger: every command, every
// refusal, confirmations, requests, idempotency across crashes, rate limits.
#include "client/bot/bot_engine.h"

#include <gtest/gtest.h>

#include "ledger/address.h"
#include "tests/bot/bot_fixture.h"

namespace remit::bot::testing {
namespace {

class BotEngineTest : public BotFixture {
 protected:
  void SetUp() override {
    Fund("alice@x", 50);
    Fund("bob@x", 5);
  }
};

// A first message creates a wallet and says so; help lists every command.
TEST_F(BotEngineTest, HelpAndWelcome) {
  const std::string reply = Say("carol@x", "help");
  EXPECT_TRUE(Contains(reply, "Welcome! Your new wallet is rmt1"));
  for (const char* command : {"balance", "pay", "request", "accept", "decline", "history",
                              "address", "currency", "yes", "cancel", "faucet"}) {
    EXPECT_TRUE(Contains(reply, command)) << command;
  }
  EXPECT_FALSE(Contains(Say("carol@x", "help"), "Welcome"));
}

// balance and address show the user's own account.
TEST_F(BotEngineTest, BalanceAndAddress) {
  EXPECT_EQ(Say("alice@x", "balance"), "Your balance: 50.00 USD");
  EXPECT_EQ(Say("alice@x", "address"), "Your address: " + EncodeAddress(AccountOf("alice@x")));
}

// A payment names recipient, amount, currency, note, outcome and time; the
// recipient is told from the ledger's stream of final transfers.
TEST_F(BotEngineTest, PaySettlesAndTellsBothSides) {
  const std::string reply = Say("alice@x", "pay bob@x $0.50 coffee and cake");
  EXPECT_TRUE(Contains(reply, "Paid bob@x 0.50 USD for \"coffee and cake\": SETTLED in ")) << reply;
  EXPECT_TRUE(Contains(reply, " ms (block ")) << reply;
  EXPECT_EQ(Usd("alice@x"), 4950);
  EXPECT_EQ(Usd("bob@x"), 550);
  const std::vector<OutboundMessage> told = engine_->OnTransferFinal(ledger_.LastApplied());
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].to, "bob@x");
  EXPECT_TRUE(Contains(told[0].text, "alice@x paid you 0.50 USD for \"coffee and cake\""));
  EXPECT_TRUE(
      Contains(Say("alice@x", "send bob 1"), "Paid bob@x 1.00 USD"));  // bob is a contact now
}

// Every refusal pays nothing: self, unknown name, display name, bad amounts,
// an amount that is not a number (never a memo with a default amount).
TEST_F(BotEngineTest, RefusalsPayNothing) {
  const int calls = ledger_.settle_calls();
  EXPECT_TRUE(Contains(Say("alice@x", "pay alice@x 1"), "cannot pay yourself"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay " + EncodeAddress(AccountOf("alice@x")) + " 1"),
                       "cannot pay yourself"));
  // An identity never seen is offered a claimable payment, asked first.
  EXPECT_TRUE(Contains(Say("alice@x", "pay zed@x 1"), "zed@x has no wallet yet"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay @bob 1"), "never pay display names"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay Bobby 1"), "I do not know"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x coffee"), "Nothing was paid"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x five dollars"), "Nothing was paid"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x .0005"), "more decimals"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 1,000"), "ambiguous"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x -1"), "negative"));
  now_ms_ += 60'001;  // past the payment-command rate limit
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 0"), "more than zero"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x"), "amount is missing"));
  Say("alice@x", "pay rmt1qqqq 1");  // malformed address
  EXPECT_TRUE(Contains(Say("alice@x", "frobnicate"), "do not know the command"));
  EXPECT_EQ(ledger_.settle_calls(), calls);
  EXPECT_EQ(Usd("alice@x"), 5000);
}

// A mistyped address is refused by its checksum, never paid.
TEST_F(BotEngineTest, MistypedAddressRefused) {
  std::string address = EncodeAddress(AccountOf("bob@x"));
  address[10] = address[10] == 'q' ? 'p' : 'q';
  const int calls = ledger_.settle_calls();
  Say("alice@x", "pay " + address + " 1");
  EXPECT_EQ(ledger_.settle_calls(), calls);
}

// The ledger's rejection is the reply's outcome.
TEST_F(BotEngineTest, InsufficientFundsNamed) {
  const std::string reply = Say("bob@x", "pay alice@x 6");
  EXPECT_TRUE(Contains(reply, "Not paid: alice@x 6.00 USD: INSUFFICIENT_FUNDS")) << reply;
}

// Above the threshold the bot asks for a code; a wrong code pays nothing; the
// right one pays once; cancel pays nothing.
TEST_F(BotEngineTest, ConfirmationAboveThreshold) {
  const std::string ask = Say("alice@x", "pay bob@x 25 rent");
  ASSERT_TRUE(Contains(ask, "Pay bob@x 25.00 USD for \"rent\"? Reply 'yes ")) << ask;
  const std::string code = ask.substr(ask.find("'yes ") + 5, 4);
  EXPECT_TRUE(Contains(Say("alice@x", "yes 0000"), "does not match"));
  EXPECT_EQ(Usd("bob@x"), 500);
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + code), "Paid bob@x 25.00 USD for \"rent\""));
  EXPECT_EQ(Usd("bob@x"), 3000);
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + code), "Nothing is waiting"));
  Say("alice@x", "pay bob@x 21");
  EXPECT_TRUE(Contains(Say("alice@x", "cancel"), "Cancelled: bob@x 21.00 USD was not paid"));
  EXPECT_EQ(Usd("bob@x"), 3000);
}

// A confirmation older than its time to live pays nothing.
TEST_F(BotEngineTest, ConfirmationExpires) {
  const std::string ask = Say("alice@x", "pay bob@x 25");
  const std::string code = ask.substr(ask.find("'yes ") + 5, 4);
  now_ms_ += kConfirmationTtlMsDefault + 1;
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + code), "expired"));
  EXPECT_EQ(Usd("bob@x"), 500);
}

// A payment delayed in an offline queue waits for a fresh confirmation,
// whatever its amount; a delayed "yes" does not count.
TEST_F(BotEngineTest, DelayedMessagesNeedFreshConfirmation) {
  const std::string ask = SayAll("alice@x", "pay bob@x 0.10", "", /*delayed=*/true)[0].text;
  ASSERT_TRUE(Contains(ask, "delayed")) << ask;
  const std::string code = ask.substr(ask.find("'yes ") + 5, 4);
  EXPECT_TRUE(Contains(SayAll("alice@x", "yes " + code, "", true)[0].text, "send it again"));
  EXPECT_EQ(Usd("bob@x"), 500);
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + code), "Paid bob@x 0.10 USD"));
}

// Money commands are refused outside one-to-one chats.
TEST_F(BotEngineTest, MoneyOnlyInOneToOneChats) {
  const auto replies = SayAll("alice@x", "pay bob@x 1", "", false, /*one_to_one=*/false);
  EXPECT_TRUE(Contains(replies[0].text, "only in a one-to-one chat"));
  EXPECT_EQ(Usd("bob@x"), 500);
}

// A duplicated message id pays once and gets the same reply.
TEST_F(BotEngineTest, DuplicateMessageIdPaysOnce) {
  const std::string first = Say("alice@x", "pay bob@x 1 lunch", "same-id");
  const std::string again = Say("alice@x", "pay bob@x 1 lunch", "same-id");
  EXPECT_EQ(first, again);
  EXPECT_EQ(Usd("bob@x"), 600);
  // Ids are per sender: bob's message with the same id is his own.
  EXPECT_TRUE(Contains(Say("bob@x", "pay alice@x 1", "same-id"), "Paid alice@x"));
}

// Crash after the ledger applied the transfer but before the reply: on
// restart the same signed bytes are re-sent, the ledger says duplicate, and
// the redelivered message gets the receipt without a second payment.
TEST_F(BotEngineTest, CrashBetweenSubmissionAndReplyPaysOnce) {
  ledger_.LoseAnswerNext(1);
  const std::string pending = Say("alice@x", "pay bob@x 2 taxi", "m-crash");
  EXPECT_TRUE(Contains(pending, "it can be paid only once")) << pending;
  EXPECT_EQ(Usd("bob@x"), 700);
  Restart();
  EXPECT_EQ(engine_->Recover(now_ms_), 1u);
  const std::vector<OutboundMessage> recovered = engine_->RetryPending(now_ms_);
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_EQ(recovered[0].to, "alice@x");
  EXPECT_TRUE(Contains(recovered[0].text, "Paid bob@x 2.00 USD for \"taxi\": SETTLED"));
  EXPECT_TRUE(Contains(recovered[0].text, "paid once"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 2 taxi", "m-crash"), "SETTLED"));
  EXPECT_EQ(Usd("bob@x"), 700);
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 1"), "SETTLED"));  // sequence still right
  EXPECT_EQ(Usd("bob@x"), 800);
}

// Crash after recording but before the ledger saw the transfer: recovery
// sends it once; a redelivery before recovery re-sends the same bytes.
TEST_F(BotEngineTest, CrashBeforeSubmissionPaysOnce) {
  ledger_.DropNext(1);
  Say("alice@x", "pay bob@x 3", "m-lost");
  EXPECT_EQ(Usd("bob@x"), 500);
  Restart();
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 3", "m-lost"), "Paid bob@x 3.00 USD"));
  EXPECT_EQ(engine_->Recover(now_ms_), 0u);
  EXPECT_TRUE(engine_->RetryPending(now_ms_).empty());
  EXPECT_EQ(Usd("bob@x"), 800);
}

// Payment commands are rate limited per user; others are not affected.
TEST_F(BotEngineTest, RateLimits) {
  for (uint32_t i = 0; i < kPaymentsPerMinuteMaxDefault; ++i) Say("alice@x", "pay bob@x 0.01");
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 0.01"), "Too many payment commands"));
  EXPECT_TRUE(Contains(Say("bob@x", "pay alice@x 0.01"), "Paid"));
  now_ms_ += 60'001;
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 0.01"), "Paid"));
}

class BotEngineCommandLimitTest : public BotFixture {
 protected:
  void SetUp() override {
    commands_per_minute_max_ = 3;
    Restart();
  }
};

// Every command counts against the per-user message limit.
TEST_F(BotEngineCommandLimitTest, CommandLimit) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Contains(Say("dan@x", "help"), "Too many"));
  EXPECT_TRUE(Contains(Say("dan@x", "help"), "Too many messages"));
  EXPECT_FALSE(Contains(Say("erin@x", "help"), "Too many"));
}

// request -> the payer is asked -> accept pays the requester, who is told;
// decline tells them too.
TEST_F(BotEngineTest, RequestAcceptDecline) {
  std::vector<OutboundMessage> out = SayAll("bob@x", "request alice@x 1.50 lunch");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(Contains(out[0].text, "Asked alice@x for 1.50 USD for \"lunch\""));
  EXPECT_EQ(out[1].to, "alice@x");
  EXPECT_TRUE(Contains(out[1].text, "bob@x asks you for 1.50 USD for \"lunch\""));
  const std::string code = out[1].text.substr(out[1].text.find("'accept ") + 8, 5);
  out = SayAll("alice@x", "accept " + code);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(Contains(out[0].text, "Paid bob@x 1.50 USD for \"lunch\"")) << out[0].text;
  EXPECT_EQ(out[1].to, "bob@x");
  EXPECT_TRUE(Contains(out[1].text, "alice@x paid your request 1.50 USD for \"lunch\" (request " +
                                        code + "): SETTLED"))
      << out[1].text;
  EXPECT_TRUE(engine_->OnTransferFinal(ledger_.LastApplied()).empty());  // told once
  EXPECT_EQ(Usd("bob@x"), 650);
  EXPECT_TRUE(Contains(Say("alice@x", "accept"), "no open payment request"));
  SayAll("bob@x", "request alice@x 1");
  out = SayAll("alice@x", "decline");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].to, "bob@x");
  EXPECT_TRUE(Contains(out[1].text, "alice@x declined your request for 1.00 USD"));
  EXPECT_TRUE(Contains(Say("alice@x", "request zed@x 1"), "I do not know"));
}

// history lists payments both ways with counterparties by name.
TEST_F(BotEngineTest, History) {
  Say("alice@x", "pay bob@x 1 tea");
  Say("bob@x", "pay alice@x 0.25");
  const std::string history = Say("alice@x", "history 3");
  EXPECT_TRUE(Contains(history, "+0.25 USD from bob@x: SETTLED")) << history;
  EXPECT_TRUE(Contains(history, "-1.00 USD to bob@x for \"tea\": SETTLED")) << history;
  EXPECT_TRUE(Contains(history, "+50.00 USD from the testnet faucet")) << history;
  EXPECT_TRUE(Contains(Say("alice@x", "history 0"), "usage: history"));
}

// currency changes what a bare number means.
TEST_F(BotEngineTest, Currency) {
  EXPECT_TRUE(Contains(Say("alice@x", "currency"), "Your currency is USD"));
  EXPECT_TRUE(Contains(Say("alice@x", "currency GBP"), "no currency GBP"));
  EXPECT_TRUE(Contains(Say("alice@x", "currency eur"), "now EUR"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 1"), "1.00 EUR"));
}

// The faucet pays the user's currency, a limited number of times a day.
TEST_F(BotEngineTest, FaucetLimit) {
  for (uint32_t i = 0; i < kFaucetPerDayMaxDefault; ++i) {
    EXPECT_TRUE(Contains(Say("carol@x", "faucet"), "Faucet sent you 10.00 USD: SETTLED"));
    EXPECT_TRUE(engine_->OnTransferFinal(ledger_.LastApplied()).empty());  // the reply said it
  }
  EXPECT_TRUE(Contains(Say("carol@x", "faucet"), "at most"));
  EXPECT_EQ(Usd("carol@x"), 3000);
}

}  // namespace
}  // namespace remit::bot::testing
