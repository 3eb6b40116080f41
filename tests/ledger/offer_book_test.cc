// The offer book (ledger/offer_book.h) and the layered state
// (ledger/layered_state.h) that merges a block's writes into it.
#include "ledger/offer_book.h"

#include <gtest/gtest.h>

#include "ledger/layered_state.h"
#include "ledger/memory_state.h"

namespace remit {
namespace {

v1::Offer MakeOffer(uint8_t id, uint64_t n, uint64_t d, uint64_t height, uint32_t position,
                    uint64_t amount = 10, const std::string& sell = "PHP") {
  v1::Offer offer;
  offer.set_offer_id(std::string(kHashBytes, static_cast<char>(id)));
  offer.set_owner(std::string(kPublicKeyBytes, '\x01'));
  offer.set_sell_asset(sell);
  offer.set_buy_asset("USD");
  offer.set_price_n(n);
  offer.set_price_d(d);
  offer.set_amount_minor(amount);
  offer.set_created_height(height);
  offer.set_created_position(position);
  return offer;
}

std::string Ids(const std::vector<v1::Offer>& offers) {
  std::string out;
  for (const v1::Offer& offer : offers) out.push_back(static_cast<char>('0' + offer.offer_id()[0]));
  return out;
}

const AssetPair kPhpUsd{"PHP", "USD"};

// Prices compare exactly, even where doubles could not tell them apart.
TEST(OfferBookTest, PricesCompareExactly) {
  EXPECT_EQ(ComparePrice(1, 2, 2, 4), 0);
  EXPECT_EQ(ComparePrice(1, 3, 1, 2), -1);
  EXPECT_EQ(ComparePrice(UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 1, UINT64_MAX - 2), -1);
  EXPECT_EQ(ComparePrice(UINT64_MAX, 1, UINT64_MAX, 1), 0);
  EXPECT_EQ(ComparePrice(1, UINT64_MAX, 1, UINT64_MAX - 1), -1);
}

// Best price first, then oldest; pages continue strictly after a position,
// even one whose offer has gone; other pairs are apart.
TEST(OfferBookTest, BookOrderAndPages) {
  OfferBook book;
  book.Put(MakeOffer(1, 1, 2, 5, 0));
  book.Put(MakeOffer(2, 2, 4, 3, 7));
  book.Put(MakeOffer(3, 1, 3, 9, 1));
  book.Put(MakeOffer(4, 1, 1, 1, 0));
  book.Put(MakeOffer(5, 1, 100, 1, 0, 10, "KES"));
  EXPECT_EQ(Ids(book.Best(kPhpUsd, 10)), "3214");
  EXPECT_EQ(Ids(book.Best(kPhpUsd, 2)), "32");
  EXPECT_EQ(Ids(book.After(kPhpUsd, PositionOf(MakeOffer(2, 2, 4, 3, 7)), 10)), "14");
  book.Erase(OfferId{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
                     2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2});
  EXPECT_EQ(Ids(book.After(kPhpUsd, PositionOf(MakeOffer(2, 2, 4, 3, 7)), 10)), "14");
  EXPECT_EQ(Ids(book.Best({"KES", "USD"}, 10)), "5");
  EXPECT_TRUE(book.Best({"USD", "PHP"}, 10).empty());
  EXPECT_EQ(book.size(), 4u);
  // A replaced offer keeps its place with its new amount.
  book.Put(MakeOffer(3, 1, 3, 9, 1, 4));
  EXPECT_EQ(book.Best(kPhpUsd, 1)[0].amount_minor(), 4u);
}

// The layered state shows the base book through a layer that creates,
// shrinks and removes offers, in book order, for any count.
TEST(LayeredStateTest, BestOffersMergeTheLayersWrites) {
  MemoryState base;
  for (uint8_t i = 1; i <= 6; ++i) base.offers.Put(MakeOffer(i, i, 10, 1, i));
  BlockEffects layer;
  layer.PutOffer(MakeOffer(1, 1, 10, 1, 1, 0), /*live=*/false);  // the best is filled
  layer.PutOffer(MakeOffer(3, 3, 10, 1, 3, 2), /*live=*/true);   // shrunk
  layer.PutOffer(MakeOffer(7, 25, 100, 2, 0), /*live=*/true);    // created between 2 and 3
  const LayeredState view(base, {&layer});
  EXPECT_EQ(Ids(view.BestOffers(kPhpUsd, 10)), "273456");
  EXPECT_EQ(Ids(view.BestOffers(kPhpUsd, 2)), "27");
  EXPECT_EQ(view.BestOffers(kPhpUsd, 3)[2].amount_minor(), 2u);
  EXPECT_FALSE(view.FindOffer(OfferId{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
                   .has_value());
  // A newer layer wins over an older one.
  BlockEffects newer;
  newer.PutOffer(MakeOffer(3, 3, 10, 1, 3, 2), /*live=*/false);
  const LayeredState two(base, {&newer, &layer});
  EXPECT_EQ(Ids(two.BestOffers(kPhpUsd, 10)), "27456");
}

}  // namespace
}  // namespace remit
