// The store's offers, claims and basket (ledger/store.h): committed in the
// block's one batch, equal to the in-memory reference state, kept across a
// reopen, paginated best first, and shown in the history of every account
// a record touches.
#include <gtest/gtest.h>

#include <string>

#include "ledger/store.h"
#include "tests/client/temp_dir.h"
#include "tests/ledger/op_testing.h"

namespace remit {
namespace {

using testing::SeededKey;

constexpr uint64_t kGenesisTimeMs = 1'767'225'600'000;
constexpr char kCode[] = "store test claim code";

class StoreFxTest : public ::testing::Test {
 protected:
  StoreFxTest()
      : issuer_(SeededKey(1, 0x33)),
        maker_(SeededKey(2, 0x33)),
        alice_(SeededKey(3, 0x33)),
        bob_(SeededKey(4, 0x33)),
        chain_(MakeGenesis()) {}

  Genesis MakeGenesis() const {
    Genesis genesis;
    genesis.chain_id = "remit-test";
    genesis.genesis_time_unix_ms = kGenesisTimeMs;
    const AccountId issuer = issuer_.public_key();
    genesis.assets = {{"USD", 2, issuer, 1'000'000}, {"PHP", 2, issuer, 100'000'000}};
    genesis.balances = {{issuer, "USD", -1'100'000},
                        {maker_.public_key(), "USD", 1'000'000},
                        {alice_.public_key(), "USD", 100'000},
                        {issuer, "PHP", -100'000'000},
                        {maker_.public_key(), "PHP", 100'000'000}};
    genesis.validators = {{SeededKey(9).public_key(), "127.0.0.1:7100"}};
    genesis.hub_asset = "USD";
    genesis.basket = BasketInfo{{"RMX", 2, AccountId{}, 10'000, false}, {{"USD", 1}}};
    genesis.market_maker =
        MarketMaker{maker_.public_key(), "USD", 100, 100'000, {MidRate{"PHP", 100, 5800}}};
    return genesis;
  }

  std::unique_ptr<LedgerStore> Open() const {
    absl::StatusOr<std::unique_ptr<LedgerStore>> store =
        LedgerStore::Open({.path = dir_.path()}, chain_.genesis());
    REMIT_CHECK(store.ok());
    return *std::move(store);
  }

  // Executes the entries on the reference chain and commits the same block
  // to the store.
  BlockEffects Commit(LedgerStore& store, const std::vector<v1::SignedTransfer>& entries) {
    const v1::Block block = chain_.NextBlock(entries, chain_.time_ms() + 1000);
    const BlockEffects effects = chain_.Commit(entries, chain_.time_ms() + 1000);
    EXPECT_TRUE(store.Commit(block, effects).ok());
    return effects;
  }

  // The store reads what the reference state holds.
  void ExpectSameAsReference(const LedgerStore& store) const {
    const MemoryState& model = chain_.state();
    EXPECT_EQ(store.committed_state_hash(), model.state_hash);
    for (const auto& [key, balance] : model.balances) EXPECT_EQ(store.Balance(key), balance);
    for (const v1::Offer& offer : model.offers.All()) {
      const std::optional<v1::Offer> stored =
          store.FindOffer(*ToArray<kHashBytes>(offer.offer_id(), "id"));
      ASSERT_TRUE(stored.has_value());
      EXPECT_EQ(stored->SerializeAsString(), offer.SerializeAsString());
    }
    for (const auto& [id, claim] : model.claims) {
      const absl::StatusOr<v1::ClaimEntry> stored = store.GetClaim(id);
      ASSERT_TRUE(stored.ok());
      EXPECT_EQ(stored->SerializeAsString(), claim.SerializeAsString());
    }
    EXPECT_EQ(store.Basket(), model.Basket());
  }

  SigningKey issuer_, maker_, alice_, bob_;
  testing::TempDir dir_;
  testing::MemChain chain_;
};

// Genesis offers, a fill, a new offer, a claim created and claimed and a
// basket mint are stored in the block's batch and read back after a reopen
// exactly as the reference state holds them.
TEST_F(StoreFxTest, OffersClaimsAndBasketSurviveReopen) {
  auto store = Open();
  EXPECT_EQ(store->BestOffers({"PHP", "USD"}, 10).size(), 1u);  // the maker's genesis offer
  ExpectSameAsReference(*store);
  const testing::OpSigner& sign = chain_.sign();
  const v1::SignedTransfer claim =
      sign.CreateClaim(alice_, 1, "USD", 700, kCode, kGenesisTimeMs + 60'000);
  Commit(*store,
         {sign.StrictSend(alice_, 0, bob_.public_key(), "USD", 1000, "PHP", 1), claim,
          sign.OfferCreate(bob_, 0, "PHP", "USD", 1000, 1, 50), sign.Mint(alice_, 2, "RMX", 9)});
  Commit(*store, {sign.Claim(bob_, 1, testing::IdOf(claim), kCode)});
  ExpectSameAsReference(*store);
  EXPECT_EQ(store->GetClaim(testing::IdOf(claim))->status(), v1::CLAIM_CLAIMED);
  EXPECT_TRUE(absl::IsNotFound(store->GetClaim(Hash32{}).status()));
  store.reset();
  store = Open();
  ExpectSameAsReference(*store);
  EXPECT_EQ(store->committed_time_unix_ms(), chain_.time_ms());
  // A quote on the committed state is what FindPath says of the reference.
  const CrossRequest request{"USD", "PHP", CrossMode::kStrictReceive, 1000};
  const absl::StatusOr<CrossResult> quote = store->Quote(request);
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ(quote->outcome, v1::SETTLED);
  EXPECT_EQ(quote->sent_minor,
            FindPath(chain_.state(), "USD", request, chain_.time_ms()).sent_minor);
}

// A record is in the history of every account it touches: the maker sees
// the transfer that filled its offer, the claim's sender sees the claim.
TEST_F(StoreFxTest, HistoryShowsFillsToOwnersAndClaimsToSenders) {
  auto store = Open();
  const testing::OpSigner& sign = chain_.sign();
  const v1::SignedTransfer pay = sign.StrictSend(alice_, 0, bob_.public_key(), "USD", 10, "PHP", 1);
  const v1::SignedTransfer claim =
      sign.CreateClaim(alice_, 1, "USD", 5, kCode, kGenesisTimeMs + 60'000);
  Commit(*store, {pay, claim});
  const v1::SignedTransfer collect = sign.Claim(bob_, 0, testing::IdOf(claim), kCode);
  Commit(*store, {collect});
  auto ids = [&store](const SigningKey& key) {
    std::vector<std::string> out;
    const absl::StatusOr<HistoryPage> page = store->ListTransfers(key.public_key(), 0, "");
    EXPECT_TRUE(page.ok());
    if (!page.ok()) return out;
    for (const v1::TransferRecord& record : page->records) {
      out.push_back(record.receipt().transfer_id());
    }
    return out;
  };
  const std::string pay_id = ToString(testing::IdOf(pay));
  const std::string collect_id = ToString(testing::IdOf(collect));
  EXPECT_EQ(ids(maker_), std::vector<std::string>{pay_id});
  EXPECT_EQ(ids(alice_),
            (std::vector<std::string>{collect_id, ToString(testing::IdOf(claim)), pay_id}));
  EXPECT_EQ(ids(bob_), (std::vector<std::string>{collect_id, pay_id}));
}

// ListOffers pages through a pair best first; a page continues after the
// previous page's last offer even if that offer is gone since.
TEST_F(StoreFxTest, ListOffersPagesBestFirst) {
  auto store = Open();
  const testing::OpSigner& sign = chain_.sign();
  std::vector<v1::SignedTransfer> offers;
  for (uint64_t i = 0; i < 5; ++i) {
    offers.push_back(
        sign.OfferCreate(maker_, i, "USD", "PHP", 10, 60 + i, 1));  // 60..64 PHP per cent
  }
  Commit(*store, offers);
  const AssetPair pair{"USD", "PHP"};
  const absl::StatusOr<OfferPage> first = store->ListOffers(pair, 2, "");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->offers.size(), 2u);
  EXPECT_EQ(first->offers[0].price_n(), 5800u * 20'100);  // the genesis offer is the best
  EXPECT_EQ(first->offers[1].price_n(), 60u);
  ASSERT_FALSE(first->next_page_token.empty());
  // The page's last offer is cancelled before the next page is read.
  Commit(*store, {sign.OfferCancel(maker_, 5, testing::IdOf(offers[0]))});
  const absl::StatusOr<OfferPage> second = store->ListOffers(pair, 2, first->next_page_token);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->offers.size(), 2u);
  EXPECT_EQ(second->offers[0].price_n(), 61u);
  const absl::StatusOr<OfferPage> last = store->ListOffers(pair, 10, second->next_page_token);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->offers.size(), 2u);
  EXPECT_TRUE(last->next_page_token.empty());
  EXPECT_FALSE(store->ListOffers(pair, kOfferPageMax + 1, "").ok());
  EXPECT_FALSE(store->ListOffers(pair, 2, "junk").ok());
}

}  // namespace
}  // namespace remit
