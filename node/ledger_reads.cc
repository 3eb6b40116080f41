#include "node/ledger_reads.h"

#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/exchange.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

// Both codes well-formed, in genesis and distinct.
absl::Status CheckPair(const Genesis& genesis, std::string_view from, std::string_view to) {
  for (std::string_view code : {from, to}) {
    if (!IsValidAssetCode(code)) {
      return absl::InvalidArgumentError(
          StrCat("malformed: asset code '", code, "' is not 1 to 12 of A-Z0-9"));
    }
    if (genesis.FindAsset(code) == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("unknown_asset: '", code, "' is not an asset of this chain (GetGenesis)"));
    }
  }
  if (from == to) {
    return absl::InvalidArgumentError(
        StrCat("same_asset: both assets are ", from, "; name two different assets"));
  }
  return absl::OkStatus();
}

absl::StatusOr<CrossRequest> ToCrossRequest(const v1::QuoteRequest& request) {
  const bool send = request.send_amount_minor() != 0;
  const bool deliver = request.deliver_amount_minor() != 0;
  if (send == deliver) {
    return absl::InvalidArgumentError(
        "bad_amount: set exactly one of send_amount_minor (strict send) and "
        "deliver_amount_minor (strict receive)");
  }
  CrossRequest cross;
  cross.send_asset = request.send_asset();
  cross.deliver_asset = request.deliver_asset();
  cross.mode = send ? CrossMode::kStrictSend : CrossMode::kStrictReceive;
  cross.amount_minor = send ? request.send_amount_minor() : request.deliver_amount_minor();
  if (cross.amount_minor > kAmountMinorMax) {
    return absl::InvalidArgumentError(
        StrCat("bad_amount: ", cross.amount_minor, " is above 2^63-1 minor units"));
  }
  return cross;
}

// The refusal for a result that is not SETTLED.
absl::Status Unfilled(const CrossResult& result, const CrossRequest& request) {
  REMIT_CHECK(result.outcome != v1::SETTLED);
  if (result.outcome == v1::NO_LIQUIDITY) {
    return absl::FailedPreconditionError(
        StrCat("no_liquidity: no offers can ",
               request.mode == CrossMode::kStrictSend ? "take " : "deliver ", request.amount_minor,
               " minor units of ",
               request.mode == CrossMode::kStrictSend ? request.send_asset : request.deliver_asset,
               " from ", request.send_asset, " to ", request.deliver_asset,
               " now; try a smaller amount, or later"));
  }
  return absl::InvalidArgumentError(
      StrCat("bad_amount: the best path's amounts would pass 2^63-1 minor units (",
             v1::Outcome_Name(result.outcome), "); quote a smaller amount"));
}

}  // namespace

absl::StatusOr<v1::QuoteResponse> ReadQuote(const Genesis& genesis, const LedgerStore& store,
                                            const v1::QuoteRequest& request) {
  RETURN_IF_ERROR(CheckPair(genesis, request.send_asset(), request.deliver_asset()));
  ASSIGN_OR_RETURN(const CrossRequest cross, ToCrossRequest(request));
  const uint64_t height = store.committed_height();
  const uint64_t time_unix_ms = store.committed_time_unix_ms();
  ASSIGN_OR_RETURN(const CrossResult result, Quote(genesis, store, cross, time_unix_ms));
  if (result.outcome != v1::SETTLED) return Unfilled(result, cross);
  REMIT_CHECK(!result.legs.empty());
  v1::QuoteResponse response;
  response.set_send_amount_minor(result.sent_minor);
  response.set_deliver_amount_minor(result.delivered_minor);
  response.add_path(cross.send_asset);
  for (const Leg& leg : result.legs) {
    for (const v1::Fill& fill : leg.fills) *response.add_fills() = fill;
    response.add_path(leg.pair.sell);
  }
  REMIT_CHECK(response.path(response.path_size() - 1) == cross.deliver_asset);
  response.set_height(height);
  response.set_block_time_unix_ms(time_unix_ms);
  return response;
}

absl::StatusOr<v1::ListOffersResponse> ReadOffers(const Genesis& genesis, const LedgerStore& store,
                                                  const v1::ListOffersRequest& request) {
  RETURN_IF_ERROR(CheckPair(genesis, request.sell_asset(), request.buy_asset()));
  const AssetPair pair{request.sell_asset(), request.buy_asset()};
  auto page = store.ListOffers(pair, request.limit(), request.page_token());
  if (absl::IsInvalidArgument(page.status())) {
    return absl::InvalidArgumentError(StrCat("malformed: ", page.status().message()));
  }
  if (!page.ok()) return page.status();
  v1::ListOffersResponse response;
  for (v1::Offer& offer : page->offers) *response.add_offers() = std::move(offer);
  response.set_next_page_token(page->next_page_token);
  return response;
}

absl::StatusOr<v1::GetClaimResponse> ReadClaim(const LedgerStore& store,
                                               const v1::GetClaimRequest& request) {
  const auto id = ToArray<kHashBytes>(request.claim_id(), "claim_id");
  if (!id.ok()) return absl::InvalidArgumentError(StrCat("malformed: ", id.status().message()));
  const uint64_t time_unix_ms = store.committed_time_unix_ms();
  auto claim = store.GetClaim(*id);
  if (absl::IsNotFound(claim.status())) {
    return absl::NotFoundError(StrCat("not_found: ", claim.status().message(),
                                      " at this node (yet); if it was just created, ask again "
                                      "shortly"));
  }
  if (!claim.ok()) return claim.status();
  v1::GetClaimResponse response;
  *response.mutable_claim() = *std::move(claim);
  response.set_block_time_unix_ms(time_unix_ms);
  return response;
}

}  // namespace remit
