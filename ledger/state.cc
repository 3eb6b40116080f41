#include "ledger/state.h"

#include "ledger/check.h"

namespace remit {

AssetPair PairOf(const v1::Offer& offer) { return {offer.sell_asset(), offer.buy_asset()}; }

void BlockEffects::PutOffer(const v1::Offer& offer, bool live) {
  const absl::StatusOr<OfferId> id = ToArray<kHashBytes>(offer.offer_id(), "offer id");
  REMIT_CHECK(id.ok());
  offers[*id] = OfferWrite{offer, live};
  offers_by_pair[PairOf(offer)].insert(*id);
}

}  // namespace remit
