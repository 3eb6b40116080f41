// Path search and rounding (ledger/exchange.h) on hand-placed offers: each
// test states the rounding or ordering rule it proves.
#include "ledger/exchange.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ledger/amount.h"
#include "ledger/memory_state.h"
#include "tests/ledger/op_testing.h"

namespace remit {
namespace {

using ::testing::HasSubstr;

__extension__ typedef unsigned __int128 Uint128;
constexpr uint64_t kMaxU64 = UINT64_MAX;
constexpr uint64_t kNow = 1'800'000'000'000;

Hash32 OfferIdOf(uint8_t n) {
  Hash32 id{};
  id.fill(n);
  return id;
}

// Books offers straight into a MemoryState.
class ExchangeTest : public ::testing::Test {
 protected:
  // An offer selling `sell` for `buy`, created at (height, position).
  v1::Offer& Add(uint8_t id, const std::string& sell, const std::string& buy, uint64_t amount,
                 uint64_t n, uint64_t d, uint64_t height = 1, uint32_t position = 0,
                 uint64_t expiry = 0) {
    v1::Offer offer;
    offer.set_offer_id(ToString(OfferIdOf(id)));
    offer.set_owner(ToString(testing::SeededKey(id).public_key()));
    offer.set_sell_asset(sell);
    offer.set_buy_asset(buy);
    offer.set_amount_minor(amount);
    offer.set_price_n(n);
    offer.set_price_d(d);
    offer.set_expiry_unix_ms(expiry);
    offer.set_created_height(height);
    offer.set_created_position(position == 0 ? id : position);
    state_.offers.Put(offer);
    offers_[id] = offer;
    return offers_[id];
  }

  CrossResult Send(const std::string& from, const std::string& to, uint64_t amount,
                   const std::string& hub = "") const {
    return FindPath(state_, hub, {from, to, CrossMode::kStrictSend, amount}, kNow);
  }
  CrossResult Receive(const std::string& from, const std::string& to, uint64_t amount,
                      const std::string& hub = "") const {
    return FindPath(state_, hub, {from, to, CrossMode::kStrictReceive, amount}, kNow);
  }

  // Every fill of the result is at or above its offer's price and within
  // its amount, and each leg's totals are its fills' sums.
  void ExpectFillsHonourOffers(const CrossResult& result) {
    for (const Leg& leg : result.legs) {
      Uint128 paid = 0;
      Uint128 received = 0;
      ASSERT_EQ(leg.fills.size(), leg.offers_after.size());
      for (size_t i = 0; i < leg.fills.size(); ++i) {
        const v1::Fill& fill = leg.fills[i];
        const v1::Offer& before = offers_.at(static_cast<uint8_t>(fill.offer_id()[0]));
        EXPECT_LE(fill.sold_minor(), before.amount_minor());
        EXPECT_GE(static_cast<Uint128>(fill.bought_minor()) * before.price_d(),
                  static_cast<Uint128>(fill.sold_minor()) * before.price_n());
        EXPECT_EQ(leg.offers_after[i].amount_minor(), before.amount_minor() - fill.sold_minor());
        paid += fill.bought_minor();
        received += fill.sold_minor();
      }
      EXPECT_EQ(paid, leg.paid_minor);
      EXPECT_EQ(received, leg.received_minor);
    }
  }

  MemoryState state_;
  std::map<uint8_t, v1::Offer> offers_;
};

// Strict send into an offer it cannot fill: the taker pays all it sends and
// receives floor(p x d / n), the owner keeps the fraction.
TEST_F(ExchangeTest, StrictSendPartialFillRoundsDownForTheTaker) {
  Add(1, "PHP", "USD", 5'825'000, 2'010'000, 116'500'000);  // 0.01725... USD per PHP
  const CrossResult result = Send("USD", "PHP", 1000);
  ASSERT_EQ(result.outcome, v1::SETTLED);
  EXPECT_EQ(result.sent_minor, 1000u);
  EXPECT_EQ(result.delivered_minor, 57'960u);  // floor(1000 x 116500000 / 2010000) = 57960.19
  ASSERT_EQ(result.legs.size(), 1u);
  ASSERT_EQ(result.legs[0].fills.size(), 1u);
  EXPECT_EQ(result.legs[0].offers_after[0].amount_minor(), 5'825'000u - 57'960u);
  ExpectFillsHonourOffers(result);
}

// Strict receive of part of an offer: the taker receives exactly what it
// asked and pays the ceiling.
TEST_F(ExchangeTest, StrictReceiveRoundsThePaymentUp) {
  Add(1, "PHP", "USD", 5'825'000, 2'010'000, 116'500'000);
  const CrossResult result = Receive("USD", "PHP", 500);
  ASSERT_EQ(result.outcome, v1::SETTLED);
  EXPECT_EQ(result.delivered_minor, 500u);
  EXPECT_EQ(result.sent_minor, 9u);  // ceil(500 x 2010000 / 116500000) = ceil(8.63)
  ExpectFillsHonourOffers(result);
}

// A fill of one minor unit: at a price below one it still costs one unit
// (never zero), at 5/2 it costs 3, at exactly 1 it costs 1.
TEST_F(ExchangeTest, FillOfOneMinorUnit) {
  Add(1, "PHP", "USD", 10, 1, 3);
  Add(2, "EUR", "USD", 10, 5, 2);
  Add(3, "KES", "USD", 10, 7, 7);
  EXPECT_EQ(Receive("USD", "PHP", 1).sent_minor, 1u);
  EXPECT_EQ(Receive("USD", "EUR", 1).sent_minor, 3u);
  EXPECT_EQ(Receive("USD", "KES", 1).sent_minor, 1u);
  EXPECT_EQ(Send("USD", "KES", 1).delivered_minor, 1u);
  // Paying one unit into the 5/2 offer buys floor(2/5) = 0 units: the owner
  // keeps the unit (a strict send always sends its whole amount).
  const CrossResult dust = Send("USD", "EUR", 1);
  ASSERT_EQ(dust.outcome, v1::SETTLED);
  EXPECT_EQ(dust.delivered_minor, 0u);
  ASSERT_EQ(dust.legs[0].fills.size(), 1u);
  EXPECT_EQ(dust.legs[0].fills[0].sold_minor(), 0u);
  EXPECT_EQ(dust.legs[0].fills[0].bought_minor(), 1u);
  EXPECT_EQ(dust.legs[0].offers_after[0].amount_minor(), 10u);
}

// Paying exactly ceil(amount x n / d) fills the offer: nothing left of it,
// nothing left of the payment.
TEST_F(ExchangeTest, OfferFilledExactly) {
  Add(1, "PHP", "USD", 1000, 3, 7);  // 1000 PHP cost ceil(3000 / 7) = 429 USD
  const CrossResult result = Send("USD", "PHP", 429);
  ASSERT_EQ(result.outcome, v1::SETTLED);
  EXPECT_EQ(result.delivered_minor, 1000u);
  EXPECT_EQ(result.legs[0].offers_after[0].amount_minor(), 0u);
  const CrossResult exact = Receive("USD", "PHP", 1000);
  EXPECT_EQ(exact.sent_minor, 429u);
  EXPECT_EQ(exact.legs[0].offers_after[0].amount_minor(), 0u);
  // One unit more than the book holds is NO_LIQUIDITY, one unit more paid too.
  EXPECT_EQ(Receive("USD", "PHP", 1001).outcome, v1::NO_LIQUIDITY);
  EXPECT_EQ(Send("USD", "PHP", 430).outcome, v1::NO_LIQUIDITY);
}

// Prices at the ends of uint64: products stay exact in 128 bits; a cost
// above 2^63-1 is an overflow outcome, not a wrapped amount.
TEST_F(ExchangeTest, PricesNearUint64Limits) {
  Add(1, "PHP", "USD", kAmountMinorMax, 1, kMaxU64);        // nearly free
  Add(2, "EUR", "USD", kAmountMinorMax, kMaxU64, 1);        // absurdly dear
  Add(3, "KES", "USD", kAmountMinorMax, kMaxU64, kMaxU64);  // exactly 1
  const CrossResult cheap = Send("USD", "PHP", 1);
  ASSERT_EQ(cheap.outcome, v1::SETTLED);
  EXPECT_EQ(cheap.delivered_minor, kAmountMinorMax);  // ceil((2^63-1)/(2^64-1)) = 1 buys it all
  EXPECT_EQ(Receive("USD", "PHP", kAmountMinorMax).sent_minor, 1u);
  // One EUR unit costs 2^64-1 USD: above any amount, so the path overflows.
  EXPECT_EQ(Receive("USD", "EUR", 1).outcome, v1::OVER_SEND_MAX);
  // Paying 2^63-1 into it buys floor((2^63-1)/(2^64-1)) = 0 EUR.
  const CrossResult dear = Send("USD", "EUR", kAmountMinorMax);
  ASSERT_EQ(dear.outcome, v1::SETTLED);
  EXPECT_EQ(dear.delivered_minor, 0u);
  EXPECT_EQ(Send("USD", "KES", kAmountMinorMax).delivered_minor, kAmountMinorMax);
  EXPECT_EQ(Receive("USD", "KES", kAmountMinorMax).sent_minor, kAmountMinorMax);
  ExpectFillsHonourOffers(cheap);
  ExpectFillsHonourOffers(dear);
}

// Strict send through several offers: more delivered than 2^63-1 is an
// overflow outcome (BALANCE_OVERFLOW), not a wrapped amount.
TEST_F(ExchangeTest, DeliveringMoreThanInt64IsAnOverflow) {
  Add(1, "PHP", "USD", kAmountMinorMax, 1, kMaxU64);
  Add(2, "PHP", "USD", kAmountMinorMax, 1, kMaxU64);
  EXPECT_EQ(Send("USD", "PHP", 2).outcome, v1::BALANCE_OVERFLOW);
  EXPECT_EQ(Send("USD", "PHP", 1).outcome, v1::SETTLED);
}

// The book is crossed best price first, then oldest; equal rationals
// (1/2 and 2/4) are the same price.
TEST_F(ExchangeTest, BestPriceFirstThenOldest) {
  Add(1, "PHP", "USD", 10, 2, 4, /*height=*/5);  // 1/2, newer
  Add(2, "PHP", "USD", 10, 1, 2, /*height=*/3);  // 1/2, older
  Add(3, "PHP", "USD", 10, 1, 3, /*height=*/9);  // 1/3, best price
  Add(4, "PHP", "USD", 10, 1, 1, /*height=*/1);  // worst, oldest
  const CrossResult result = Receive("USD", "PHP", 35);
  ASSERT_EQ(result.outcome, v1::SETTLED);
  ASSERT_EQ(result.legs[0].fills.size(), 4u);
  const std::string order = {
      result.legs[0].fills[0].offer_id()[0], result.legs[0].fills[1].offer_id()[0],
      result.legs[0].fills[2].offer_id()[0], result.legs[0].fills[3].offer_id()[0]};
  EXPECT_EQ(order, std::string({3, 2, 1, 4}));
  // 10 at 1/3 (4) + 10 at 1/2 (5) + 10 at 1/2 (5) + 5 at 1 (5).
  EXPECT_EQ(result.sent_minor, 19u);
  ExpectFillsHonourOffers(result);
}

// Through the hub: PHP -> USD -> KES when no direct book exists; the hub's
// amount flows exactly from one leg into the other.
TEST_F(ExchangeTest, HubPathCrossesTwoBooks) {
  Add(1, "USD", "PHP", 1000, 58, 1);  // 58 PHP per USD cent
  Add(2, "KES", "USD", 100000, 1, 1);
  EXPECT_EQ(Send("PHP", "KES", 5800).outcome, v1::NO_LIQUIDITY);  // no hub, no path
  const CrossResult result = Send("PHP", "KES", 5800, "USD");
  ASSERT_EQ(result.outcome, v1::SETTLED);
  ASSERT_EQ(result.legs.size(), 2u);
  EXPECT_EQ(result.legs[0].received_minor, 100u);
  EXPECT_EQ(result.legs[1].paid_minor, 100u);
  EXPECT_EQ(result.delivered_minor, 100u);
  const CrossResult receive = Receive("PHP", "KES", 100, "USD");
  ASSERT_EQ(receive.outcome, v1::SETTLED);
  EXPECT_EQ(receive.sent_minor, 5800u);
  EXPECT_EQ(receive.legs[0].received_minor, receive.legs[1].paid_minor);
  ExpectFillsHonourOffers(result);
  ExpectFillsHonourOffers(receive);
}

// A hub path whose second leg runs out mid-way is NO_LIQUIDITY, even
// though its first leg could be filled; so is one whose first leg runs out.
TEST_F(ExchangeTest, HubPathThatRunsOutMidwayHasNoLiquidity) {
  Add(1, "USD", "PHP", 1000, 58, 1);
  Add(2, "KES", "USD", 50, 1, 1);  // only 50 KES for the 100 USD the first leg yields
  EXPECT_EQ(Send("PHP", "KES", 5800, "USD").outcome, v1::NO_LIQUIDITY);
  EXPECT_EQ(Receive("PHP", "KES", 51, "USD").outcome, v1::NO_LIQUIDITY);
  EXPECT_EQ(Receive("PHP", "KES", 50, "USD").outcome, v1::SETTLED);
  EXPECT_EQ(Receive("PHP", "KES", 50, "USD").sent_minor, 2900u);
  // The first leg runs out: 1000 USD is all the PHP -> USD book holds.
  Add(3, "KES", "USD", 1'000'000, 1, 1);
  EXPECT_EQ(Receive("PHP", "KES", 1001, "USD").outcome, v1::NO_LIQUIDITY);
}

// The better of the direct and the hub path wins; a tie goes direct.
TEST_F(ExchangeTest, BetterPathWinsAndATieGoesDirect) {
  Add(1, "KES", "PHP", 100, 60, 1);   // direct: 60 PHP per KES
  Add(2, "USD", "PHP", 1000, 58, 1);  // hub: 58 PHP per USD, then 1 KES per USD
  Add(3, "KES", "USD", 1000, 1, 1);
  const CrossResult hub = Receive("PHP", "KES", 10, "USD");
  EXPECT_EQ(hub.legs.size(), 2u);
  EXPECT_EQ(hub.sent_minor, 580u);
  const CrossResult direct_only = Receive("PHP", "KES", 10);
  EXPECT_EQ(direct_only.sent_minor, 600u);
  Add(4, "KES", "PHP", 100, 58, 1, /*height=*/0);  // direct now ties the hub
  const CrossResult tie = Receive("PHP", "KES", 10, "USD");
  EXPECT_EQ(tie.legs.size(), 1u);
  EXPECT_EQ(tie.sent_minor, 580u);
}

// Offers whose expiry is before the block time are passed over; one that
// expires at the block time is still crossed.
TEST_F(ExchangeTest, ExpiredOffersArePassedOver) {
  Add(1, "PHP", "USD", 10, 1, 10, 1, 0, /*expiry=*/kNow - 1);
  Add(2, "PHP", "USD", 10, 1, 5, 1, 0, /*expiry=*/kNow);
  const CrossResult result = Receive("USD", "PHP", 10);
  ASSERT_EQ(result.outcome, v1::SETTLED);
  ASSERT_EQ(result.legs[0].fills.size(), 1u);
  EXPECT_EQ(result.legs[0].fills[0].offer_id()[0], 2);
  EXPECT_EQ(Receive("USD", "PHP", 11).outcome, v1::NO_LIQUIDITY);
}

// A leg crosses at most kFillsPerLegMax offers: liquidity beyond them does
// not count.
TEST_F(ExchangeTest, ALegCrossesAtMostItsFillBound) {
  for (uint32_t i = 0; i <= kFillsPerLegMax; ++i) {
    Add(static_cast<uint8_t>(i + 1), "PHP", "USD", 1, 1, 1, 1, i + 1);
  }
  EXPECT_EQ(Receive("USD", "PHP", kFillsPerLegMax).outcome, v1::SETTLED);
  EXPECT_EQ(Receive("USD", "PHP", kFillsPerLegMax + 1).outcome, v1::NO_LIQUIDITY);
}

// Quote refuses what no transfer could carry, naming the reason.
TEST_F(ExchangeTest, QuoteRefusesBadRequests) {
  testing::MemChain chain([] {
    Genesis genesis;
    genesis.chain_id = "remit-test";
    genesis.assets = {{"USD", 2, testing::SeededKey(1).public_key(), 1000},
                      {"PHP", 2, testing::SeededKey(1).public_key(), 1000}};
    genesis.validators = {{testing::SeededKey(2).public_key(), "v"}};
    return genesis;
  }());
  auto quote = [&](const std::string& from, const std::string& to, uint64_t amount) {
    return Quote(chain.genesis(), chain.state(), {from, to, CrossMode::kStrictSend, amount}, kNow);
  };
  EXPECT_THAT(std::string(quote("USD", "XAU", 1).status().message()), HasSubstr("unknown_asset"));
  EXPECT_THAT(std::string(quote("USD", "USD", 1).status().message()), HasSubstr("same_asset"));
  EXPECT_THAT(std::string(quote("USD", "PHP", 0).status().message()), HasSubstr("bad_amount"));
  const absl::StatusOr<CrossResult> empty = quote("USD", "PHP", 5);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->outcome, v1::NO_LIQUIDITY);
}

}  // namespace
}  // namespace remit
