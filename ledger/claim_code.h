// Claim codes (docs/CLAIMS.md). A claim holds funds for whoever knows its
// secret code. The ledger never sees the code: CreateClaim carries the public
// key derived from it (the claim key), and Claim carries the claim key's
// signature over the genesis hash, the claim id and the claimant, so a claim
// seen on its way to a validator (by a peer, or a Byzantine validator) can
// pay nobody but the claimant it names. A code that leaks before it is used
// can still be used by whoever holds it, like any bearer secret.
//
//   claim_seed  = BLAKE2b-256("remit-claim-key-v1" || code)
//   claim_key   = Ed25519 public key of claim_seed (RFC 8032)
//   proof_bytes = "remit-claim-proof-v1" || genesis_hash[32] || claim_id[32] || claimant[32]
//   proof       = Ed25519(claim_seed, proof_bytes)
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/types.h"

namespace remit {

// A code carries at least 128 bits; at most 64 bytes.
inline constexpr size_t kClaimCodeBytesMin = 16;
inline constexpr size_t kClaimCodeBytesMax = 64;

// INVALID_ARGUMENT for a code outside kClaimCodeBytesMin..Max bytes.
absl::StatusOr<SigningKey> ClaimKeyFromCode(std::string_view code);

// Preconditions (checked): 32-byte genesis hash, claim id and claimant.
std::string ClaimProofBytes(std::string_view genesis_hash, std::string_view claim_id,
                            std::string_view claimant);
Signature SignClaimProof(const SigningKey& claim_key, const Hash32& genesis_hash,
                         const Hash32& claim_id, const AccountId& claimant);
// False for any field of the wrong size, or a proof that does not verify.
bool VerifyClaimProof(std::string_view claim_key, std::string_view genesis_hash,
                      std::string_view claim_id, std::string_view claimant, std::string_view proof);

}  // namespace remit
