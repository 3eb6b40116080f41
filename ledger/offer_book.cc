#include "ledger/offer_book.h"

#include "ledger/check.h"

namespace remit {
namespace {

__extension__ typedef unsigned __int128 Uint128;

OfferId IdOf(const v1::Offer& offer) {
  const absl::StatusOr<OfferId> id = ToArray<kHashBytes>(offer.offer_id(), "offer id");
  REMIT_CHECK(id.ok());
  return *id;
}

}  // namespace

int ComparePrice(uint64_t a_n, uint64_t a_d, uint64_t b_n, uint64_t b_d) {
  REMIT_CHECK(a_d > 0 && b_d > 0);
  const Uint128 left = static_cast<Uint128>(a_n) * b_d;
  const Uint128 right = static_cast<Uint128>(b_n) * a_d;
  return left < right ? -1 : (left > right ? 1 : 0);
}

BookPosition PositionOf(const v1::Offer& offer) {
  return {offer.price_n(), offer.price_d(), offer.created_height(), offer.created_position()};
}

bool BookBefore(const BookPosition& a, const BookPosition& b) {
  const int price = ComparePrice(a.price_n, a.price_d, b.price_n, b.price_d);
  if (price != 0) return price < 0;
  if (a.created_height != b.created_height) return a.created_height < b.created_height;
  return a.created_position < b.created_position;
}

std::optional<v1::Offer> OfferBook::Find(const OfferId& id) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  const auto& [pair, position] = it->second;
  return pairs_.at(pair).at(position);
}

std::vector<v1::Offer> OfferBook::Best(const AssetPair& pair, size_t count_max) const {
  return After(pair, std::nullopt, count_max);
}

std::vector<v1::Offer> OfferBook::After(const AssetPair& pair,
                                        const std::optional<BookPosition>& after,
                                        size_t count_max) const {
  std::vector<v1::Offer> out;
  const auto book = pairs_.find(pair);
  if (book == pairs_.end()) return out;
  auto it = after ? book->second.upper_bound(*after) : book->second.begin();
  for (; it != book->second.end() && out.size() < count_max; ++it) out.push_back(it->second);
  return out;
}

void OfferBook::Put(const v1::Offer& offer) {
  REMIT_CHECK(offer.amount_minor() > 0);
  REMIT_CHECK(offer.price_n() > 0 && offer.price_d() > 0);
  const OfferId id = IdOf(offer);
  const AssetPair pair = PairOf(offer);
  const BookPosition position = PositionOf(offer);
  const auto [it, inserted] = by_id_.try_emplace(id, pair, position);
  if (!inserted) {
    REMIT_CHECK(it->second.first == pair);
    REMIT_CHECK(!BookBefore(it->second.second, position) &&
                !BookBefore(position, it->second.second));
  }
  pairs_[pair][position] = offer;
}

void OfferBook::Erase(const OfferId& id) {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  const auto book = pairs_.find(it->second.first);
  REMIT_CHECK(book != pairs_.end());
  REMIT_CHECK(book->second.erase(it->second.second) == 1);
  if (book->second.empty()) pairs_.erase(book);
  by_id_.erase(it);
}

std::map<std::string, OfferBook::Uint128> OfferBook::HeldBySellAsset() const {
  std::map<std::string, Uint128> held;
  for (const auto& [pair, book] : pairs_) {
    for (const auto& [position, offer] : book) held[pair.sell] += offer.amount_minor();
  }
  return held;
}

std::vector<v1::Offer> OfferBook::All() const {
  std::vector<v1::Offer> out;
  for (const auto& [id, place] : by_id_) out.push_back(pairs_.at(place.first).at(place.second));
  return out;
}

void OfferBook::Apply(const BlockEffects& effects) {
  for (const auto& [id, write] : effects.offers) {
    if (write.live) {
      Put(write.offer);
    } else {
      Erase(id);
    }
  }
}

}  // namespace remit
