// The Ledger API's market and claim reads (Quote, ListOffers, GetClaim;
// docs/API.md section 5), as functions of the committed store, so that the
// gRPC handlers only copy answers out. Quote runs the executor's own path
// search (ledger/exchange.h) on committed state: a dry run, never a copy of
// the crossing rules.
//
// Every refusal is an absl::Status whose message starts with its reason
// (docs/API.md section 3): "malformed:", "unknown_asset:", "same_asset:",
// "bad_amount:", "no_liquidity:" or "not_found:".
#pragma once

#include "absl/status/statusor.h"
#include "ledger/genesis.h"
#include "ledger/store.h"
#include "remit/v1/ledger.pb.h"

namespace remit {

// The quote of `request` at the store's committed height. Refusals: an
// asset code that is malformed ("malformed:") or not in genesis
// ("unknown_asset:"), the same asset twice ("same_asset:"), not exactly one
// amount, or one above 2^63-1, or a path whose amounts would pass 2^63-1
// ("bad_amount:"), and no path that fills the amount within the per-leg
// bounds ("no_liquidity:").
absl::StatusOr<v1::QuoteResponse> ReadQuote(const Genesis& genesis, const LedgerStore& store,
                                            const v1::QuoteRequest& request);

// One page of the pair's live offers, best first. Refusals: the asset
// checks of ReadQuote, and a limit above kOfferPageMax or a page token the
// store did not hand out ("malformed:").
absl::StatusOr<v1::ListOffersResponse> ReadOffers(const Genesis& genesis, const LedgerStore& store,
                                                  const v1::ListOffersRequest& request);

// The claim, open or ended, with the committed block time. Refusals: an id
// that is not 32 bytes ("malformed:"), no claim with that id ("not_found:").
absl::StatusOr<v1::GetClaimResponse> ReadClaim(const LedgerStore& store,
                                               const v1::GetClaimRequest& request);

}  // namespace remit
