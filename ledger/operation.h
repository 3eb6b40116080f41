// Signed operations: the envelope every signed thing travels in
// (v1::SignedTransfer, holding a plain v1::Transfer or a v1::Operation), the
// canonical signing bytes of each operation kind, ids, the fields common to
// every kind, and the stateless checks each kind passes before it may enter
// a block. docs/ENCODING.md gives every byte layout, with vectors.
//
// Canonical signing bytes of an Operation (integers big-endian):
//
//   signing_bytes = tag                       ; the kind's domain tag, below
//                   u8  len(chain_id) || chain_id
//                   genesis_hash[32] || signer[32]
//                   u64 sequence || u64 expiry_unix_ms
//                   u16 len(memo) || memo
//                   body                      ; the kind's fields, below
//
//   kind            tag                         body
//   strict_send     "remit-strict-send-v1"      to[32] || asset(send_asset) ||
//                                               u64 send_amount_minor ||
//                                               asset(deliver_asset) || u64 deliver_min_minor
//   strict_receive  "remit-strict-receive-v1"   to[32] || asset(send_asset) ||
//                                               u64 send_max_minor ||
//                                               asset(deliver_asset) || u64 deliver_amount_minor
//   offer_create    "remit-offer-create-v1"     asset(sell_asset) || asset(buy_asset) ||
//                                               u64 amount_minor || u64 price_n || u64 price_d ||
//                                               u64 offer_expiry_unix_ms
//   offer_cancel    "remit-offer-cancel-v1"     offer_id[32]
//   basket_mint     "remit-basket-mint-v1"      asset(basket_asset) || u64 amount_minor
//   basket_redeem   "remit-basket-redeem-v1"    asset(basket_asset) || u64 amount_minor
//   create_claim    "remit-create-claim-v1"     asset(asset) || u64 amount_minor ||
//                                               claim_key[32] || u64 claim_expiry_unix_ms
//   claim           "remit-claim-v1"            claim_id[32] || proof[64]
//   reclaim         "remit-reclaim-v1"          claim_id[32]
//
//   asset(x)   = u8 len(x) || x
//   signature  = Ed25519(signer key, signing_bytes)
//   id         = BLAKE2b-256(signing_bytes)     ; the "transfer id" of the record
//
// A plain transfer's bytes are transfer.h's. Every tag is distinct, so the
// bytes of one kind can never be read as another's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

inline constexpr size_t kClaimProofBytes = 64;

enum class OpKind : uint8_t {
  kNone,  // an envelope with no body: malformed
  kTransfer,
  kStrictSend,
  kStrictReceive,
  kOfferCreate,
  kOfferCancel,
  kBasketMint,
  kBasketRedeem,
  kCreateClaim,
  kClaim,
  kReclaim,
};

OpKind KindOf(const v1::SignedTransfer& signed_transfer);
// "transfer", "strict_send", ... (the proto field names).
std::string_view KindName(OpKind kind);

// What every kind has, as views into the envelope it came from (so the
// envelope must outlive it). Sizes are unchecked: `signer` is 32 bytes only
// after CheckTransferFields passed.
struct OpHeader {
  std::string_view chain_id;
  std::string_view genesis_hash;
  std::string_view signer;  // the transfer's `from` for a plain transfer
  uint64_t sequence = 0;
  uint64_t expiry_unix_ms = 0;
  std::string_view memo;
};
OpHeader HeaderOf(const v1::SignedTransfer& signed_transfer);

// True if every field has the size the signing bytes need (lengths within
// their limits, fixed-size fields exactly sized, signature 64 bytes), so
// that SigningBytesOf and OperationId may be called. CheckTransferFields
// implies it.
bool HasSigningShape(const v1::SignedTransfer& signed_transfer);

// Preconditions (checked): HasSigningShape, and a body.
std::string OperationSigningBytes(const v1::Operation& operation);
std::string SigningBytesOf(const v1::SignedTransfer& signed_transfer);
// The record's id; ComputeTransferId for a plain transfer.
TransferId OperationId(const v1::SignedTransfer& signed_transfer);
// Precondition: operation.signer() is key's public key.
v1::SignedTransfer SignOperation(const v1::Operation& operation, const SigningKey& key);

// The stateless checks of an Operation (CheckTransferFields calls it):
// chain id and genesis hash ("wrong_chain:"), field sizes ("malformed:"),
// memo ("memo_too_long:", "malformed:"), and per kind: valid and distinct
// asset codes ("malformed:", "same_asset:"), amounts in 1..2^63-1
// ("bad_amount:"), prices with both terms at least 1 ("bad_price:"), 32-byte
// ids and keys and a 64-byte proof ("malformed:"), a claim expiry above zero
// ("bad_expiry:").
absl::Status CheckOperationFields(const v1::Operation& operation, std::string_view chain_id,
                                  const Hash32& genesis_hash);

// "unknown_asset:" naming the first asset the operation names that genesis
// lacks (for basket mint and redeem: one that is not the basket), and what
// the chain has. For admission; execution gives UNKNOWN_ASSET.
absl::Status CheckAssetsKnown(const Genesis& genesis, const v1::SignedTransfer& signed_transfer);

// The accounts whose history shows the record, sorted and distinct: the
// signer, a transfer's recipient, the owners of offers a cross-currency
// transfer crossed (they see their fills), and a claim's sender when it is
// claimed (the receipt's counterparty). Precondition: fields well-sized.
std::vector<AccountId> TouchedAccounts(const v1::TransferRecord& record);

}  // namespace remit
