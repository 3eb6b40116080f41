// The Ledger API's market and claim reads (node/ledger_reads.h) on a real
// store holding a genesis market maker: a quote's amounts, fill and path
// are the executor's rounding (docs/FX.md) at the committed height and
// time, and every refusal carries the reason docs/API.md names.
#include "node/ledger_reads.h"

#include <gtest/gtest.h>

#include "ledger/store.h"
#include "tests/client/temp_dir.h"
#include "tests/ledger/op_testing.h"

namespace remit {
namespace {

using testing::SeededKey;

constexpr uint64_t kGenesisTimeMs = 1'767'225'600'000;

class LedgerReadsTest : public ::testing::Test {
 protected:
  LedgerReadsTest() : issuer_(SeededKey(1, 0x44)), maker_(SeededKey(2, 0x44)) {
    genesis_.chain_id = "remit-test";
    genesis_.genesis_time_unix_ms = kGenesisTimeMs;
    const AccountId issuer = issuer_.public_key();
    genesis_.assets = {{"USD", 2, issuer, 1'000'000}, {"PHP", 2, issuer, 100'000'000}};
    genesis_.balances = {{issuer, "USD", -100'000},
                         {maker_.public_key(), "USD", 100'000},
                         {issuer, "PHP", -5'800'000},
                         {maker_.public_key(), "PHP", 5'800'000}};
    genesis_.validators = {{SeededKey(9).public_key(), "127.0.0.1:7100"}};
    genesis_.hub_asset = "USD";
    // 1.00 USD = 58.00 PHP, spread 100 bps, 1,000.00 USD deep each way.
    genesis_.market_maker =
        MarketMaker{maker_.public_key(), "USD", 100, 100'000, {MidRate{"PHP", 100, 5800}}};
    auto store = LedgerStore::Open({.path = dir_.path()}, genesis_);
    REMIT_CHECK(store.ok());
    store_ = *std::move(store);
  }

  v1::QuoteRequest Send(const std::string& from, const std::string& to, uint64_t amount) const {
    v1::QuoteRequest request;
    request.set_send_asset(from);
    request.set_deliver_asset(to);
    request.set_send_amount_minor(amount);
    return request;
  }

  static std::string Message(const absl::Status& status) { return std::string(status.message()); }

  testing::TempDir dir_;
  SigningKey issuer_;
  SigningKey maker_;
  Genesis genesis_;
  std::unique_ptr<LedgerStore> store_;
};

// Proves: a strict send quote pays all 10.00 USD into the maker's PHP offer
// at 58 x 20000 / 20100 PHP per USD and receives floor(1000 x 116000000 /
// 2010000) = 57711 minor PHP, the owner's rounding; one fill, the direct
// path, read at height 0 and the genesis time.
TEST_F(LedgerReadsTest, QuoteIsTheExecutorsCrossing) {
  const absl::StatusOr<v1::QuoteResponse> quote =
      ReadQuote(genesis_, *store_, Send("USD", "PHP", 1'000));
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->send_amount_minor(), 1'000u);
  EXPECT_EQ(quote->deliver_amount_minor(), 57'711u);
  ASSERT_EQ(quote->fills_size(), 1);
  EXPECT_EQ(quote->fills(0).owner(), ToString(maker_.public_key()));
  EXPECT_EQ(quote->fills(0).sold_asset(), "PHP");
  EXPECT_EQ(quote->fills(0).sold_minor(), 57'711u);
  EXPECT_EQ(quote->fills(0).bought_minor(), 1'000u);
  EXPECT_EQ(std::vector<std::string>(quote->path().begin(), quote->path().end()),
            (std::vector<std::string>{"USD", "PHP"}));
  EXPECT_EQ(quote->height(), 0u);
  EXPECT_EQ(quote->block_time_unix_ms(), kGenesisTimeMs);

  v1::QuoteRequest receive;
  receive.set_send_asset("USD");
  receive.set_deliver_asset("PHP");
  receive.set_deliver_amount_minor(57'711);
  const absl::StatusOr<v1::QuoteResponse> cost = ReadQuote(genesis_, *store_, receive);
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_EQ(cost->deliver_amount_minor(), 57'711u);
  EXPECT_EQ(cost->send_amount_minor(), 1'000u);  // ceil(57711 x 2010000 / 116000000)
}

// Proves: each bad quote is refused with its reason, and a path deeper than
// the book is NO_LIQUIDITY (a FAILED_PRECONDITION).
TEST_F(LedgerReadsTest, QuoteRefusals) {
  EXPECT_TRUE(Message(ReadQuote(genesis_, *store_, Send("USD", "USD", 1)).status())
                  .starts_with("same_asset:"));
  EXPECT_TRUE(Message(ReadQuote(genesis_, *store_, Send("USD", "XAU", 1)).status())
                  .starts_with("unknown_asset:"));
  EXPECT_TRUE(Message(ReadQuote(genesis_, *store_, Send("usd", "PHP", 1)).status())
                  .starts_with("malformed:"));
  EXPECT_TRUE(Message(ReadQuote(genesis_, *store_, Send("USD", "PHP", 0)).status())
                  .starts_with("bad_amount:"));
  v1::QuoteRequest both = Send("USD", "PHP", 1);
  both.set_deliver_amount_minor(1);
  EXPECT_TRUE(Message(ReadQuote(genesis_, *store_, both).status()).starts_with("bad_amount:"));
  v1::QuoteRequest deep;
  deep.set_send_asset("USD");
  deep.set_deliver_asset("PHP");
  deep.set_deliver_amount_minor(5'800'001);  // one more than the maker offers
  const absl::Status dry = ReadQuote(genesis_, *store_, deep).status();
  EXPECT_EQ(dry.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Message(dry).starts_with("no_liquidity:")) << dry;
}

// Proves: ListOffers answers the pair's offers with a page token only when
// more follow, and refuses a bad limit, token or pair; GetClaim refuses an
// unknown or malformed id.
TEST_F(LedgerReadsTest, OffersAndClaims) {
  v1::ListOffersRequest request;
  request.set_sell_asset("PHP");
  request.set_buy_asset("USD");
  absl::StatusOr<v1::ListOffersResponse> page = ReadOffers(genesis_, *store_, request);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->offers_size(), 1);
  EXPECT_EQ(page->offers(0).amount_minor(), 5'800'000u);
  EXPECT_TRUE(page->next_page_token().empty());
  request.set_limit(kOfferPageMax + 1);
  EXPECT_TRUE(Message(ReadOffers(genesis_, *store_, request).status()).starts_with("malformed:"));
  request.set_limit(0);
  request.set_page_token("not a token");
  EXPECT_TRUE(Message(ReadOffers(genesis_, *store_, request).status()).starts_with("malformed:"));
  request.set_page_token("");
  request.set_buy_asset("PHP");
  EXPECT_TRUE(Message(ReadOffers(genesis_, *store_, request).status()).starts_with("same_asset:"));

  v1::GetClaimRequest claim;
  claim.set_claim_id(std::string(32, 'c'));
  const absl::Status missing = ReadClaim(*store_, claim).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Message(missing).starts_with("not_found:")) << missing;
  claim.set_claim_id("short");
  EXPECT_TRUE(Message(ReadClaim(*store_, claim).status()).starts_with("malformed:"));
}

}  // namespace
}  // namespace remit
