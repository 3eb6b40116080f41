// Building and signing the operations other than a plain transfer
// (docs/FX.md, docs/CLAIMS.md; byte layouts in docs/ENCODING.md section 8):
// cross-currency transfers, offers, basket mint and redeem, and claims.
// Each builder fills the body, the common fields (chain id, genesis hash,
// signer, sequence, expiry = now + ttl, memo), runs the node's own stateless
// checks (ledger/operation.h) and signs. INVALID_ARGUMENT, with the node's
// reason prefix ("unknown_asset:", "same_asset:", "bad_amount:", ...), for
// what a node would refuse; ttl_ms outside 1..kTransferTtlMsMax likewise.
// Nothing is sent anywhere.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit::sdk {

// The chain, the signer and the common fields of one operation.
struct OperationContext {
  const SigningKey* key = nullptr;
  const Genesis* genesis = nullptr;
  Hash32 genesis_hash{};  // GenesisHash(*genesis), computed once
  uint64_t sequence = 0;  // the signer's next sequence
  uint64_t now_unix_ms = 0;
  uint64_t ttl_ms = kTransferTtlMsDefault;
  std::string memo = "";
};

absl::StatusOr<v1::SignedTransfer> BuildStrictSend(const OperationContext& context,
                                                   const v1::StrictSend& body);
absl::StatusOr<v1::SignedTransfer> BuildStrictReceive(const OperationContext& context,
                                                      const v1::StrictReceive& body);
absl::StatusOr<v1::SignedTransfer> BuildOfferCreate(const OperationContext& context,
                                                    const v1::OfferCreate& body);
absl::StatusOr<v1::SignedTransfer> BuildOfferCancel(const OperationContext& context,
                                                    const Hash32& offer_id);
absl::StatusOr<v1::SignedTransfer> BuildBasketMint(const OperationContext& context,
                                                   const v1::BasketMint& body);
absl::StatusOr<v1::SignedTransfer> BuildBasketRedeem(const OperationContext& context,
                                                     const v1::BasketRedeem& body);
// Holds `amount_minor` of `asset` for whoever knows `claim_secret` (the raw
// code, claim_code_text.h), until `claim_expiry_unix_ms` (block time). The
// claim id is the returned operation's id (OperationId).
absl::StatusOr<v1::SignedTransfer> BuildCreateClaim(const OperationContext& context,
                                                    const std::string& asset, uint64_t amount_minor,
                                                    const std::string& claim_secret,
                                                    uint64_t claim_expiry_unix_ms);
// Claims `claim_id` for the signer: the proof is the claim key's signature
// over (genesis hash, claim id, signer), so it pays nobody else.
absl::StatusOr<v1::SignedTransfer> BuildClaim(const OperationContext& context,
                                              const Hash32& claim_id,
                                              const std::string& claim_secret);
absl::StatusOr<v1::SignedTransfer> BuildReclaim(const OperationContext& context,
                                                const Hash32& claim_id);

}  // namespace remit::sdk
