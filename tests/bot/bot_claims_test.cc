// Claimable payments to someone without a wallet, against the ledger's own
// executor (the FakeLedger runs it): the offer and its confirmation, the
// claim code kept sealed, the claim on the recipient's first message, the
// reclaim at the expiry, retries with the same bytes, restarts.
#include <gtest/gtest.h>

#include "ledger/claim_code.h"
#include "ledger/operation.h"
#include "tests/bot/bot_fixture.h"

namespace remit::bot::testing {
namespace {

std::string YesCode(const std::string& ask) {
  const size_t at = ask.find("'yes ");
  return at == std::string::npos ? "" : ask.substr(at + 5, 4);
}

const OutboundMessage* To(const std::vector<OutboundMessage>& messages, const std::string& who) {
  for (const OutboundMessage& message : messages) {
    if (message.to == who) return &message;
  }
  return nullptr;
}

class BotClaimsTest : public BotFixture {
 protected:
  void SetUp() override { Fund("alice@x", 50); }

  // alice pays carol@y 5 USD and confirms; returns what the yes produced.
  std::vector<OutboundMessage> PayCarol() {
    const std::string ask = Say("alice@x", "pay carol@y 5 USD lunch");
    return SayAll("alice@x", "yes " + YesCode(ask));
  }
  size_t AppliedOf(OpKind kind) {
    size_t count = 0;
    for (const v1::TransferRecord& record : ledger_.Applied()) {
      count += KindOf(record.signed_transfer()) == kind ? 1 : 0;
    }
    return count;
  }
};

// A never-seen identity: the bot says it has no wallet, for how long it
// holds the money, and asks yes (even below the confirmation threshold);
// nothing is signed before.
TEST_F(BotClaimsTest, NeverSeenIdentityIsOfferedAClaim) {
  const int calls = ledger_.settle_calls();
  const std::string ask = Say("alice@x", "pay carol@y 5 USD lunch");
  EXPECT_TRUE(Contains(ask, "carol@y has no wallet yet: I will hold 5.00 USD for them for 14 days"))
      << ask;
  EXPECT_TRUE(Contains(ask, "give it back to you if they have not claimed it by")) << ask;
  EXPECT_TRUE(Contains(ask, "Reply 'yes ")) << ask;
  EXPECT_EQ(ledger_.settle_calls(), calls);
  EXPECT_TRUE(Contains(Say("alice@x", "pay carol@ 5"), "not a chat address"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay carol@y/phone 5"), "not a chat address"));
}

// On yes the money is held on the ledger and carol is told who sent how
// much, with the note; balance and history show it as held, pending.
TEST_F(BotClaimsTest, YesHoldsTheMoneyAndTellsTheRecipient) {
  const std::vector<OutboundMessage> replies = PayCarol();
  ASSERT_GE(replies.size(), 2u);
  EXPECT_TRUE(Contains(replies[0].text, "Holding 5.00 USD for carol@y for \"lunch\": SETTLED"))
      << replies[0].text;
  const OutboundMessage* invite = To(replies, "carol@y");
  ASSERT_NE(invite, nullptr);
  EXPECT_TRUE(Contains(invite->text, "alice@x sent you 5.00 USD for \"lunch\"")) << invite->text;
  EXPECT_TRUE(Contains(invite->text, "reply anything to me and it is yours")) << invite->text;
  EXPECT_EQ(Usd("alice@x"), 4'500);
  const std::string balance = Say("alice@x", "balance");
  EXPECT_TRUE(Contains(balance, "Held for others (not yet claimed):\n  5.00 USD for carol@y"))
      << balance;
  EXPECT_TRUE(Contains(Say("alice@x", "history"), "5.00 USD to carol@y for \"lunch\": pending"));
}

// The claim code is kept only sealed: the stored claim's sealed code opens
// under the vault to the code whose claim key the ledger holds, and the
// sealed bytes are not the code.
TEST_F(BotClaimsTest, ClaimCodeIsKeptSealed) {
  PayCarol();
  const std::vector<HeldClaim> claims = *store_->ClaimsOf("alice@x", 10);
  ASSERT_EQ(claims.size(), 1u);
  const absl::StatusOr<std::string> code = vault_->OpenSecret(claims[0].sealed_code);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->size(), kBotClaimCodeBytes);
  EXPECT_EQ(claims[0].sealed_code.find(*code), std::string::npos);
  const v1::ClaimEntry entry = *ledger_.GetClaim(claims[0].claim_id);
  EXPECT_EQ(entry.claim_key(), ToString(ClaimKeyFromCode(*code)->public_key()));
  EXPECT_EQ(entry.status(), v1::CLAIM_OPEN);
}

// carol's first message, whatever it says, makes her wallet and claims the
// money; both sides are told; later messages claim nothing more.
TEST_F(BotClaimsTest, FirstMessageClaims) {
  PayCarol();
  const std::vector<OutboundMessage> replies = SayAll("carol@y", "hi there");
  ASSERT_GE(replies.size(), 2u);
  EXPECT_EQ(replies[0].to, "carol@y");
  EXPECT_TRUE(Contains(replies[0].text, "Welcome! Your new wallet is rmt1")) << replies[0].text;
  EXPECT_TRUE(
      Contains(replies[0].text, "You received 5.00 USD from alice@x for \"lunch\": SETTLED"))
      << replies[0].text;
  const OutboundMessage* told = To(replies, "alice@x");
  ASSERT_NE(told, nullptr);
  EXPECT_TRUE(Contains(told->text, "carol@y claimed the 5.00 USD you sent them")) << told->text;
  EXPECT_EQ(Usd("carol@y"), 500);
  EXPECT_EQ(Say("carol@y", "balance"), "Your balance: 5.00 USD");
  EXPECT_EQ(AppliedOf(OpKind::kClaim), 1u);
  EXPECT_TRUE(Contains(Say("alice@x", "history"), "5.00 USD to carol@y for \"lunch\": claimed"));
  EXPECT_FALSE(Contains(Say("alice@x", "balance"), "Held for others"));
}

// Unclaimed at the expiry: the bot reclaims for alice and tells her; a
// reclaim the ledger finds early (its clock behind) is tried again, not
// announced; carol's later message claims nothing.
TEST_F(BotClaimsTest, ExpiredClaimReturnsToPayer) {
  engine_options_.claim_ttl_ms = 60'000;
  Restart();
  PayCarol();
  const uint64_t after = now_ms_ + 60'001;
  EXPECT_TRUE(engine_->ExpireClaims(after).empty());  // ledger time still before the expiry
  EXPECT_EQ(Usd("alice@x"), 4'500);
  ledger_.SetBlockTime(after);
  const std::vector<OutboundMessage> told = engine_->ExpireClaims(after);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].to, "alice@x");
  EXPECT_TRUE(Contains(told[0].text,
                       "Returned to you: the 5.00 USD you sent carol@y for \"lunch\", not claimed"))
      << told[0].text;
  EXPECT_EQ(Usd("alice@x"), 5'000);
  EXPECT_TRUE(engine_->ExpireClaims(after + 1'000).empty());  // once
  EXPECT_EQ(AppliedOf(OpKind::kReclaim), 2u);                 // CLAIM_NOT_EXPIRED, SETTLED
  now_ms_ = after;
  EXPECT_FALSE(Contains(Say("carol@y", "hi"), "You received"));
  EXPECT_EQ(AppliedOf(OpKind::kClaim), 0u);
  EXPECT_TRUE(Contains(Say("alice@x", "history"), "returned to you"));
}

// The bot restarts between create and claim: nothing is lost.
TEST_F(BotClaimsTest, RestartBetweenCreateAndClaim) {
  PayCarol();
  Restart();
  EXPECT_TRUE(Contains(Say("carol@y", "balance"), "You received 5.00 USD from alice@x"));
  EXPECT_EQ(Usd("carol@y"), 500);
}

// A create_claim whose answer is lost, and a claim whose Settle fails: each
// is re-sent as the same signed bytes (one record each on the ledger) and
// finished by the retry, which tells whom it concerns.
TEST_F(BotClaimsTest, LostStepsAreRetriedWithTheSameBytes) {
  const std::string ask = Say("alice@x", "pay carol@y 5 USD lunch");
  ledger_.LoseAnswerNext(1);
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + YesCode(ask)), "not reachable"));
  Restart();
  ASSERT_EQ(engine_->Recover(now_ms_), 1u);
  const std::vector<OutboundMessage> update = engine_->RetryPending(now_ms_);
  ASSERT_NE(To(update, "carol@y"), nullptr);
  EXPECT_TRUE(Contains(To(update, "alice@x")->text, "Holding 5.00 USD for carol@y"));
  EXPECT_EQ(AppliedOf(OpKind::kCreateClaim), 1u);

  ledger_.DropNext(1);
  EXPECT_FALSE(Contains(Say("carol@y", "hello"), "You received"));
  EXPECT_FALSE(Contains(Say("carol@y", "hello again"), "You received"));  // in flight: not again
  EXPECT_EQ(AppliedOf(OpKind::kClaim), 0u);
  now_ms_ += 2'000;
  const std::vector<OutboundMessage> claimed = engine_->RetryPending(now_ms_);
  ASSERT_NE(To(claimed, "carol@y"), nullptr);
  EXPECT_TRUE(Contains(To(claimed, "carol@y")->text, "You received 5.00 USD from alice@x"));
  ASSERT_NE(To(claimed, "alice@x"), nullptr);
  EXPECT_EQ(AppliedOf(OpKind::kClaim), 1u);
  EXPECT_EQ(Usd("carol@y"), 500);
}

}  // namespace
}  // namespace remit::bot::testing
