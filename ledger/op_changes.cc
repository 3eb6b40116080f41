#include "ledger/op_changes.h"

#include "ledger/amount.h"
#include "ledger/check.h"

namespace remit {
namespace {

OfferId IdOf(const std::string& bytes) {
  const absl::StatusOr<Hash32> id = ToArray<kHashBytes>(bytes, "id");
  REMIT_CHECK(id.ok());
  return *id;
}

}  // namespace

OpChanges::OpChanges(const Genesis& genesis, const StateReader& view)
    : genesis_(genesis), view_(view) {}

int64_t OpChanges::Balance(const AccountId& account, const std::string& asset) const {
  const BalanceKey key{account, asset};
  const auto it = balances_.find(key);
  return it != balances_.end() ? it->second : view_.Balance(key);
}

v1::Outcome OpChanges::Debit(const AccountId& account, const std::string& asset,
                             uint64_t amount_minor) {
  REMIT_CHECK(amount_minor <= kAmountMinorMax);
  const AssetInfo* info = genesis_.FindAsset(asset);
  REMIT_CHECK(info != nullptr);
  const auto after = CheckedSub(Balance(account, asset), static_cast<int64_t>(amount_minor));
  if (!after) return v1::BALANCE_OVERFLOW;
  if (*after < 0 && account != info->issuer) return v1::INSUFFICIENT_FUNDS;
  balances_[{account, asset}] = *after;
  AddNet(asset, -static_cast<Int128>(amount_minor));
  return v1::SETTLED;
}

v1::Outcome OpChanges::Credit(const AccountId& account, const std::string& asset,
                              uint64_t amount_minor) {
  REMIT_CHECK(amount_minor <= kAmountMinorMax);
  REMIT_CHECK(genesis_.FindAsset(asset) != nullptr);
  const auto after = CheckedAdd(Balance(account, asset), static_cast<int64_t>(amount_minor));
  if (!after) return v1::BALANCE_OVERFLOW;
  balances_[{account, asset}] = *after;
  AddNet(asset, static_cast<Int128>(amount_minor));
  return v1::SETTLED;
}

std::optional<v1::Offer> OpChanges::FindOffer(const OfferId& id) const {
  const auto it = offers_.find(id);
  if (it == offers_.end()) return view_.FindOffer(id);
  if (it->second.amount_minor() == 0) return std::nullopt;
  return it->second;
}

void OpChanges::PutOffer(const v1::Offer& offer) {
  const OfferId id = IdOf(offer.offer_id());
  const std::optional<v1::Offer> before = FindOffer(id);
  const Int128 held_before = before ? before->amount_minor() : 0;
  AddNet(offer.sell_asset(), static_cast<Int128>(offer.amount_minor()) - held_before);
  offers_[id] = offer;
}

std::optional<v1::ClaimEntry> OpChanges::FindClaim(const ClaimId& id) const {
  const auto it = claims_.find(id);
  if (it != claims_.end()) return it->second;
  return view_.FindClaim(id);
}

OpChanges::Int128 OpChanges::HeldOf(const std::optional<v1::ClaimEntry>& claim) const {
  return claim && claim->status() == v1::CLAIM_OPEN ? claim->amount_minor() : 0;
}

void OpChanges::PutClaim(const v1::ClaimEntry& claim) {
  const ClaimId id = IdOf(claim.claim_id());
  AddNet(claim.asset(), HeldOf(claim) - HeldOf(FindClaim(id)));
  claims_[id] = claim;
}

BasketState OpChanges::Basket() const { return basket_ ? *basket_ : view_.Basket(); }

void OpChanges::PutBasket(const BasketState& basket) {
  REMIT_CHECK(genesis_.basket.has_value());
  const BasketInfo& info = *genesis_.basket;
  const BasketState before = Basket();
  REMIT_CHECK(basket.reserve_minor.size() == info.components.size());
  REMIT_CHECK(before.reserve_minor.size() == info.components.size());
  for (size_t i = 0; i < info.components.size(); ++i) {
    AddNet(info.components[i].asset,
           static_cast<Int128>(basket.reserve_minor[i]) - before.reserve_minor[i]);
  }
  AddNet(info.asset.code,
         -(static_cast<Int128>(basket.outstanding_minor) - before.outstanding_minor));
  basket_ = basket;
}

void OpChanges::CommitTo(BlockEffects& effects) const {
  for (const auto& [asset, net] : net_) REMIT_CHECK(net == 0);
  for (const auto& [key, balance] : balances_) effects.balances[key] = balance;
  for (const auto& [id, offer] : offers_) effects.PutOffer(offer, offer.amount_minor() > 0);
  for (const auto& [id, claim] : claims_) effects.claims[id] = claim;
  if (basket_) {
    REMIT_CHECK(BasketReserveMatches(*genesis_.basket, *basket_));
    effects.basket = basket_;
  }
}

}  // namespace remit
