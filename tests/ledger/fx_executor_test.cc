// Execution of operations (ledger/execute_ops.cc): every outcome of
// cross-currency transfers, offers, the basket and claims, the edges the
// docs name, and the invariants after each block (assets sum to zero with
// what is held, held funds are not spendable, all legs or none).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "ledger/exchange.h"
#include "tests/ledger/op_testing.h"

namespace remit {
namespace {

using testing::MemChain;
using testing::SeededKey;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kGenesisTimeMs = 1'767'225'600'000;
constexpr char kCode[] = "a claim code of some length";

class FxExecutorTest : public ::testing::Test {
 protected:
  FxExecutorTest()
      : issuer_(SeededKey(1)),
        maker_(SeededKey(2)),
        alice_(SeededKey(3)),
        bob_(SeededKey(4)),
        carol_(SeededKey(5)),
        whale_(SeededKey(6)),
        chain_(MakeGenesis()) {}

  Genesis MakeGenesis() const {
    Genesis genesis;
    genesis.chain_id = "remit-test";
    genesis.genesis_time_unix_ms = kGenesisTimeMs;
    const AccountId issuer = issuer_.public_key();
    genesis.assets = {{"USD", 2, issuer, 1'000'000},
                      {"PHP", 2, issuer, 100'000'000},
                      {"KES", 2, issuer, 100'000'000}};
    genesis.balances = {{issuer, "USD", -2'100'000},
                        {alice_.public_key(), "USD", 100'000},
                        {maker_.public_key(), "USD", 2'000'000},
                        {issuer, "PHP", -kInt64Max},
                        {maker_.public_key(), "PHP", 100'000'000},
                        {alice_.public_key(), "PHP", 1'000'000},
                        {whale_.public_key(), "PHP", kInt64Max - 101'000'000},
                        {issuer, "KES", -50'000'000},
                        {maker_.public_key(), "KES", 50'000'000}};
    genesis.validators = {{SeededKey(9).public_key(), "127.0.0.1:7100"}};
    genesis.hub_asset = "USD";
    genesis.basket = BasketInfo{{"RMX", 2, AccountId{}, 10'000, false}, {{"USD", 1}, {"PHP", 50}}};
    return genesis;
  }

  const testing::OpSigner& sign() const { return chain_.sign(); }

  // The maker sells PHP for USD at 1/58 (58 PHP cents per USD cent) and KES
  // for USD at 1/100; its first offer's id.
  Hash32 MakeBook() {
    const v1::SignedTransfer php = sign().OfferCreate(maker_, 0, "PHP", "USD", 5'800'000, 1, 58);
    const v1::SignedTransfer kes = sign().OfferCreate(maker_, 1, "KES", "USD", 1'000'000, 1, 100);
    EXPECT_EQ(chain_.CommitOne(php).outcome(), v1::SETTLED);
    EXPECT_EQ(chain_.CommitOne(kes).outcome(), v1::SETTLED);
    return testing::IdOf(php);
  }

  // Commits one operation that must fail with `outcome`; checks nothing but
  // the signer's sequence moved.
  void ExpectRefusedOutcome(const v1::SignedTransfer& op, v1::Outcome outcome,
                            const SigningKey& signer) {
    const MemoryState before = chain_.state();
    const BlockEffects effects = chain_.Commit({op});
    ASSERT_EQ(effects.records.size(), 1u);
    EXPECT_EQ(effects.records[0].receipt().outcome(), outcome)
        << v1::Outcome_Name(effects.records[0].receipt().outcome());
    EXPECT_TRUE(effects.balances.empty());
    EXPECT_TRUE(effects.offers.empty());
    EXPECT_TRUE(effects.claims.empty());
    EXPECT_FALSE(effects.basket.has_value());
    EXPECT_EQ(effects.records[0].receipt().sent_minor(), 0u);
    EXPECT_EQ(effects.records[0].receipt().fills_size(), 0);
    EXPECT_EQ(chain_.Next(signer), before.NextSequence(signer.public_key()) + 1);
    EXPECT_EQ(chain_.state().balances, before.balances);
  }

  SigningKey issuer_, maker_, alice_, bob_, carol_, whale_;
  MemChain chain_;
};

// A strict send crosses the maker's offer: exactly the amount leaves alice,
// bob gains exactly the delivered amount, the maker is paid, the offer
// shrinks by what it sold, the receipt says all of it.
TEST_F(FxExecutorTest, StrictSendSettlesAndReportsItsFill) {
  const Hash32 offer = MakeBook();
  const int64_t maker_usd = chain_.Balance(maker_, "USD");
  const v1::Receipt receipt =
      chain_.CommitOne(sign().StrictSend(alice_, 0, bob_.public_key(), "USD", 1000, "PHP", 58'000));
  ASSERT_EQ(receipt.outcome(), v1::SETTLED);
  EXPECT_EQ(receipt.sent_asset(), "USD");
  EXPECT_EQ(receipt.sent_minor(), 1000u);
  EXPECT_EQ(receipt.delivered_asset(), "PHP");
  EXPECT_EQ(receipt.delivered_minor(), 58'000u);
  ASSERT_EQ(receipt.fills_size(), 1);
  EXPECT_EQ(receipt.fills(0).offer_id(), ToString(offer));
  EXPECT_EQ(receipt.fills(0).owner(), ToString(maker_.public_key()));
  EXPECT_EQ(receipt.fills(0).sold_minor(), 58'000u);
  EXPECT_EQ(receipt.fills(0).bought_minor(), 1000u);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 99'000);
  EXPECT_EQ(chain_.Balance(bob_, "PHP"), 58'000);
  EXPECT_EQ(chain_.Balance(maker_, "USD"), maker_usd + 1000);
  EXPECT_EQ(chain_.state().FindOffer(offer)->amount_minor(), 5'800'000u - 58'000u);
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// A strict receive delivers exactly the amount asked for through the hub
// (PHP -> USD -> KES) and costs what the two legs cost.
TEST_F(FxExecutorTest, StrictReceiveThroughTheHubDeliversExactly) {
  MakeBook();
  ASSERT_EQ(chain_.CommitOne(sign().OfferCreate(maker_, 2, "USD", "PHP", 100'000, 59, 1)).outcome(),
            v1::SETTLED);
  const v1::Receipt receipt = chain_.CommitOne(
      sign().StrictReceive(alice_, 0, bob_.public_key(), "PHP", 6000, "KES", 10'000));
  ASSERT_EQ(receipt.outcome(), v1::SETTLED);
  EXPECT_EQ(receipt.delivered_minor(), 10'000u);
  EXPECT_EQ(receipt.sent_minor(), 5900u);  // 10000 KES = 100 USD = 5900 PHP
  ASSERT_EQ(receipt.fills_size(), 2);
  EXPECT_EQ(receipt.fills(0).sold_asset(), "USD");
  EXPECT_EQ(receipt.fills(1).sold_asset(), "KES");
  EXPECT_EQ(receipt.fills(0).sold_minor(), receipt.fills(1).bought_minor());
  EXPECT_EQ(chain_.Balance(bob_, "KES"), 10'000);
  EXPECT_EQ(chain_.Balance(alice_, "PHP"), 1'000'000 - 5900);
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// Converting into another of one's own currencies: `to` is the sender.
TEST_F(FxExecutorTest, ACrossCurrencyTransferToOneselfConverts) {
  MakeBook();
  const v1::Receipt receipt =
      chain_.CommitOne(sign().StrictSend(alice_, 0, alice_.public_key(), "USD", 10, "PHP", 1));
  ASSERT_EQ(receipt.outcome(), v1::SETTLED);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 100'000 - 10);
  EXPECT_EQ(chain_.Balance(alice_, "PHP"), 1'000'000 + 580);
}

// Each refusal of a cross-currency transfer moves nothing, reports no
// fills, and consumes the sequence.
TEST_F(FxExecutorTest, EachCrossCurrencyRefusal) {
  MakeBook();
  ExpectRefusedOutcome(sign().StrictSend(alice_, 0, bob_.public_key(), "USD", 1000, "PHP", 58'001),
                       v1::UNDER_DELIVER_MIN, alice_);
  ExpectRefusedOutcome(
      sign().StrictReceive(alice_, 1, bob_.public_key(), "USD", 999, "PHP", 58'000),
      v1::OVER_SEND_MAX, alice_);
  ExpectRefusedOutcome(
      sign().StrictReceive(alice_, 2, bob_.public_key(), "USD", 1'000'000, "PHP", 5'800'001),
      v1::NO_LIQUIDITY, alice_);
  ExpectRefusedOutcome(sign().StrictSend(alice_, 3, bob_.public_key(), "KES", 10, "PHP", 1),
                       v1::NO_LIQUIDITY, alice_);  // nobody sells PHP for KES or USD for KES
  ExpectRefusedOutcome(sign().StrictSend(bob_, 0, alice_.public_key(), "USD", 10, "PHP", 1),
                       v1::INSUFFICIENT_FUNDS, bob_);
  ExpectRefusedOutcome(sign().StrictSend(alice_, 4, bob_.public_key(), "USD", 1'000'001, "PHP", 1),
                       v1::LIMIT_EXCEEDED, alice_);
  ExpectRefusedOutcome(sign().StrictSend(alice_, 5, bob_.public_key(), "XAU", 10, "PHP", 1),
                       v1::UNKNOWN_ASSET, alice_);
  // A signed expiry before the block time: EXPIRED before anything else.
  v1::Operation late = sign().Header(alice_, 6, kGenesisTimeMs);
  *late.mutable_strict_send() = sign()
                                    .StrictSend(alice_, 6, bob_.public_key(), "USD", 10, "PHP", 1)
                                    .operation()
                                    .strict_send();
  ExpectRefusedOutcome(SignOperation(late, alice_), v1::EXPIRED, alice_);
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// All legs or none: a hub transfer (KES -> USD -> PHP) whose final credit
// would overflow the recipient's balance leaves both books and every
// balance untouched. (A credit can overflow only when the recipient would
// hold all of an asset issued down to INT64_MIN, hence this chain.)
TEST_F(FxExecutorTest, AllLegsOrNone) {
  Genesis genesis;
  genesis.chain_id = "remit-test";
  genesis.genesis_time_unix_ms = kGenesisTimeMs;
  const AccountId issuer = issuer_.public_key();
  genesis.assets = {{"USD", 2, issuer, 1'000'000},
                    {"PHP", 2, issuer, 100'000'000},
                    {"KES", 2, issuer, 100'000'000}};
  genesis.balances = {{issuer, "PHP", std::numeric_limits<int64_t>::min()},
                      {maker_.public_key(), "PHP", 58'000},
                      {whale_.public_key(), "PHP", kInt64Max - 57'999},
                      {issuer, "USD", -1000},
                      {maker_.public_key(), "USD", 1000},
                      {issuer, "KES", -100'000},
                      {alice_.public_key(), "KES", 100'000}};
  genesis.validators = {{SeededKey(9).public_key(), "127.0.0.1:7100"}};
  genesis.hub_asset = "USD";
  MemChain chain(genesis);
  const testing::OpSigner& op = chain.sign();
  ASSERT_EQ(chain.CommitOne(op.OfferCreate(maker_, 0, "PHP", "USD", 58'000, 1, 58)).outcome(),
            v1::SETTLED);
  ASSERT_EQ(chain.CommitOne(op.OfferCreate(maker_, 1, "USD", "KES", 1000, 100, 1)).outcome(),
            v1::SETTLED);
  const MemoryState before = chain.state();
  const BlockEffects effects =
      chain.Commit({op.StrictSend(alice_, 0, whale_.public_key(), "KES", 100'000, "PHP", 1)});
  ASSERT_EQ(effects.records.size(), 1u);
  EXPECT_EQ(effects.records[0].receipt().outcome(), v1::BALANCE_OVERFLOW);
  EXPECT_TRUE(effects.balances.empty());
  EXPECT_TRUE(effects.offers.empty());
  EXPECT_EQ(chain.state().balances, before.balances);
  ASSERT_EQ(chain.state().offers.All().size(), 2u);
  for (const v1::Offer& offer : before.offers.All()) {
    const Hash32 id = *ToArray<kHashBytes>(offer.offer_id(), "id");
    EXPECT_EQ(chain.state().FindOffer(id)->amount_minor(), offer.amount_minor());
  }
  EXPECT_TRUE(chain.AssetsSumToZero());
}

// An offer holds its amount: the owner cannot spend it, it still counts in
// the asset's sum, and cancelling returns exactly what is left.
TEST_F(FxExecutorTest, OfferFundsAreHeldUntilCancelled) {
  const v1::SignedTransfer create = sign().OfferCreate(alice_, 0, "USD", "PHP", 60'000, 58, 1);
  const v1::Receipt created = chain_.CommitOne(create);
  ASSERT_EQ(created.outcome(), v1::SETTLED);
  EXPECT_EQ(created.sent_minor(), 60'000u);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 40'000);
  EXPECT_TRUE(chain_.AssetsSumToZero());
  // The held 60000 are not spendable: 40001 is more than alice has.
  EXPECT_EQ(
      chain_.CommitOne(sign().Transfer(alice_, bob_.public_key(), "USD", 40'001, 1)).outcome(),
      v1::INSUFFICIENT_FUNDS);
  // Bob buys 100 USD of it; the rest comes back on cancel.
  EXPECT_EQ(
      chain_.CommitOne(sign().Transfer(maker_, bob_.public_key(), "PHP", 10'000, 0)).outcome(),
      v1::SETTLED);
  EXPECT_EQ(
      chain_.CommitOne(sign().StrictReceive(bob_, 0, bob_.public_key(), "PHP", 5800, "USD", 100))
          .outcome(),
      v1::SETTLED);
  const v1::Receipt cancelled =
      chain_.CommitOne(sign().OfferCancel(alice_, 2, testing::IdOf(create)));
  ASSERT_EQ(cancelled.outcome(), v1::SETTLED);
  EXPECT_EQ(cancelled.delivered_minor(), 59'900u);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 99'900);
  EXPECT_EQ(chain_.Balance(alice_, "PHP"), 1'000'000 + 5800);
  EXPECT_FALSE(chain_.state().FindOffer(testing::IdOf(create)).has_value());
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// Offer refusals: more than the balance, an expiry already past, an
// unknown asset; cancelling someone else's, an unknown or a finished offer.
TEST_F(FxExecutorTest, EachOfferRefusal) {
  const Hash32 offer = MakeBook();
  ExpectRefusedOutcome(sign().OfferCreate(bob_, 0, "USD", "PHP", 1, 1, 1), v1::INSUFFICIENT_FUNDS,
                       bob_);
  ExpectRefusedOutcome(sign().OfferCreate(alice_, 0, "USD", "PHP", 1, 1, 1, kGenesisTimeMs),
                       v1::EXPIRED, alice_);
  ExpectRefusedOutcome(sign().OfferCreate(alice_, 1, "USD", "XAU", 1, 1, 1), v1::UNKNOWN_ASSET,
                       alice_);
  ExpectRefusedOutcome(sign().OfferCancel(alice_, 2, offer), v1::NOT_OWNER, alice_);
  Hash32 unknown = offer;
  unknown[0] ^= 1;
  ExpectRefusedOutcome(sign().OfferCancel(maker_, 2, unknown), v1::UNKNOWN_OFFER, maker_);
  EXPECT_EQ(chain_.CommitOne(sign().OfferCancel(maker_, 3, offer)).outcome(), v1::SETTLED);
  ExpectRefusedOutcome(sign().OfferCancel(maker_, 4, offer), v1::UNKNOWN_OFFER, maker_);
}

// An offer whose expiry passes is no longer crossed, and still returns its
// money when cancelled.
TEST_F(FxExecutorTest, AnExpiredOfferIsNotCrossedButCanBeCancelled) {
  const uint64_t expiry = kGenesisTimeMs + 5000;
  const v1::SignedTransfer create =
      sign().OfferCreate(maker_, 0, "PHP", "USD", 5800, 1, 58, expiry);
  ASSERT_EQ(chain_.CommitOne(create, kGenesisTimeMs + 1000).outcome(), v1::SETTLED);
  EXPECT_EQ(
      chain_.CommitOne(sign().StrictSend(alice_, 0, bob_.public_key(), "USD", 1, "PHP", 1), expiry)
          .outcome(),
      v1::SETTLED);
  EXPECT_EQ(chain_
                .CommitOne(sign().StrictSend(alice_, 1, bob_.public_key(), "USD", 1, "PHP", 1),
                           expiry + 1)
                .outcome(),
            v1::NO_LIQUIDITY);
  const v1::Receipt cancelled =
      chain_.CommitOne(sign().OfferCancel(maker_, 1, testing::IdOf(create)));
  EXPECT_EQ(cancelled.outcome(), v1::SETTLED);
  EXPECT_EQ(cancelled.delivered_minor(), 5800u - 58u);
}

// Mint deposits exactly units x weight of each component into the reserve;
// redeem gives it back; the reserve is outstanding x weights throughout.
TEST_F(FxExecutorTest, BasketMintAndRedeemKeepTheReserveExact) {
  const v1::Receipt minted = chain_.CommitOne(sign().Mint(alice_, 0, "RMX", 100));
  ASSERT_EQ(minted.outcome(), v1::SETTLED);
  EXPECT_EQ(minted.delivered_asset(), "RMX");
  EXPECT_EQ(minted.delivered_minor(), 100u);
  EXPECT_EQ(chain_.Balance(alice_, "RMX"), 100);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 100'000 - 100);
  EXPECT_EQ(chain_.Balance(alice_, "PHP"), 1'000'000 - 5000);
  EXPECT_EQ(chain_.state().Basket(), (BasketState{100, {100, 5000}}));
  // Basket units are an asset: bob can hold and redeem them.
  EXPECT_EQ(chain_.CommitOne(sign().Transfer(alice_, bob_.public_key(), "RMX", 40, 1)).outcome(),
            v1::SETTLED);
  const v1::Receipt redeemed = chain_.CommitOne(sign().Redeem(bob_, 0, "RMX", 40));
  ASSERT_EQ(redeemed.outcome(), v1::SETTLED);
  EXPECT_EQ(redeemed.sent_minor(), 40u);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 40);
  EXPECT_EQ(chain_.Balance(bob_, "PHP"), 2000);
  EXPECT_EQ(chain_.state().Basket(), (BasketState{60, {60, 3000}}));
  EXPECT_TRUE(BasketReserveMatches(*chain_.genesis().basket, chain_.state().Basket()));
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// Basket refusals: no component at all, one component short, above its
// limit, not the basket, more units than held.
TEST_F(FxExecutorTest, EachBasketRefusal) {
  ExpectRefusedOutcome(sign().Mint(bob_, 0, "RMX", 1), v1::INSUFFICIENT_FUNDS, bob_);
  ASSERT_EQ(chain_.CommitOne(sign().Transfer(alice_, carol_.public_key(), "USD", 100, 0)).outcome(),
            v1::SETTLED);
  ExpectRefusedOutcome(sign().Mint(carol_, 0, "RMX", 1), v1::INSUFFICIENT_FUNDS, carol_);  // no PHP
  ExpectRefusedOutcome(sign().Mint(alice_, 1, "RMX", 10'001), v1::LIMIT_EXCEEDED, alice_);
  ExpectRefusedOutcome(sign().Mint(alice_, 2, "USD", 1), v1::UNKNOWN_ASSET, alice_);
  EXPECT_EQ(chain_.CommitOne(sign().Mint(alice_, 3, "RMX", 10)).outcome(), v1::SETTLED);
  ExpectRefusedOutcome(sign().Redeem(alice_, 4, "RMX", 11), v1::INSUFFICIENT_FUNDS, alice_);
  ExpectRefusedOutcome(sign().Redeem(alice_, 5, "PHP", 1), v1::UNKNOWN_ASSET, alice_);
}

class ClaimTest : public FxExecutorTest {
 protected:
  static constexpr uint64_t kExpiry = kGenesisTimeMs + 100'000;

  // Alice holds 500 USD for whoever knows kCode until kExpiry.
  Hash32 CreateClaim() {
    const v1::SignedTransfer create = sign().CreateClaim(alice_, 0, "USD", 500, kCode, kExpiry);
    const v1::Receipt receipt = chain_.CommitOne(create);
    EXPECT_EQ(receipt.outcome(), v1::SETTLED);
    EXPECT_EQ(receipt.claim_id(), ToString(testing::IdOf(create)));
    EXPECT_EQ(receipt.sent_minor(), 500u);
    return testing::IdOf(create);
  }
};

// Claimed by a fresh account with the code: the money moves there once, the
// claim records its claimant, and alice's held 500 were never spendable.
TEST_F(ClaimTest, ClaimPaysTheClaimantOnce) {
  const Hash32 id = CreateClaim();
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 99'500);
  EXPECT_TRUE(chain_.AssetsSumToZero());
  EXPECT_EQ(
      chain_.CommitOne(sign().Transfer(alice_, bob_.public_key(), "USD", 99'501, 1)).outcome(),
      v1::INSUFFICIENT_FUNDS);
  const v1::Receipt claimed = chain_.CommitOne(sign().Claim(carol_, 0, id, kCode));
  ASSERT_EQ(claimed.outcome(), v1::SETTLED);
  EXPECT_EQ(claimed.delivered_minor(), 500u);
  EXPECT_EQ(claimed.claim_id(), ToString(id));
  EXPECT_EQ(claimed.counterparty(), ToString(alice_.public_key()));
  EXPECT_EQ(chain_.Balance(carol_, "USD"), 500);
  const v1::ClaimEntry entry = *chain_.state().FindClaim(id);
  EXPECT_EQ(entry.status(), v1::CLAIM_CLAIMED);
  EXPECT_EQ(entry.claimant(), ToString(carol_.public_key()));
  ExpectRefusedOutcome(sign().Claim(bob_, 0, id, kCode), v1::ALREADY_CLAIMED, bob_);
  ExpectRefusedOutcome(sign().Reclaim(alice_, 2, id), v1::ALREADY_CLAIMED, alice_);
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// Expiry is the last valid instant: a claim at exactly the expiry time
// settles; a reclaim then, or one millisecond before, is CLAIM_NOT_EXPIRED.
TEST_F(ClaimTest, AClaimAtExactlyTheExpirySettles) {
  const Hash32 id = CreateClaim();
  ExpectRefusedOutcome(sign().Reclaim(alice_, 1, id), v1::CLAIM_NOT_EXPIRED, alice_);
  EXPECT_EQ(chain_.CommitOne(sign().Reclaim(alice_, 2, id), kExpiry - 1).outcome(),
            v1::CLAIM_NOT_EXPIRED);
  EXPECT_EQ(chain_.CommitOne(sign().Reclaim(alice_, 3, id), kExpiry).outcome(),
            v1::CLAIM_NOT_EXPIRED);
  EXPECT_EQ(chain_.CommitOne(sign().Claim(carol_, 0, id, kCode), kExpiry).outcome(), v1::SETTLED);
}

// One millisecond after the expiry the roles swap: the claim is
// CLAIM_EXPIRED, the sender's reclaim returns the money.
TEST_F(ClaimTest, AfterTheExpiryOnlyTheSenderReclaims) {
  const Hash32 id = CreateClaim();
  EXPECT_EQ(chain_.CommitOne(sign().Claim(carol_, 0, id, kCode), kExpiry + 1).outcome(),
            v1::CLAIM_EXPIRED);
  EXPECT_EQ(chain_.CommitOne(sign().Reclaim(bob_, 0, id)).outcome(), v1::NOT_OWNER);
  const v1::Receipt reclaimed = chain_.CommitOne(sign().Reclaim(alice_, 1, id));
  ASSERT_EQ(reclaimed.outcome(), v1::SETTLED);
  EXPECT_EQ(reclaimed.delivered_minor(), 500u);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 100'000);
  EXPECT_EQ(chain_.state().FindClaim(id)->status(), v1::CLAIM_RECLAIMED);
  ExpectRefusedOutcome(sign().Reclaim(alice_, 2, id), v1::ALREADY_CLAIMED, alice_);
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// Two claims of one claim id in one block: the first settles, the second is
// ALREADY_CLAIMED; the money moved once.
TEST_F(ClaimTest, TwoClaimsOfOneIdInOneBlock) {
  const Hash32 id = CreateClaim();
  const BlockEffects effects =
      chain_.Commit({sign().Claim(carol_, 0, id, kCode), sign().Claim(bob_, 0, id, kCode)});
  ASSERT_EQ(effects.records.size(), 2u);
  EXPECT_EQ(effects.records[0].receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(effects.records[1].receipt().outcome(), v1::ALREADY_CLAIMED);
  EXPECT_EQ(chain_.Balance(carol_, "USD"), 500);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 0);
  EXPECT_TRUE(chain_.AssetsSumToZero());
}

// A proof made for another claimant does not pay the account that submits
// it: carol presenting a proof made for bob is BAD_CLAIM_SECRET, and bob's
// own claim still works; a wrong code is BAD_CLAIM_SECRET too.
TEST_F(ClaimTest, AClaimSignedForADifferentRecipientIsRefused) {
  const Hash32 id = CreateClaim();
  ExpectRefusedOutcome(sign().Claim(carol_, 0, id, kCode, bob_.public_key()), v1::BAD_CLAIM_SECRET,
                       carol_);
  ExpectRefusedOutcome(sign().Claim(carol_, 1, id, "not the claim code at all"),
                       v1::BAD_CLAIM_SECRET, carol_);
  EXPECT_EQ(chain_.CommitOne(sign().Claim(bob_, 0, id, kCode)).outcome(), v1::SETTLED);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 500);
}

// Claim refusals: an unknown claim, a claim created already expired, more
// than the balance, above the asset's limit, an unknown asset.
TEST_F(ClaimTest, EachCreateAndClaimRefusal) {
  Hash32 unknown{};
  unknown.fill(7);
  ExpectRefusedOutcome(sign().Claim(carol_, 0, unknown, kCode), v1::UNKNOWN_CLAIM, carol_);
  ExpectRefusedOutcome(sign().Reclaim(alice_, 0, unknown), v1::UNKNOWN_CLAIM, alice_);
  ExpectRefusedOutcome(sign().CreateClaim(alice_, 1, "USD", 5, kCode, kGenesisTimeMs),
                       v1::CLAIM_EXPIRED, alice_);
  ExpectRefusedOutcome(sign().CreateClaim(bob_, 0, "USD", 5, kCode, kExpiry),
                       v1::INSUFFICIENT_FUNDS, bob_);
  ExpectRefusedOutcome(sign().CreateClaim(alice_, 2, "USD", 1'000'001, kCode, kExpiry),
                       v1::LIMIT_EXCEEDED, alice_);
  ExpectRefusedOutcome(sign().CreateClaim(alice_, 3, "XAU", 5, kCode, kExpiry), v1::UNKNOWN_ASSET,
                       alice_);
}

}  // namespace
}  // namespace remit
