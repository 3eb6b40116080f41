// The bot's cross-currency payments against the ledger's own executor (the
// FakeLedger runs it): the quote and its bound before `yes`, strict receive
// from the payer's currency, strict send into the recipient's, convert,
// rates, the balance's total, and a rate that moves past the bound.
#include <gtest/gtest.h>

#include "tests/bot/bot_fixture.h"

namespace remit::bot::testing {
namespace {

std::string YesCode(const std::string& ask) {
  const size_t at = ask.find("'yes ");
  return at == std::string::npos ? "" : ask.substr(at + 5, 4);
}

class BotFxTest : public BotFixture {
 protected:
  void SetUp() override {
    // The issuer (the faucet's key) sells PHP for USD at 1 USD = 50 PHP, and
    // USD for PHP at the same rate the other way.
    AddOffer("PHP", "USD", 1, 50);
    AddOffer("USD", "PHP", 50, 1);
    Fund("alice@x", 50);
    Fund("bob@x", 5);
  }
  // An offer of the faucet's key, then a restart so the engine reads the
  // faucet's next sequence afresh.
  void AddOffer(const std::string& sell, const std::string& buy, uint64_t n, uint64_t d) {
    ledger_.AddOffer(faucet_, sell, buy, 900'000, n, d);
    Restart();
  }
  int64_t Php(const std::string& identity) { return ledger_.Balance(AccountOf(identity), "PHP"); }
};

// pay 500 PHP from a USD balance: the quote (cost, rate, bound) first and
// nothing signed; after yes, exactly 500.00 PHP arrives and the quoted USD
// leaves.
TEST_F(BotFxTest, PayInAnotherCurrencyQuotesThenPaysOnYes) {
  const int calls = ledger_.settle_calls();
  const std::string ask = Say("alice@x", "pay bob@x 500 PHP rent");
  EXPECT_TRUE(Contains(ask, "cross-currency")) << ask;
  EXPECT_TRUE(Contains(ask, "Pay bob@x 500.00 PHP for \"rent\"?")) << ask;
  EXPECT_TRUE(Contains(ask, "costs about 10.00 USD (1 USD = 50.00 PHP)")) << ask;
  EXPECT_TRUE(Contains(ask, "at most 10.10 USD (1.00% for the rate moving)")) << ask;
  EXPECT_EQ(ledger_.settle_calls(), calls);
  const std::string paid = Say("alice@x", "yes " + YesCode(ask));
  EXPECT_TRUE(Contains(paid, "Paid bob@x 500.00 PHP for \"rent\": SETTLED")) << paid;
  EXPECT_TRUE(Contains(paid, "It cost 10.00 USD and delivered 500.00 PHP")) << paid;
  EXPECT_EQ(Php("bob@x"), 50'000);
  EXPECT_EQ(Usd("alice@x"), 4'000);
  EXPECT_EQ(ledger_.LastApplied().signed_transfer().operation().strict_receive().send_max_minor(),
            1'010u);
  // bob hears of it from the ledger's stream, in what he received.
  const std::vector<OutboundMessage> told = engine_->OnTransferFinal(ledger_.LastApplied());
  ASSERT_EQ(told.size(), 1u);
  EXPECT_TRUE(Contains(told[0].text, "alice@x paid you 500.00 PHP for \"rent\"")) << told[0].text;
  EXPECT_TRUE(Contains(Say("alice@x", "history"), "-10.00 USD to bob@x (500.00 PHP delivered)"));
}

// A payment in the payer's currency to someone whose currency is another is
// delivered in theirs: strict send, at least the quote less the margin.
TEST_F(BotFxTest, RecipientsCurrencyIsDelivered) {
  EXPECT_TRUE(Contains(Say("bob@x", "currency PHP"), "now PHP"));
  const std::string ask = Say("alice@x", "pay bob@x 2.00 USD");
  EXPECT_TRUE(Contains(ask, "Pay bob@x 100.00 PHP?")) << ask;
  EXPECT_TRUE(Contains(ask, "You send exactly 2.00 USD")) << ask;
  EXPECT_TRUE(Contains(ask, "at least 99.00 PHP delivered")) << ask;
  const std::string paid = Say("alice@x", "yes " + YesCode(ask));
  EXPECT_TRUE(Contains(paid, "SETTLED")) << paid;
  EXPECT_EQ(Php("bob@x"), 10'000);
  EXPECT_EQ(Usd("alice@x"), 4'800);
}

// The book moves between the quote and yes: the signed bound holds, the
// transfer ends OVER_SEND_MAX, the payer is told plainly, nothing moved.
TEST_F(BotFxTest, RateMovedPastTheBoundMovesNothing) {
  AddOffer("PHP", "USD", 1, 40);  // dearer: 1 USD = 40 PHP
  Fund("dave@x", 200);
  const std::string ask = Say("alice@x", "pay bob@x 500 PHP");
  ASSERT_TRUE(Contains(ask, "at most 10.10 USD")) << ask;
  // dave takes the cheap PHP first.
  const std::string dave_ask = Say("dave@x", "pay bob@x 9000 PHP");
  ASSERT_TRUE(Contains(Say("dave@x", "yes " + YesCode(dave_ask)), "SETTLED"));
  const int64_t bob_php = Php("bob@x");
  const std::string reply = Say("alice@x", "yes " + YesCode(ask));
  EXPECT_TRUE(Contains(reply, "OVER_SEND_MAX")) << reply;
  EXPECT_TRUE(Contains(reply, "more than the 10.10 USD you agreed to, so nothing was paid"))
      << reply;
  EXPECT_EQ(Usd("alice@x"), 5'000);
  EXPECT_EQ(Php("bob@x"), bob_php);
}

// No offers for the pair: refused before anything is signed.
TEST_F(BotFxTest, NoLiquidityIsRefusedBeforeSigning) {
  const int calls = ledger_.settle_calls();
  const std::string reply = Say("alice@x", "pay bob@x 5 EUR");
  EXPECT_TRUE(Contains(reply, "Nothing was paid: nobody offers enough EUR for USD")) << reply;
  EXPECT_EQ(ledger_.settle_calls(), calls);
}

// A ledger client without quotes: the payment goes as asked (as before
// cross-currency existed), and the ledger says the payer lacks the asset.
TEST_F(BotFxTest, WithoutQuotesPaysAsAsked) {
  ledger_.DisableQuotes();
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 5 PHP"), "INSUFFICIENT_FUNDS"));
  EXPECT_EQ(Usd("alice@x"), 5'000);
}

// convert is a strict send to oneself, confirmed like a payment; rates and
// the balance's total use the same quotes.
TEST_F(BotFxTest, ConvertRatesAndTotal) {
  const std::string ask = Say("alice@x", "convert 10 USD to php");
  EXPECT_TRUE(Contains(ask, "You send exactly 10.00 USD")) << ask;
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + YesCode(ask)), "SETTLED"));
  EXPECT_EQ(Php("alice@x"), 50'000);
  EXPECT_EQ(Usd("alice@x"), 4'000);
  const std::string balance = Say("alice@x", "balance");
  EXPECT_TRUE(Contains(balance, "40.00 USD")) << balance;
  EXPECT_TRUE(Contains(balance, "500.00 PHP")) << balance;
  EXPECT_TRUE(Contains(balance, "In all about 50.00 USD at today's rates")) << balance;
  const std::string rates = Say("alice@x", "rates");
  EXPECT_TRUE(Contains(rates, "1 USD = 50.00 PHP")) << rates;
  EXPECT_TRUE(Contains(rates, "EUR: no offers right now")) << rates;
  EXPECT_TRUE(Contains(Say("alice@x", "convert 5 USD to USD"), "same currency"));
  EXPECT_TRUE(Contains(Say("alice@x", "convert 5 USD to GBP"), "no currency GBP"));
  EXPECT_TRUE(Contains(Say("alice@x", "convert 5 USD"), "usage: convert"));
}

// A cross-currency payment whose answer is lost is recorded with its bound
// and re-sent as the same bytes after a restart: paid once.
TEST_F(BotFxTest, LostAnswerIsRetriedOnce) {
  const std::string ask = Say("alice@x", "pay bob@x 500 PHP");
  ledger_.LoseAnswerNext(1);
  EXPECT_TRUE(Contains(Say("alice@x", "yes " + YesCode(ask)), "not reachable")) << ask;
  Restart();
  EXPECT_EQ(engine_->Recover(now_ms_), 1u);
  const std::vector<OutboundMessage> updates = engine_->RetryPending(now_ms_);
  ASSERT_FALSE(updates.empty());
  EXPECT_TRUE(Contains(updates[0].text, "already final before; paid once")) << updates[0].text;
  EXPECT_EQ(Php("bob@x"), 50'000);
  EXPECT_EQ(Usd("alice@x"), 4'000);
}

}  // namespace
}  // namespace remit::bot::testing
