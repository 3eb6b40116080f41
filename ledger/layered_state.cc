#include "ledger/layered_state.h"

#include <algorithm>
#include <map>

#include "ledger/check.h"
#include "ledger/offer_book.h"

namespace remit {

LayeredState::LayeredState(const StateReader& base, std::vector<const BlockEffects*> newest_first)
    : base_(base), layers_(std::move(newest_first)) {
  for (const BlockEffects* layer : layers_) REMIT_CHECK(layer != nullptr);
}

int64_t LayeredState::Balance(const BalanceKey& key) const {
  for (const BlockEffects* layer : layers_) {
    const auto it = layer->balances.find(key);
    if (it != layer->balances.end()) return it->second;
  }
  return base_.Balance(key);
}

uint64_t LayeredState::NextSequence(const AccountId& account) const {
  for (const BlockEffects* layer : layers_) {
    const auto it = layer->next_sequences.find(account);
    if (it != layer->next_sequences.end()) return it->second;
  }
  return base_.NextSequence(account);
}

bool LayeredState::HasTransfer(const TransferId& id) const {
  const std::string bytes = ToString(id);
  for (const BlockEffects* layer : layers_) {
    for (const v1::TransferRecord& record : layer->records) {
      if (record.receipt().transfer_id() == bytes) return true;
    }
  }
  return base_.HasTransfer(id);
}

// Every written offer of the pair with its newest write. The base's first
// count_max + writes offers hold at least count_max that no layer wrote (or
// all of the base), so merging them with the live writes and keeping the
// best count_max gives the layered book's best count_max.
std::vector<v1::Offer> LayeredState::BestOffers(const AssetPair& pair, size_t count_max) const {
  std::map<OfferId, const OfferWrite*> writes;
  for (const BlockEffects* layer : layers_) {
    const auto ids = layer->offers_by_pair.find(pair);
    if (ids == layer->offers_by_pair.end()) continue;
    for (const OfferId& id : ids->second) writes.emplace(id, &layer->offers.at(id));
  }
  if (writes.empty()) return base_.BestOffers(pair, count_max);
  std::vector<v1::Offer> merged;
  for (v1::Offer& offer : base_.BestOffers(pair, count_max + writes.size())) {
    const OfferId id = *ToArray<kHashBytes>(offer.offer_id(), "offer id");
    if (!writes.contains(id)) merged.push_back(std::move(offer));
  }
  for (const auto& [id, write] : writes) {
    if (write->live) merged.push_back(write->offer);
  }
  std::sort(merged.begin(), merged.end(), [](const v1::Offer& a, const v1::Offer& b) {
    return BookBefore(PositionOf(a), PositionOf(b));
  });
  if (merged.size() > count_max) merged.resize(count_max);
  return merged;
}

std::optional<v1::Offer> LayeredState::FindOffer(const OfferId& id) const {
  for (const BlockEffects* layer : layers_) {
    const auto it = layer->offers.find(id);
    if (it == layer->offers.end()) continue;
    if (!it->second.live) return std::nullopt;
    return it->second.offer;
  }
  return base_.FindOffer(id);
}

std::optional<v1::ClaimEntry> LayeredState::FindClaim(const ClaimId& id) const {
  for (const BlockEffects* layer : layers_) {
    const auto it = layer->claims.find(id);
    if (it != layer->claims.end()) return it->second;
  }
  return base_.FindClaim(id);
}

BasketState LayeredState::Basket() const {
  for (const BlockEffects* layer : layers_) {
    if (layer->basket) return *layer->basket;
  }
  return base_.Basket();
}

}  // namespace remit
