// The standing offers of a chain in book order, in memory. Within a pair
// (offers selling one asset for another), offers are crossed best first: the
// lowest price (price_n / price_d, buy-asset minor units per sell-asset minor
// unit: the fewest a taker pays), then the oldest (created_height, then
// created_position). Prices compare exactly, as 128-bit cross products.
//
// Not thread-safe: the store guards its book with a mutex.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

// -1, 0 or 1 as a_n / a_d is below, equal to or above b_n / b_d.
// Preconditions (checked): denominators above zero.
int ComparePrice(uint64_t a_n, uint64_t a_d, uint64_t b_n, uint64_t b_d);

// Where an offer sits in its pair's book; also a ListOffers page cursor.
struct BookPosition {
  uint64_t price_n = 0;
  uint64_t price_d = 1;
  uint64_t created_height = 0;
  uint32_t created_position = 0;
};
BookPosition PositionOf(const v1::Offer& offer);
// Book order: true if a comes before b.
bool BookBefore(const BookPosition& a, const BookPosition& b);

class OfferBook {
 public:
  std::optional<v1::Offer> Find(const OfferId& id) const;
  // The first `count_max` offers of `pair`, best first.
  std::vector<v1::Offer> Best(const AssetPair& pair, size_t count_max) const;
  // The offers of `pair` strictly after `after` in book order (from the
  // best without it), at most count_max.
  std::vector<v1::Offer> After(const AssetPair& pair, const std::optional<BookPosition>& after,
                               size_t count_max) const;

  // Inserts or replaces (an offer's pair, price and age never change).
  // Preconditions (checked): 32-byte id, amount above zero, price terms
  // above zero, and a replaced offer keeps its pair and position.
  void Put(const v1::Offer& offer);
  // Removes the offer; nothing if absent.
  void Erase(const OfferId& id);
  // The offers of a block's effects, in id order.
  void Apply(const BlockEffects& effects);

  size_t size() const { return by_id_.size(); }
  __extension__ typedef unsigned __int128 Uint128;
  // What the offers hold, by sell asset.
  std::map<std::string, Uint128> HeldBySellAsset() const;
  // Every offer, in id order.
  std::vector<v1::Offer> All() const;

 private:
  struct Less {
    bool operator()(const BookPosition& a, const BookPosition& b) const { return BookBefore(a, b); }
  };
  using Book = std::map<BookPosition, v1::Offer, Less>;

  std::map<AssetPair, Book> pairs_;
  std::map<OfferId, std::pair<AssetPair, BookPosition>> by_id_;
};

}  // namespace remit
