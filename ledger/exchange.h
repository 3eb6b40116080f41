// Crossing offers for a cross-currency transfer (docs/FX.md): the path
// search the executor runs for strict send and strict receive, and the
// read-only Quote a client asks before signing. Pure functions of the state
// they read; integer arithmetic with 128-bit intermediates.
//
// A path is direct (offers selling the deliver asset for the send asset) or
// goes through the genesis hub asset (send -> hub -> deliver). Each leg
// crosses the live offers of its pair in book order (offer_book.h). Offers
// whose expiry is before the block time are passed over. Rounding is always
// in the offer owner's favour:
//   strict send, paying p into an offer of `amount` at price n/d:
//     if p >= ceil(amount x n / d): the offer is filled, the taker pays that;
//     else the taker pays all of p and receives floor(p x d / n), which may
//     be zero when p is below one unit's price (the owner keeps p);
//   strict receive, taking q from an offer:
//     the taker receives t = min(q, amount) and pays ceil(t x n / d).
// So every fill has bought x price_d >= sold x price_n, sold <= amount, and
// what leaves the taker equals what the owners receive: nothing is created
// or destroyed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/genesis.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

// A leg crosses at most this many offers, and looks at no more than this
// many (expired ones count): a path that needs more is NO_LIQUIDITY.
inline constexpr size_t kFillsPerLegMax = 64;
inline constexpr size_t kOffersScannedPerLegMax = 256;

enum class CrossMode { kStrictSend, kStrictReceive };

struct CrossRequest {
  std::string send_asset;
  std::string deliver_asset;
  CrossMode mode = CrossMode::kStrictSend;
  // Strict send: what leaves the sender. Strict receive: what arrives.
  uint64_t amount_minor = 0;
};

// One leg of a path: the offers of `pair` it crosses, in crossing order.
struct Leg {
  AssetPair pair;  // the taker receives pair.sell and pays pair.buy
  std::vector<v1::Fill> fills;
  // Each crossed offer with its new amount (0: filled, to be removed).
  std::vector<v1::Offer> offers_after;
  uint64_t paid_minor = 0;      // pair.buy, the sum of fills' bought
  uint64_t received_minor = 0;  // pair.sell, the sum of fills' sold
};

struct CrossResult {
  // SETTLED: `legs` fill the request. NO_LIQUIDITY: no path can. When the
  // best path's amounts do not fit 2^63-1: BALANCE_OVERFLOW (strict send,
  // too much to deliver) or OVER_SEND_MAX (strict receive, too much to pay).
  v1::Outcome outcome = v1::NO_LIQUIDITY;
  std::vector<Leg> legs;  // in the order money flows: 1 (direct) or 2 (hub)
  uint64_t sent_minor = 0;
  uint64_t delivered_minor = 0;
};

// The best path at block time `now_unix_ms`: for strict send the one that
// delivers most, for strict receive the one that costs least; a tie goes to
// the direct path. `hub_asset` is genesis's (empty: direct only; a hub equal
// to either asset adds nothing). Preconditions (checked): distinct assets,
// amount in 1..2^63-1. Bounds (deliver_min, send_max) and the sender's
// balance are the executor's to check.
CrossResult FindPath(const StateReader& state, std::string_view hub_asset,
                     const CrossRequest& request, uint64_t now_unix_ms);

// FindPath for a client: the state and time of the last committed block.
// INVALID_ARGUMENT "unknown_asset:" (not in genesis), "same_asset:" or
// "bad_amount:" (0 or above 2^63-1); otherwise the result, whose outcome
// says whether a transfer signed now would find liquidity.
absl::StatusOr<CrossResult> Quote(const Genesis& genesis, const StateReader& state,
                                  const CrossRequest& request, uint64_t now_unix_ms);

}  // namespace remit
