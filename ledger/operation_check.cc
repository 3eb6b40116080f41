// The stateless checks of operations (operation.h): CheckOperationFields and
// CheckAssetsKnown.
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

absl::Status Refuse(std::string_view reason, std::string_view detail) {
  return absl::InvalidArgumentError(StrCat(reason, ": ", detail));
}

absl::Status CheckAsset(std::string_view code, std::string_view field) {
  if (IsValidAssetCode(code)) return absl::OkStatus();
  return Refuse("malformed", StrCat(field, " must be 1 to 12 characters of A-Z and 0-9"));
}

absl::Status CheckAmount(uint64_t amount_minor, std::string_view field) {
  if (amount_minor > 0 && amount_minor <= kAmountMinorMax) return absl::OkStatus();
  return Refuse("bad_amount",
                StrCat(field, " must be more than zero and at most 2^63-1 minor units"));
}

absl::Status CheckBytes(std::string_view bytes, size_t size, std::string_view field) {
  if (bytes.size() == size) return absl::OkStatus();
  return Refuse("malformed", StrCat(field, " must be ", size, " bytes, got ", bytes.size()));
}

absl::Status CheckPair(std::string_view from_asset, std::string_view from_field,
                       std::string_view to_asset, std::string_view to_field) {
  RETURN_IF_ERROR(CheckAsset(from_asset, from_field));
  RETURN_IF_ERROR(CheckAsset(to_asset, to_field));
  if (from_asset == to_asset) {
    return Refuse("same_asset", StrCat(from_field, " and ", to_field, " are both ", from_asset,
                                       "; use a plain transfer for one asset"));
  }
  return absl::OkStatus();
}

absl::Status CheckStrictSend(const v1::StrictSend& body) {
  RETURN_IF_ERROR(CheckBytes(body.to(), kPublicKeyBytes, "recipient"));
  RETURN_IF_ERROR(
      CheckPair(body.send_asset(), "send_asset", body.deliver_asset(), "deliver_asset"));
  RETURN_IF_ERROR(CheckAmount(body.send_amount_minor(), "send amount"));
  return CheckAmount(body.deliver_min_minor(), "deliver_min");
}

absl::Status CheckStrictReceive(const v1::StrictReceive& body) {
  RETURN_IF_ERROR(CheckBytes(body.to(), kPublicKeyBytes, "recipient"));
  RETURN_IF_ERROR(
      CheckPair(body.send_asset(), "send_asset", body.deliver_asset(), "deliver_asset"));
  RETURN_IF_ERROR(CheckAmount(body.deliver_amount_minor(), "deliver amount"));
  return CheckAmount(body.send_max_minor(), "send_max");
}

absl::Status CheckOfferCreate(const v1::OfferCreate& body) {
  RETURN_IF_ERROR(CheckPair(body.sell_asset(), "sell_asset", body.buy_asset(), "buy_asset"));
  RETURN_IF_ERROR(CheckAmount(body.amount_minor(), "offer amount"));
  if (body.price_n() == 0 || body.price_d() == 0) {
    return Refuse("bad_price", "price_n and price_d must both be at least 1");
  }
  return absl::OkStatus();
}

absl::Status CheckCreateClaim(const v1::CreateClaim& body) {
  RETURN_IF_ERROR(CheckAsset(body.asset(), "asset"));
  RETURN_IF_ERROR(CheckAmount(body.amount_minor(), "claim amount"));
  RETURN_IF_ERROR(CheckBytes(body.claim_key(), kPublicKeyBytes, "claim_key"));
  if (body.claim_expiry_unix_ms() == 0) {
    return Refuse("bad_expiry", "claim_expiry_unix_ms must be a time after the epoch");
  }
  return absl::OkStatus();
}

absl::Status CheckBody(const v1::Operation& op) {
  switch (op.body_case()) {
    case v1::Operation::kStrictSend:
      return CheckStrictSend(op.strict_send());
    case v1::Operation::kStrictReceive:
      return CheckStrictReceive(op.strict_receive());
    case v1::Operation::kOfferCreate:
      return CheckOfferCreate(op.offer_create());
    case v1::Operation::kOfferCancel:
      return CheckBytes(op.offer_cancel().offer_id(), kHashBytes, "offer_id");
    case v1::Operation::kBasketMint:
      RETURN_IF_ERROR(CheckAsset(op.basket_mint().basket_asset(), "basket_asset"));
      return CheckAmount(op.basket_mint().amount_minor(), "mint amount");
    case v1::Operation::kBasketRedeem:
      RETURN_IF_ERROR(CheckAsset(op.basket_redeem().basket_asset(), "basket_asset"));
      return CheckAmount(op.basket_redeem().amount_minor(), "redeem amount");
    case v1::Operation::kCreateClaim:
      return CheckCreateClaim(op.create_claim());
    case v1::Operation::kClaim:
      RETURN_IF_ERROR(CheckBytes(op.claim().claim_id(), kHashBytes, "claim_id"));
      return CheckBytes(op.claim().proof(), kClaimProofBytes, "claim proof");
    case v1::Operation::kReclaim:
      return CheckBytes(op.reclaim().claim_id(), kHashBytes, "claim_id");
    case v1::Operation::BODY_NOT_SET:
      break;
  }
  return Refuse("malformed", "operation has no body; set exactly one operation kind");
}

// The asset codes an operation names, with the field each comes from.
std::vector<std::pair<std::string_view, std::string_view>> AssetsOf(const v1::Operation& op) {
  switch (op.body_case()) {
    case v1::Operation::kStrictSend:
      return {{op.strict_send().send_asset(), "send_asset"},
              {op.strict_send().deliver_asset(), "deliver_asset"}};
    case v1::Operation::kStrictReceive:
      return {{op.strict_receive().send_asset(), "send_asset"},
              {op.strict_receive().deliver_asset(), "deliver_asset"}};
    case v1::Operation::kOfferCreate:
      return {{op.offer_create().sell_asset(), "sell_asset"},
              {op.offer_create().buy_asset(), "buy_asset"}};
    case v1::Operation::kCreateClaim:
      return {{op.create_claim().asset(), "asset"}};
    default:
      return {};
  }
}

std::string AssetCodes(const Genesis& genesis) {
  std::string codes;
  for (const AssetInfo& asset : genesis.assets)
    codes += StrCat(codes.empty() ? "" : ", ", asset.code);
  if (genesis.basket) codes += StrCat(codes.empty() ? "" : ", ", genesis.basket->asset.code);
  return codes.empty() ? "none" : codes;
}

absl::Status CheckBasketNamed(const Genesis& genesis, std::string_view code) {
  if (genesis.basket && genesis.basket->asset.code == code) return absl::OkStatus();
  if (!genesis.basket) return Refuse("unknown_asset", "this chain defines no basket");
  return Refuse("unknown_asset", StrCat("'", code, "' is not the basket; the basket is ",
                                        genesis.basket->asset.code));
}

}  // namespace

absl::Status CheckOperationFields(const v1::Operation& op, std::string_view chain_id,
                                  const Hash32& genesis_hash) {
  RETURN_IF_ERROR(CheckChain(op.chain_id(), op.genesis_hash(), chain_id, genesis_hash));
  RETURN_IF_ERROR(CheckBytes(op.signer(), kPublicKeyBytes, "signer"));
  if (op.memo().size() > kMemoBytesMax) {
    return Refuse("memo_too_long", StrCat("memo is ", op.memo().size(), " bytes; at most ",
                                          kMemoBytesMax, " allowed"));
  }
  if (!IsValidUtf8(op.memo())) return Refuse("malformed", "memo is not valid UTF-8");
  return CheckBody(op);
}

absl::Status CheckAssetsKnown(const Genesis& genesis, const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.has_transfer()) {
    const std::string& code = signed_transfer.transfer().asset();
    if (genesis.FindAsset(code) != nullptr) return absl::OkStatus();
    return Refuse("unknown_asset",
                  StrCat("asset '", code, "' is not on this chain; it has ", AssetCodes(genesis)));
  }
  const v1::Operation& op = signed_transfer.operation();
  if (op.has_basket_mint()) return CheckBasketNamed(genesis, op.basket_mint().basket_asset());
  if (op.has_basket_redeem()) return CheckBasketNamed(genesis, op.basket_redeem().basket_asset());
  for (const auto& [code, field] : AssetsOf(op)) {
    if (genesis.FindAsset(code) == nullptr) {
      return Refuse("unknown_asset", StrCat(field, " '", code, "' is not on this chain; it has ",
                                            AssetCodes(genesis)));
    }
  }
  return absl::OkStatus();
}

}  // namespace remit
