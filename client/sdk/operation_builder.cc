#include "client/sdk/operation_builder.h"

#include "ledger/check.h"
#include "ledger/claim_code.h"
#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit::sdk {
namespace {

// The common fields, for `context`'s signer.
absl::StatusOr<v1::Operation> NewOperation(const OperationContext& context) {
  REMIT_CHECK(context.key != nullptr);
  REMIT_CHECK(context.genesis != nullptr);
  if (context.ttl_ms == 0 || context.ttl_ms > kTransferTtlMsMax) {
    return absl::InvalidArgumentError(
        StrCat("operation TTL ", context.ttl_ms, " ms is outside 1..", kTransferTtlMsMax));
  }
  v1::Operation operation;
  operation.set_chain_id(context.genesis->chain_id);
  operation.set_genesis_hash(ToString(context.genesis_hash));
  operation.set_signer(ToString(context.key->public_key()));
  operation.set_sequence(context.sequence);
  operation.set_expiry_unix_ms(context.now_unix_ms + context.ttl_ms);
  operation.set_memo(context.memo);
  return operation;
}

// The node's stateless and asset checks, then the signature.
absl::StatusOr<v1::SignedTransfer> CheckAndSign(const OperationContext& context,
                                                const v1::Operation& operation) {
  RETURN_IF_ERROR(CheckOperationFields(operation, context.genesis->chain_id, context.genesis_hash));
  v1::SignedTransfer signed_transfer = SignOperation(operation, *context.key);
  RETURN_IF_ERROR(CheckAssetsKnown(*context.genesis, signed_transfer));
  REMIT_CHECK(signed_transfer.signature().size() == kSignatureBytes);
  REMIT_CHECK(HasSigningShape(signed_transfer));
  return signed_transfer;
}

}  // namespace

absl::StatusOr<v1::SignedTransfer> BuildStrictSend(const OperationContext& context,
                                                   const v1::StrictSend& body) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  *operation.mutable_strict_send() = body;
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildStrictReceive(const OperationContext& context,
                                                      const v1::StrictReceive& body) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  *operation.mutable_strict_receive() = body;
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildOfferCreate(const OperationContext& context,
                                                    const v1::OfferCreate& body) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  *operation.mutable_offer_create() = body;
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildOfferCancel(const OperationContext& context,
                                                    const Hash32& offer_id) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  operation.mutable_offer_cancel()->set_offer_id(ToString(offer_id));
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildBasketMint(const OperationContext& context,
                                                   const v1::BasketMint& body) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  *operation.mutable_basket_mint() = body;
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildBasketRedeem(const OperationContext& context,
                                                     const v1::BasketRedeem& body) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  *operation.mutable_basket_redeem() = body;
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildCreateClaim(const OperationContext& context,
                                                    const std::string& asset, uint64_t amount_minor,
                                                    const std::string& claim_secret,
                                                    uint64_t claim_expiry_unix_ms) {
  ASSIGN_OR_RETURN(const SigningKey claim_key, ClaimKeyFromCode(claim_secret));
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  v1::CreateClaim& body = *operation.mutable_create_claim();
  body.set_asset(asset);
  body.set_amount_minor(amount_minor);
  body.set_claim_key(ToString(claim_key.public_key()));
  body.set_claim_expiry_unix_ms(claim_expiry_unix_ms);
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildClaim(const OperationContext& context,
                                              const Hash32& claim_id,
                                              const std::string& claim_secret) {
  ASSIGN_OR_RETURN(const SigningKey claim_key, ClaimKeyFromCode(claim_secret));
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  const Signature proof =
      SignClaimProof(claim_key, context.genesis_hash, claim_id, context.key->public_key());
  operation.mutable_claim()->set_claim_id(ToString(claim_id));
  operation.mutable_claim()->set_proof(ToString(proof));
  return CheckAndSign(context, operation);
}

absl::StatusOr<v1::SignedTransfer> BuildReclaim(const OperationContext& context,
                                                const Hash32& claim_id) {
  ASSIGN_OR_RETURN(v1::Operation operation, NewOperation(context));
  operation.mutable_reclaim()->set_claim_id(ToString(claim_id));
  return CheckAndSign(context, operation);
}

}  // namespace remit::sdk
