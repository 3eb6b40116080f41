#include "ledger/exchange.h"

#include <algorithm>
#include <optional>

#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr size_t kFirstBatch = 8;

bool Expired(const v1::Offer& offer, uint64_t now_unix_ms) {
  return offer.expiry_unix_ms() != 0 && now_unix_ms > offer.expiry_unix_ms();
}

// Calls visit(offer) on the live, unexpired offers of `pair` in book order,
// looking at no more than kOffersScannedPerLegMax, until visit returns
// false. Reads the book in growing batches: most legs need one or two offers.
template <typename Visit>
void ForEachOffer(const StateReader& state, const AssetPair& pair, uint64_t now_unix_ms,
                  Visit visit) {
  std::vector<v1::Offer> offers;
  size_t asked = 0;
  for (size_t index = 0; index < kOffersScannedPerLegMax; ++index) {
    if (index == offers.size()) {
      if (offers.size() < asked) return;  // the book has no more
      asked = std::min(std::max(asked * 4, kFirstBatch), kOffersScannedPerLegMax);
      offers = state.BestOffers(pair, asked);
      if (index >= offers.size()) return;
    }
    const v1::Offer& offer = offers[index];
    if (Expired(offer, now_unix_ms)) continue;
    if (!visit(offer)) return;
  }
}

struct LegCross {
  Leg leg;
  bool filled = false;
  bool overflow = false;  // an amount above 2^63-1
};

void AddFill(const v1::Offer& offer, uint64_t sold, uint64_t bought, Leg& leg) {
  REMIT_CHECK(sold <= offer.amount_minor());
  // Never below the offer's price: bought / sold >= n / d.
  REMIT_CHECK(static_cast<Uint128>(bought) * offer.price_d() >=
              static_cast<Uint128>(sold) * offer.price_n());
  v1::Fill& fill = leg.fills.emplace_back();
  fill.set_offer_id(offer.offer_id());
  fill.set_owner(offer.owner());
  fill.set_sold_asset(offer.sell_asset());
  fill.set_sold_minor(sold);
  fill.set_bought_asset(offer.buy_asset());
  fill.set_bought_minor(bought);
  v1::Offer& after = leg.offers_after.emplace_back(offer);
  after.set_amount_minor(offer.amount_minor() - sold);
}

// Pays `input` of pair.buy into the book, receiving pair.sell.
LegCross CrossSend(const StateReader& state, const AssetPair& pair, uint64_t input,
                   uint64_t now_unix_ms) {
  LegCross cross;
  cross.leg.pair = pair;
  Uint128 left = input;
  Uint128 received = 0;
  ForEachOffer(state, pair, now_unix_ms, [&](const v1::Offer& offer) {
    if (cross.leg.fills.size() == kFillsPerLegMax) return false;
    const Uint128 amount = offer.amount_minor();
    const Uint128 cost_all = (amount * offer.price_n() + offer.price_d() - 1) / offer.price_d();
    uint64_t sold = 0;
    uint64_t bought = 0;
    if (left >= cost_all) {
      sold = offer.amount_minor();
      bought = static_cast<uint64_t>(cost_all);
    } else {
      sold = static_cast<uint64_t>(left * offer.price_d() / offer.price_n());
      bought = static_cast<uint64_t>(left);
    }
    AddFill(offer, sold, bought, cross.leg);
    left -= bought;
    received += sold;
    return left > 0;
  });
  cross.filled = left == 0;
  cross.overflow = received > kAmountMinorMax;
  cross.leg.paid_minor = input - static_cast<uint64_t>(left);
  cross.leg.received_minor = cross.overflow ? 0 : static_cast<uint64_t>(received);
  return cross;
}

// Takes exactly `want` of pair.sell from the book, paying pair.buy.
LegCross CrossReceive(const StateReader& state, const AssetPair& pair, uint64_t want,
                      uint64_t now_unix_ms) {
  LegCross cross;
  cross.leg.pair = pair;
  uint64_t left = want;
  Uint128 paid = 0;
  ForEachOffer(state, pair, now_unix_ms, [&](const v1::Offer& offer) {
    if (cross.leg.fills.size() == kFillsPerLegMax) return false;
    const uint64_t take = std::min(left, offer.amount_minor());
    const Uint128 pay =
        (static_cast<Uint128>(take) * offer.price_n() + offer.price_d() - 1) / offer.price_d();
    paid += pay;
    if (paid > kAmountMinorMax) {
      cross.overflow = true;
      return false;
    }
    AddFill(offer, take, static_cast<uint64_t>(pay), cross.leg);
    left -= take;
    return left > 0;
  });
  cross.filled = left == 0 && !cross.overflow;
  cross.leg.paid_minor = cross.overflow ? 0 : static_cast<uint64_t>(paid);
  cross.leg.received_minor = want - left;
  return cross;
}

struct PathEval {
  std::vector<Leg> legs;
  bool filled = false;
  bool overflow = false;
  uint64_t sent = 0;
  uint64_t delivered = 0;
};

PathEval Single(LegCross cross, bool strict_send) {
  PathEval path;
  path.filled = cross.filled && !cross.overflow;
  path.overflow = cross.overflow && (strict_send ? cross.filled : true);
  path.sent = cross.leg.paid_minor;
  path.delivered = cross.leg.received_minor;
  path.legs.push_back(std::move(cross.leg));
  return path;
}

PathEval HubSend(const StateReader& state, const CrossRequest& request, std::string_view hub,
                 uint64_t now_unix_ms) {
  const std::string hub_code(hub);
  LegCross first =
      CrossSend(state, {hub_code, request.send_asset}, request.amount_minor, now_unix_ms);
  if (!first.filled || first.overflow || first.leg.received_minor == 0) {
    PathEval failed;
    failed.overflow = first.filled && first.overflow;
    return failed;
  }
  LegCross second =
      CrossSend(state, {request.deliver_asset, hub_code}, first.leg.received_minor, now_unix_ms);
  PathEval path = Single(std::move(second), /*strict_send=*/true);
  path.sent = first.leg.paid_minor;
  path.legs.insert(path.legs.begin(), std::move(first.leg));
  return path;
}

PathEval HubReceive(const StateReader& state, const CrossRequest& request, std::string_view hub,
                    uint64_t now_unix_ms) {
  const std::string hub_code(hub);
  LegCross second =
      CrossReceive(state, {request.deliver_asset, hub_code}, request.amount_minor, now_unix_ms);
  if (!second.filled) {
    PathEval failed;
    failed.overflow = second.overflow;
    return failed;
  }
  LegCross first =
      CrossReceive(state, {hub_code, request.send_asset}, second.leg.paid_minor, now_unix_ms);
  PathEval path = Single(std::move(first), /*strict_send=*/false);
  path.delivered = second.leg.received_minor;
  path.legs.push_back(std::move(second.leg));
  return path;
}

bool Better(const PathEval& candidate, const PathEval& best, CrossMode mode) {
  return mode == CrossMode::kStrictSend ? candidate.delivered > best.delivered
                                        : candidate.sent < best.sent;
}

}  // namespace

CrossResult FindPath(const StateReader& state, std::string_view hub_asset,
                     const CrossRequest& request, uint64_t now_unix_ms) {
  REMIT_CHECK(request.send_asset != request.deliver_asset);
  REMIT_CHECK(request.amount_minor > 0 && request.amount_minor <= kAmountMinorMax);
  const bool strict_send = request.mode == CrossMode::kStrictSend;
  const AssetPair direct_pair{request.deliver_asset, request.send_asset};
  std::vector<PathEval> paths;
  paths.push_back(Single(strict_send
                             ? CrossSend(state, direct_pair, request.amount_minor, now_unix_ms)
                             : CrossReceive(state, direct_pair, request.amount_minor, now_unix_ms),
                         strict_send));
  if (!hub_asset.empty() && hub_asset != request.send_asset && hub_asset != request.deliver_asset) {
    paths.push_back(strict_send ? HubSend(state, request, hub_asset, now_unix_ms)
                                : HubReceive(state, request, hub_asset, now_unix_ms));
  }
  const PathEval* best = nullptr;
  bool overflow = false;
  for (const PathEval& path : paths) {
    overflow = overflow || path.overflow;
    if (path.filled && (best == nullptr || Better(path, *best, request.mode))) best = &path;
  }
  CrossResult result;
  if (best == nullptr) {
    result.outcome =
        !overflow ? v1::NO_LIQUIDITY : (strict_send ? v1::BALANCE_OVERFLOW : v1::OVER_SEND_MAX);
    return result;
  }
  result.outcome = v1::SETTLED;
  result.legs = best->legs;
  result.sent_minor = best->sent;
  result.delivered_minor = best->delivered;
  REMIT_CHECK(strict_send ? result.sent_minor == request.amount_minor
                          : result.delivered_minor == request.amount_minor);
  return result;
}

absl::StatusOr<CrossResult> Quote(const Genesis& genesis, const StateReader& state,
                                  const CrossRequest& request, uint64_t now_unix_ms) {
  for (const std::string& code : {request.send_asset, request.deliver_asset}) {
    if (genesis.FindAsset(code) == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("unknown_asset: '", code, "' is not an asset of this chain"));
    }
  }
  if (request.send_asset == request.deliver_asset) {
    return absl::InvalidArgumentError(StrCat("same_asset: both assets are ", request.send_asset,
                                             "; a plain transfer needs no quote"));
  }
  if (request.amount_minor == 0 || request.amount_minor > kAmountMinorMax) {
    return absl::InvalidArgumentError(
        "bad_amount: the amount must be more than zero and at most 2^63-1 minor units");
  }
  return FindPath(state, genesis.hub_asset, request, now_unix_ms);
}

}  // namespace remit
