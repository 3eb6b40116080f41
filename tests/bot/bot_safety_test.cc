// The chat wallet's safety rules (issue 11), against an in-memory ledger:
// contact names never rebind, one confirmation rule for every payment,
// requests stay open until paid, declined or expired, a reused message id
// never runs new text, one user's pending settlement never blocks another,
// and sequences come from every node.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "client/bot/bot_engine.h"
#include "ledger/address.h"
#include "tests/bot/bot_fixture.h"

namespace remit::bot::testing {
namespace {

constexpr uint64_t kWaitMs = 10'000;  // for a thread that must not be blocked

std::string CodeAfter(const std::string& text, const std::string& marker, size_t length) {
  const size_t at = text.find(marker);
  return at == std::string::npos ? "" : text.substr(at + marker.size(), length);
}

class BotSafetyTest : public BotFixture {
 protected:
  void SetUp() override {
    Fund("alice@localhost", 50);
    Fund("bob@localhost", 50);
  }
  // `requester` (a new user) sends `request ...`; the code the payer is told.
  std::string AskFor(const std::string& requester, const std::string& request) {
    Say(requester, "help");
    const std::vector<OutboundMessage> asked = SayAll(requester, request);
    EXPECT_EQ(asked.size(), 2u);
    return asked.size() == 2 ? CodeAfter(asked[1].text, "'accept ", 5) : "";
  }
};

// Defect 1: a stranger on another server who shares a contact's local part
// pays bob and so becomes a second "alice"; bob's `pay alice` is then
// refused naming both identities, never paid to the stranger. Every
// payment reply names the full identity paid.
TEST_F(BotSafetyTest, ContactNameNeverRebindsToAStranger) {
  EXPECT_TRUE(Contains(Say("bob@localhost", "pay alice@localhost 1.00 thanks"),
                       "Paid alice@localhost 1.00 USD"));
  EXPECT_TRUE(Contains(Say("bob@localhost", "pay alice 0.50"), "Paid alice@localhost 0.50 USD"));
  Say("alice@evil.localhost", "help");
  Say("alice@evil.localhost", "faucet");
  EXPECT_TRUE(Contains(Say("alice@evil.localhost", "pay bob@localhost 0.01 hi"),
                       "Paid bob@localhost 0.01 USD"));
  const int64_t evil_before = Usd("alice@evil.localhost");
  const int64_t alice_before = Usd("alice@localhost");
  const std::string reply = Say("bob@localhost", "pay alice 2.00 lunch");
  EXPECT_TRUE(Contains(reply, "alice@evil.localhost")) << reply;
  EXPECT_TRUE(Contains(reply, "alice@localhost")) << reply;
  EXPECT_TRUE(Contains(reply, "Nothing was paid")) << reply;
  EXPECT_EQ(Usd("alice@evil.localhost"), evil_before);
  EXPECT_EQ(Usd("alice@localhost"), alice_before);
  // The full identity still pays, and names whom it paid.
  EXPECT_TRUE(Contains(Say("bob@localhost", "pay alice@localhost 2.00 lunch"),
                       "Paid alice@localhost 2.00 USD"));
}

// Defect 1, the other way round: a name that is also an identity of its
// own (a server JID "alice" that talked to the bot) does not take over the
// contact "alice": both are candidates, so it is refused.
TEST_F(BotSafetyTest, IdentityWithoutLocalPartDoesNotTakeOverAName) {
  Say("bob@localhost", "pay alice@localhost 1");
  Say("alice", "help");
  const std::string reply = Say("bob@localhost", "pay alice 1");
  EXPECT_TRUE(Contains(reply, "could mean")) << reply;
  EXPECT_TRUE(Contains(reply, "Nothing was paid")) << reply;
  EXPECT_EQ(Usd("alice"), 0);
}

// Defect 2: `accept` of a request above the confirmation threshold asks
// for `yes <code>` like `pay` does; nothing moves before it.
TEST_F(BotSafetyTest, AcceptAboveThresholdAsksForConfirmation) {
  AskFor("carol@localhost", "request bob@localhost 25.00 USD rent");
  const std::string ask = Say("bob@localhost", "accept");
  EXPECT_TRUE(Contains(ask, "Reply 'yes ")) << ask;
  EXPECT_EQ(Usd("carol@localhost"), 0);
  const std::string paid = Say("bob@localhost", "yes " + CodeAfter(ask, "'yes ", 4));
  EXPECT_TRUE(Contains(paid, "Paid carol@localhost 25.00 USD for \"rent\"")) << paid;
  EXPECT_EQ(Usd("carol@localhost"), 2500);
}

// Defect 2: an accept delayed in an offline queue waits for a fresh
// confirmation, whatever its amount; the request stays open meanwhile, and
// its requester is told when the confirmed payment settles.
TEST_F(BotSafetyTest, DelayedAcceptAsksForConfirmation) {
  AskFor("carol@localhost", "request bob@localhost 1 coffee");
  const std::string ask = SayAll("bob@localhost", "accept", "", /*delayed=*/true)[0].text;
  EXPECT_TRUE(Contains(ask, "delayed")) << ask;
  EXPECT_EQ(Usd("carol@localhost"), 0);
  const std::vector<OutboundMessage> paid =
      SayAll("bob@localhost", "yes " + CodeAfter(ask, "'yes ", 4));
  ASSERT_EQ(paid.size(), 2u);
  EXPECT_TRUE(Contains(paid[0].text, "Paid carol@localhost 1.00 USD")) << paid[0].text;
  EXPECT_EQ(paid[1].to, "carol@localhost");
  EXPECT_TRUE(Contains(paid[1].text, "bob@localhost paid your request")) << paid[1].text;
}

// Defect 3: a failed accept leaves the request open (a second accept tries
// again) and the requester is told when it is finally paid.
TEST_F(BotSafetyTest, FailedAcceptKeepsTheRequestOpen) {
  Say("carol@localhost", "help");
  const std::string code = AskFor("bob@localhost", "request carol@localhost 15 USD car");
  const std::string failed = Say("carol@localhost", "accept " + code);
  EXPECT_TRUE(Contains(failed, "INSUFFICIENT_FUNDS")) << failed;
  const std::string again = Say("carol@localhost", "accept " + code);
  EXPECT_TRUE(Contains(again, "INSUFFICIENT_FUNDS")) << again;
  Fund("carol@localhost", 20);
  const std::vector<OutboundMessage> paid = SayAll("carol@localhost", "accept " + code);
  ASSERT_FALSE(paid.empty());
  EXPECT_TRUE(Contains(paid[0].text, "Paid bob@localhost 15.00 USD")) << paid[0].text;
  bool told = false;
  for (const OutboundMessage& message : paid) {
    told = told || (message.to == "bob@localhost" && Contains(message.text, "paid your request"));
  }
  EXPECT_TRUE(told);
}

// Defect 3: an unanswered request expires; its requester is told, and an
// accept after that pays nothing.
TEST_F(BotSafetyTest, RequestExpiresAndTheRequesterIsTold) {
  const std::string code = AskFor("carol@localhost", "request bob@localhost 2 tea");
  EXPECT_TRUE(engine_->ExpireRequests(now_ms_ + kRequestTtlMsDefault - 1).empty());
  const std::vector<OutboundMessage> expired =
      engine_->ExpireRequests(now_ms_ + kRequestTtlMsDefault);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].to, "carol@localhost");
  EXPECT_TRUE(Contains(expired[0].text, "Your request to bob@localhost for 2.00 USD"))
      << expired[0].text;
  EXPECT_TRUE(Contains(expired[0].text, "expired unpaid")) << expired[0].text;
  now_ms_ += kRequestTtlMsDefault;
  EXPECT_TRUE(Contains(Say("bob@localhost", "accept " + code), "no open payment request"));
  EXPECT_EQ(Usd("carol@localhost"), 0);
}

// Defect 3: an accept answered lazily after the expiry, before the
// housekeeping saw it, also closes the request and tells the requester.
TEST_F(BotSafetyTest, AcceptAfterExpiryClosesTheRequest) {
  AskFor("carol@localhost", "request bob@localhost 2 tea");
  now_ms_ += kRequestTtlMsDefault;
  const std::vector<OutboundMessage> out = SayAll("bob@localhost", "accept");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(Contains(out[0].text, "no open payment request")) << out[0].text;
  EXPECT_EQ(out[1].to, "carol@localhost");
  EXPECT_TRUE(Contains(out[1].text, "expired unpaid")) << out[1].text;
  EXPECT_EQ(Usd("carol@localhost"), 0);
}

// Defect 3: while an accept's payment is on its way (the ledger did not
// answer), a second accept pays nothing more and the request stays open
// until that payment is final; then the requester is told, once.
TEST_F(BotSafetyTest, SecondAcceptWhilePayingPaysNothing) {
  AskFor("carol@localhost", "request bob@localhost 2 tea");
  ledger_.DropNext(1);
  EXPECT_TRUE(Contains(Say("bob@localhost", "accept"), "not reachable"));
  EXPECT_TRUE(Contains(Say("bob@localhost", "accept"), "already on its way"));
  EXPECT_TRUE(Contains(Say("bob@localhost", "decline"), "already on its way"));
  const std::vector<OutboundMessage> later = engine_->RetryPending(now_ms_ + 60'000);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_TRUE(Contains(later[0].text, "Paid carol@localhost 2.00 USD")) << later[0].text;
  EXPECT_EQ(later[1].to, "carol@localhost");
  EXPECT_TRUE(Contains(later[1].text, "paid your request")) << later[1].text;
  EXPECT_EQ(Usd("carol@localhost"), 200);
  EXPECT_TRUE(Contains(Say("bob@localhost", "accept"), "no open payment request"));
}

// Defect 3: a confirmation of an accept whose request was declined
// meanwhile pays nothing.
TEST_F(BotSafetyTest, ConfirmedAcceptOfAClosedRequestPaysNothing) {
  AskFor("carol@localhost", "request bob@localhost 25 rent");
  const std::string ask = Say("bob@localhost", "accept");
  ASSERT_TRUE(Contains(ask, "Reply 'yes ")) << ask;
  EXPECT_TRUE(Contains(Say("bob@localhost", "decline"), "Declined"));
  const std::string reply = Say("bob@localhost", "yes " + CodeAfter(ask, "'yes ", 4));
  EXPECT_TRUE(Contains(reply, "no longer open")) << reply;
  EXPECT_EQ(Usd("carol@localhost"), 0);
}

// Defect 5: a reused message id with a different text is not executed, and
// the reply says so; nothing is paid twice.
TEST_F(BotSafetyTest, ReusedMessageIdWithNewTextIsNotExecuted) {
  const std::string first = Say("alice@localhost", "pay bob@localhost 0.25 twice", "same-id");
  EXPECT_TRUE(Contains(first, "Paid bob@localhost 0.25 USD")) << first;
  const std::string second = Say("alice@localhost", "pay bob@localhost 0.35 other", "same-id");
  EXPECT_TRUE(Contains(second, "already handled a message with this id")) << second;
  EXPECT_TRUE(Contains(second, "did not run this new text")) << second;
  EXPECT_EQ(Usd("bob@localhost"), 5025);
}

// Defect 6: while alice's settlement waits for the ledger, bob's command is
// answered; alice's own reply comes when the ledger answers.
TEST_F(BotSafetyTest, PendingSettlementDoesNotBlockOtherUsers) {
  ledger_.Hold(AccountOf("alice@localhost"));
  auto alice = std::async(std::launch::async,
                          [this] { return Say("alice@localhost", "pay bob@localhost 1", "a-1"); });
  ASSERT_TRUE(ledger_.WaitUntilHeld(1, kWaitMs));
  auto bob = std::async(std::launch::async, [this] { return Say("bob@localhost", "balance"); });
  const bool bob_answered =
      bob.wait_for(std::chrono::milliseconds(kWaitMs)) == std::future_status::ready;
  ledger_.Release();
  EXPECT_TRUE(bob_answered) << "bob waited for alice's settlement";
  EXPECT_TRUE(Contains(bob.get(), "Your balance: 50.00 USD"));
  EXPECT_TRUE(Contains(alice.get(), "Paid bob@localhost 1.00 USD"));
}

// Defect 6: a payment the ledger cannot take now is answered at once, says
// it will be retried, and its sender hears the final result later.
TEST_F(BotSafetyTest, UnreachableLedgerAnsweredAtOnceAndToldLater) {
  ledger_.DropNext(1);
  const std::string reply = Say("alice@localhost", "pay bob@localhost 1 later", "m-later");
  EXPECT_TRUE(Contains(reply, "not reachable")) << reply;
  EXPECT_TRUE(Contains(reply, "I will retry")) << reply;
  EXPECT_TRUE(Contains(reply, "tell you")) << reply;
  const std::vector<OutboundMessage> later = engine_->RetryPending(now_ms_ + 60'000);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_TRUE(Contains(later[0].text, "Paid bob@localhost 1.00 USD for \"later\""))
      << later[0].text;
  EXPECT_EQ(Usd("bob@localhost"), 5100);
}

// Defect 7: `request` of oneself is worded as a request, not a payment.
TEST_F(BotSafetyTest, RequestFromYourselfIsWordedAsARequest) {
  const std::string reply = Say("alice@localhost", "request alice@localhost 1");
  EXPECT_TRUE(Contains(reply, "cannot ask yourself")) << reply;
}

// Defect 7: an unknown short name offers the users of the sender's own
// server by that name, and pays nothing.
TEST_F(BotSafetyTest, UnknownNameOffersTheFullAddressOnTheSameServer) {
  const std::string reply = Say("dave@localhost", "pay bob 0.01");
  EXPECT_TRUE(Contains(reply, "bob@localhost")) << reply;
  EXPECT_TRUE(Contains(reply, "Nothing was paid")) << reply;
  EXPECT_EQ(Usd("bob@localhost"), 5000);
}

// Defect 7: the user's next sequence comes from every node (NextSequence),
// not from one that may lag: after a restart, with GetAccount one behind,
// the payment still settles.
TEST_F(BotSafetyTest, UserSequenceFromEveryNode) {
  EXPECT_TRUE(Contains(Say("alice@localhost", "pay bob@localhost 1 first"), "SETTLED"));
  Restart();
  ledger_.SetGetAccountLag(1);
  const std::string reply = Say("alice@localhost", "pay bob@localhost 1 second");
  EXPECT_TRUE(Contains(reply, "SETTLED")) << reply;
}

// Defect 7: the faucet's next sequence too.
TEST_F(BotSafetyTest, FaucetSequenceFromEveryNode) {
  ledger_.SetGetAccountLag(1);
  const std::string reply = Say("erin@localhost", "faucet");
  EXPECT_TRUE(Contains(reply, "Faucet sent you 10.00 USD: SETTLED")) << reply;
}

}  // namespace
}  // namespace remit::bot::testing
