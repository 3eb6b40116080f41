// Plain transfers: the canonical signing encoding, signing and ids; and the
// stateless checks every signed transfer or operation (operation.h) passes
// before it may enter a block.
//
// Canonical signing bytes (all integers big-endian; see docs/ENCODING.md):
//
//   signing_bytes = "remit-transfer-v2"            ; 17 ASCII bytes, the domain tag
//                   u8  len(chain_id) || chain_id
//                   genesis_hash[32]
//                   from[32] || to[32]
//                   u8  len(asset)    || asset
//                   u64 amount_minor  || u64 sequence || u64 expiry_unix_ms
//                   u16 len(memo)     || memo
//                   u64 fee_minor
//   signature     = Ed25519(sender key, signing_bytes)
//   transfer_id   = BLAKE2b-256(signing_bytes)
//
// The id covers exactly the signed fields, so it does not depend on the
// signature bytes and cannot be changed by re-signing or malleating. The
// genesis hash binds the signature to one chain: two chains that reuse a
// chain id never accept each other's transfers.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

inline constexpr std::string_view kTransferDomain = "remit-transfer-v2";
inline constexpr size_t kChainIdBytesMax = 32;
inline constexpr size_t kAssetCodeBytesMax = 12;
inline constexpr size_t kMemoBytesMax = 140;
// Largest encoded SignedTransfer (any operation) a node accepts.
inline constexpr size_t kSignedTransferBytesMax = 512;

// Precondition: field lengths within the limits above (CheckTransfer passed,
// or the caller built the transfer itself).
std::string SigningBytes(const v1::Transfer& transfer);
TransferId ComputeTransferId(const v1::Transfer& transfer);
v1::SignedTransfer SignTransfer(const v1::Transfer& transfer, const SigningKey& key);

// Asset codes are 1..12 characters of [A-Z0-9].
bool IsValidAssetCode(std::string_view code);
bool IsValidUtf8(std::string_view text);

// The stateless checks of a signed transfer or operation (for an operation,
// CheckOperationFields in operation.h; then its signature by the signer).
// For a plain transfer: well-formed fields within their limits, the expected
// chain id and genesis hash (GenesisHash of this chain, computed once by the
// caller), sender differs from recipient, amount in (0, 2^63-1], and a valid
// signature. Returns the transfer id (OperationId). Failures are INVALID_ARGUMENT whose
// message begins with a stable reason name: "malformed:", "wrong_chain:",
// "self_transfer:", "bad_amount:", "memo_too_long:", "bad_signature:".
absl::StatusOr<TransferId> CheckTransfer(const v1::SignedTransfer& signed_transfer,
                                         std::string_view chain_id, const Hash32& genesis_hash);

// True if the signature verifies for the signer (a transfer's sender, an
// operation's signer) over the signing bytes; no
// other check (chain binding, amounts). False for fields of the wrong size.
// For warming the verification memo (ledger/crypto.h) off the event loop.
bool VerifyTransferSignature(const v1::SignedTransfer& signed_transfer);

// The chain binding every signed byte string carries: "wrong_chain:" unless
// the signed chain id and genesis hash are this chain's, "malformed:" for a
// genesis hash that is not 32 bytes.
absl::Status CheckChain(std::string_view signed_chain_id, std::string_view signed_genesis_hash,
                        std::string_view chain_id, const Hash32& genesis_hash);

// CheckTransfer without the signature check, for transfers whose signatures a
// quorum of validators already checked (blocks certified by a QC).
absl::Status CheckTransferFields(const v1::SignedTransfer& signed_transfer,
                                 std::string_view chain_id, const Hash32& genesis_hash);

}  // namespace remit
