#include "node/funding.h"

#include <optional>
#include <string>

#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit {
namespace {

struct Debit {
  std::string asset;
  uint64_t amount_minor = 0;
};

// What the envelope pays from its signer's balance, before execution.
std::optional<Debit> DebitOf(const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.has_transfer()) {
    const v1::Transfer& transfer = signed_transfer.transfer();
    const uint64_t total = transfer.amount_minor() + transfer.fee_minor();
    // An overflowing sum can never be covered.
    return Debit{transfer.asset(), total < transfer.amount_minor() ? UINT64_MAX : total};
  }
  const v1::Operation& op = signed_transfer.operation();
  switch (op.body_case()) {
    case v1::Operation::kStrictSend:
      return Debit{op.strict_send().send_asset(), op.strict_send().send_amount_minor()};
    case v1::Operation::kStrictReceive:
      return Debit{op.strict_receive().send_asset(), 1};
    case v1::Operation::kOfferCreate:
      return Debit{op.offer_create().sell_asset(), op.offer_create().amount_minor()};
    case v1::Operation::kBasketRedeem:
      return Debit{op.basket_redeem().basket_asset(), op.basket_redeem().amount_minor()};
    case v1::Operation::kCreateClaim:
      return Debit{op.create_claim().asset(), op.create_claim().amount_minor()};
    default:
      return std::nullopt;  // debits nothing, or only at execution
  }
}

}  // namespace

absl::Status CheckFunded(const Genesis& genesis, const StateReader& state,
                         const v1::SignedTransfer& signed_transfer) {
  const std::optional<Debit> debit = DebitOf(signed_transfer);
  if (!debit || debit->amount_minor == 0) return absl::OkStatus();
  const auto signer = ToArray<kPublicKeyBytes>(HeaderOf(signed_transfer).signer, "signer");
  REMIT_CHECK(signer.ok());
  const AssetInfo* asset = genesis.FindAsset(debit->asset);
  if (asset != nullptr && MayGoNegative(*asset, *signer)) return absl::OkStatus();
  const int64_t balance_minor = state.Balance({*signer, debit->asset});
  if (balance_minor > 0 && static_cast<uint64_t>(balance_minor) >= debit->amount_minor) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(StrCat("unfunded_sender: the sender holds ", balance_minor,
                                              " minor units of ", debit->asset, " but this ",
                                              KindName(KindOf(signed_transfer)), " pays ",
                                              debit->amount_minor, "; fund the account first"));
}

}  // namespace remit
