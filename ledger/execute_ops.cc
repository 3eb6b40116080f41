#include "ledger/execute_ops.h"

#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/claim_code.h"
#include "ledger/exchange.h"
#include "ledger/op_changes.h"

namespace remit {
namespace {

__extension__ typedef unsigned __int128 Uint128;

AccountId Account(std::string_view bytes) {
  const absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
  REMIT_CHECK(account.ok());
  return *account;
}

Hash32 Id(std::string_view bytes) {
  const absl::StatusOr<Hash32> id = ToArray<kHashBytes>(bytes, "id");
  REMIT_CHECK(id.ok());
  return *id;
}

OpResult Failed(v1::Outcome outcome) {
  REMIT_CHECK(outcome != v1::SETTLED && outcome != v1::OUTCOME_UNSPECIFIED);
  return {outcome, {}};
}

OpResult Settled(const OpChanges& changes, BlockEffects& effects, v1::Receipt details) {
  changes.CommitTo(effects);
  return {v1::SETTLED, std::move(details)};
}

void SetSent(v1::Receipt& details, const std::string& asset, uint64_t amount_minor) {
  details.set_sent_asset(asset);
  details.set_sent_minor(amount_minor);
}

void SetDelivered(v1::Receipt& details, const std::string& asset, uint64_t amount_minor) {
  details.set_delivered_asset(asset);
  details.set_delivered_minor(amount_minor);
}

// Strict send and strict receive: UNKNOWN_ASSET, LIMIT_EXCEEDED (the amount
// the sender fixed, against its asset's limit), the path's NO_LIQUIDITY or
// overflow, UNDER_DELIVER_MIN / OVER_SEND_MAX against `bound_minor`, then
// the sender's funds and every balance the legs credit.
OpResult ExecuteCross(const OpContext& context, const AccountId& signer, const AccountId& to,
                      const CrossRequest& request, uint64_t bound_minor, BlockEffects& effects) {
  const AssetInfo* send = context.genesis.FindAsset(request.send_asset);
  const AssetInfo* deliver = context.genesis.FindAsset(request.deliver_asset);
  if (send == nullptr || deliver == nullptr) return Failed(v1::UNKNOWN_ASSET);
  const bool strict_send = request.mode == CrossMode::kStrictSend;
  const uint64_t limit = strict_send ? send->transfer_max_minor : deliver->transfer_max_minor;
  if (request.amount_minor > limit) return Failed(v1::LIMIT_EXCEEDED);
  const CrossResult path =
      FindPath(context.view, context.genesis.hub_asset, request, context.block_time_unix_ms);
  if (path.outcome != v1::SETTLED) return Failed(path.outcome);
  if (strict_send && path.delivered_minor < bound_minor) return Failed(v1::UNDER_DELIVER_MIN);
  if (!strict_send && path.sent_minor > bound_minor) return Failed(v1::OVER_SEND_MAX);
  OpChanges changes(context.genesis, context.view);
  v1::Outcome moved = changes.Debit(signer, request.send_asset, path.sent_minor);
  if (moved != v1::SETTLED) return Failed(moved);
  v1::Receipt details;
  for (const Leg& leg : path.legs) {
    for (size_t i = 0; i < leg.fills.size(); ++i) {
      const v1::Fill& fill = leg.fills[i];
      changes.PutOffer(leg.offers_after[i]);
      moved = changes.Credit(Account(fill.owner()), fill.bought_asset(), fill.bought_minor());
      if (moved != v1::SETTLED) return Failed(moved);
      *details.add_fills() = fill;
    }
  }
  moved = changes.Credit(to, request.deliver_asset, path.delivered_minor);
  if (moved != v1::SETTLED) return Failed(moved);
  SetSent(details, request.send_asset, path.sent_minor);
  SetDelivered(details, request.deliver_asset, path.delivered_minor);
  return Settled(changes, effects, std::move(details));
}

OpResult ExecuteStrictSend(const OpContext& context, const AccountId& signer,
                           const v1::StrictSend& body, BlockEffects& effects) {
  const CrossRequest request{body.send_asset(), body.deliver_asset(), CrossMode::kStrictSend,
                             body.send_amount_minor()};
  return ExecuteCross(context, signer, Account(body.to()), request, body.deliver_min_minor(),
                      effects);
}

OpResult ExecuteStrictReceive(const OpContext& context, const AccountId& signer,
                              const v1::StrictReceive& body, BlockEffects& effects) {
  const CrossRequest request{body.send_asset(), body.deliver_asset(), CrossMode::kStrictReceive,
                             body.deliver_amount_minor()};
  return ExecuteCross(context, signer, Account(body.to()), request, body.send_max_minor(), effects);
}

OpResult ExecuteOfferCreate(const OpContext& context, const AccountId& signer,
                            const v1::OfferCreate& body, BlockEffects& effects) {
  if (context.genesis.FindAsset(body.sell_asset()) == nullptr ||
      context.genesis.FindAsset(body.buy_asset()) == nullptr) {
    return Failed(v1::UNKNOWN_ASSET);
  }
  if (body.offer_expiry_unix_ms() != 0 &&
      body.offer_expiry_unix_ms() < context.block_time_unix_ms) {
    return Failed(v1::EXPIRED);
  }
  OpChanges changes(context.genesis, context.view);
  const v1::Outcome held = changes.Debit(signer, body.sell_asset(), body.amount_minor());
  if (held != v1::SETTLED) return Failed(held);
  v1::Offer offer;
  offer.set_offer_id(ToString(context.id));
  offer.set_owner(ToString(signer));
  offer.set_sell_asset(body.sell_asset());
  offer.set_buy_asset(body.buy_asset());
  offer.set_price_n(body.price_n());
  offer.set_price_d(body.price_d());
  offer.set_amount_minor(body.amount_minor());
  offer.set_expiry_unix_ms(body.offer_expiry_unix_ms());
  offer.set_created_height(context.height);
  offer.set_created_position(context.position);
  changes.PutOffer(offer);
  v1::Receipt details;
  SetSent(details, body.sell_asset(), body.amount_minor());
  return Settled(changes, effects, std::move(details));
}

OpResult ExecuteOfferCancel(const OpContext& context, const AccountId& signer,
                            const v1::OfferCancel& body, BlockEffects& effects) {
  OpChanges changes(context.genesis, context.view);
  std::optional<v1::Offer> offer = changes.FindOffer(Id(body.offer_id()));
  if (!offer) return Failed(v1::UNKNOWN_OFFER);
  if (offer->owner() != AsBytes(signer)) return Failed(v1::NOT_OWNER);
  const uint64_t returned = offer->amount_minor();
  const v1::Outcome moved = changes.Credit(signer, offer->sell_asset(), returned);
  if (moved != v1::SETTLED) return Failed(moved);
  offer->set_amount_minor(0);
  changes.PutOffer(*offer);
  v1::Receipt details;
  SetDelivered(details, offer->sell_asset(), returned);
  return Settled(changes, effects, std::move(details));
}

// Each component's amount for `units` basket units; nullopt above 2^63-1.
std::optional<std::vector<uint64_t>> ComponentAmounts(const BasketInfo& basket, uint64_t units) {
  std::vector<uint64_t> amounts;
  for (const BasketComponent& component : basket.components) {
    const Uint128 amount = static_cast<Uint128>(units) * component.weight_minor;
    if (amount > kAmountMinorMax) return std::nullopt;
    amounts.push_back(static_cast<uint64_t>(amount));
  }
  return amounts;
}

// UNKNOWN_ASSET unless `code` is the basket, LIMIT_EXCEEDED above its
// per-transfer limit, BALANCE_OVERFLOW if a component amount does not fit.
std::optional<OpResult> CheckBasketRequest(const OpContext& context, std::string_view code,
                                           uint64_t units) {
  const std::optional<BasketInfo>& basket = context.genesis.basket;
  if (!basket || basket->asset.code != code) return Failed(v1::UNKNOWN_ASSET);
  if (units > basket->asset.transfer_max_minor) return Failed(v1::LIMIT_EXCEEDED);
  if (!ComponentAmounts(*basket, units)) return Failed(v1::BALANCE_OVERFLOW);
  return std::nullopt;
}

// Deposits units x weight of each component into the reserve and credits
// `units` basket units.
OpResult ExecuteMint(const OpContext& context, const AccountId& signer, const v1::BasketMint& body,
                     BlockEffects& effects) {
  const uint64_t units = body.amount_minor();
  if (auto refused = CheckBasketRequest(context, body.basket_asset(), units)) return *refused;
  const BasketInfo& basket = *context.genesis.basket;
  const std::vector<uint64_t> amounts = *ComponentAmounts(basket, units);
  OpChanges changes(context.genesis, context.view);
  BasketState state = changes.Basket();
  for (size_t i = 0; i < basket.components.size(); ++i) {
    if (amounts[i] > kAmountMinorMax - state.reserve_minor[i]) return Failed(v1::BALANCE_OVERFLOW);
    const v1::Outcome moved = changes.Debit(signer, basket.components[i].asset, amounts[i]);
    if (moved != v1::SETTLED) return Failed(moved);
    state.reserve_minor[i] += amounts[i];
  }
  if (units > kAmountMinorMax - state.outstanding_minor) return Failed(v1::BALANCE_OVERFLOW);
  const v1::Outcome credited = changes.Credit(signer, basket.asset.code, units);
  if (credited != v1::SETTLED) return Failed(credited);
  state.outstanding_minor += units;
  changes.PutBasket(state);
  v1::Receipt details;
  SetDelivered(details, basket.asset.code, units);
  return Settled(changes, effects, std::move(details));
}

// Takes `units` basket units back and pays units x weight of each
// component out of the reserve.
OpResult ExecuteRedeem(const OpContext& context, const AccountId& signer,
                       const v1::BasketRedeem& body, BlockEffects& effects) {
  const uint64_t units = body.amount_minor();
  if (auto refused = CheckBasketRequest(context, body.basket_asset(), units)) return *refused;
  const BasketInfo& basket = *context.genesis.basket;
  const std::vector<uint64_t> amounts = *ComponentAmounts(basket, units);
  OpChanges changes(context.genesis, context.view);
  BasketState state = changes.Basket();
  const v1::Outcome debited = changes.Debit(signer, basket.asset.code, units);
  if (debited != v1::SETTLED) return Failed(debited);
  // Every basket unit was minted, so outstanding covers any holder's units.
  REMIT_CHECK(state.outstanding_minor >= units);
  state.outstanding_minor -= units;
  for (size_t i = 0; i < basket.components.size(); ++i) {
    REMIT_CHECK(state.reserve_minor[i] >= amounts[i]);
    const v1::Outcome moved = changes.Credit(signer, basket.components[i].asset, amounts[i]);
    if (moved != v1::SETTLED) return Failed(moved);
    state.reserve_minor[i] -= amounts[i];
  }
  changes.PutBasket(state);
  v1::Receipt details;
  SetSent(details, basket.asset.code, units);
  return Settled(changes, effects, std::move(details));
}

OpResult ExecuteCreateClaim(const OpContext& context, const AccountId& signer,
                            const v1::CreateClaim& body, BlockEffects& effects) {
  const AssetInfo* asset = context.genesis.FindAsset(body.asset());
  if (asset == nullptr) return Failed(v1::UNKNOWN_ASSET);
  if (body.amount_minor() > asset->transfer_max_minor) return Failed(v1::LIMIT_EXCEEDED);
  if (body.claim_expiry_unix_ms() < context.block_time_unix_ms) return Failed(v1::CLAIM_EXPIRED);
  OpChanges changes(context.genesis, context.view);
  const v1::Outcome held = changes.Debit(signer, body.asset(), body.amount_minor());
  if (held != v1::SETTLED) return Failed(held);
  v1::ClaimEntry claim;
  claim.set_claim_id(ToString(context.id));
  claim.set_sender(ToString(signer));
  claim.set_asset(body.asset());
  claim.set_amount_minor(body.amount_minor());
  claim.set_claim_key(body.claim_key());
  claim.set_expiry_unix_ms(body.claim_expiry_unix_ms());
  claim.set_status(v1::CLAIM_OPEN);
  claim.set_created_height(context.height);
  changes.PutClaim(claim);
  v1::Receipt details;
  SetSent(details, body.asset(), body.amount_minor());
  details.set_claim_id(ToString(context.id));
  return Settled(changes, effects, std::move(details));
}

// Claim (by the claimant, with a proof) or reclaim (by the sender).
OpResult ExecuteEndClaim(const OpContext& context, const v1::Operation& op, bool reclaim,
                         BlockEffects& effects) {
  const std::string& claim_id = reclaim ? op.reclaim().claim_id() : op.claim().claim_id();
  const AccountId signer = Account(op.signer());
  OpChanges changes(context.genesis, context.view);
  std::optional<v1::ClaimEntry> claim = changes.FindClaim(Id(claim_id));
  if (!claim) return Failed(v1::UNKNOWN_CLAIM);
  if (reclaim && claim->sender() != op.signer()) return Failed(v1::NOT_OWNER);
  if (claim->status() != v1::CLAIM_OPEN) return Failed(v1::ALREADY_CLAIMED);
  const bool expired = context.block_time_unix_ms > claim->expiry_unix_ms();
  if (!reclaim && expired) return Failed(v1::CLAIM_EXPIRED);
  if (reclaim && !expired) return Failed(v1::CLAIM_NOT_EXPIRED);
  if (!reclaim && !VerifyClaimProof(claim->claim_key(), op.genesis_hash(), claim_id, op.signer(),
                                    op.claim().proof())) {
    return Failed(v1::BAD_CLAIM_SECRET);
  }
  const v1::Outcome moved = changes.Credit(signer, claim->asset(), claim->amount_minor());
  if (moved != v1::SETTLED) return Failed(moved);
  claim->set_status(reclaim ? v1::CLAIM_RECLAIMED : v1::CLAIM_CLAIMED);
  if (!reclaim) claim->set_claimant(op.signer());
  claim->set_ended_height(context.height);
  changes.PutClaim(*claim);
  v1::Receipt details;
  SetDelivered(details, claim->asset(), claim->amount_minor());
  details.set_claim_id(claim_id);
  if (!reclaim) details.set_counterparty(claim->sender());
  return Settled(changes, effects, std::move(details));
}

}  // namespace

OpResult ExecuteOperation(const OpContext& context, const v1::Operation& op,
                          BlockEffects& effects) {
  const AccountId signer = Account(op.signer());
  switch (op.body_case()) {
    case v1::Operation::kStrictSend:
      return ExecuteStrictSend(context, signer, op.strict_send(), effects);
    case v1::Operation::kStrictReceive:
      return ExecuteStrictReceive(context, signer, op.strict_receive(), effects);
    case v1::Operation::kOfferCreate:
      return ExecuteOfferCreate(context, signer, op.offer_create(), effects);
    case v1::Operation::kOfferCancel:
      return ExecuteOfferCancel(context, signer, op.offer_cancel(), effects);
    case v1::Operation::kBasketMint:
      return ExecuteMint(context, signer, op.basket_mint(), effects);
    case v1::Operation::kBasketRedeem:
      return ExecuteRedeem(context, signer, op.basket_redeem(), effects);
    case v1::Operation::kCreateClaim:
      return ExecuteCreateClaim(context, signer, op.create_claim(), effects);
    case v1::Operation::kClaim:
      return ExecuteEndClaim(context, op, /*reclaim=*/false, effects);
    case v1::Operation::kReclaim:
      return ExecuteEndClaim(context, op, /*reclaim=*/true, effects);
    case v1::Operation::BODY_NOT_SET:
      break;
  }
  REMIT_CHECK(false);  // CheckOperationFields refuses an operation without a body
  return {};
}

}  // namespace remit
