// The text form of a claim code (docs/CLAIMS.md): what a sender passes on,
// in a chat message or on paper, so that the recipient can claim with it
// alone. It carries the secret and the claim's id (the claimant's `claim`
// names the id), and is prefixed and checksummed, so that a mistyped code is
// refused by the client before anything is signed.
//
//   text     = "rcc1" base32(secret[16] || claim_id[32] || checksum[2]) ; 84 characters
//   checksum = first 2 bytes of BLAKE2b-256("remit-claim-code-v1" || secret || claim_id)
//   base32   = RFC 4648 alphabet in lower case, no padding (400 bits: no spare bits)
//
// The claim code the ledger's claim key is derived from (ledger/claim_code.h)
// is the 16-byte secret, not the text. Whoever holds the text can claim.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/types.h"

namespace remit::sdk {

inline constexpr std::string_view kClaimCodePrefix = "rcc1";
inline constexpr size_t kClaimSecretBytes = 16;
inline constexpr size_t kClaimCodeTextLength = 84;

// 16 bytes from the system's randomness.
std::string NewClaimSecret();

struct ClaimCode {
  std::string secret;  // kClaimSecretBytes
  Hash32 claim_id{};
};
// Precondition (checked): a kClaimSecretBytes secret.
std::string EncodeClaimCode(const ClaimCode& code);
// INVALID_ARGUMENT, saying what is wrong, for a wrong prefix, length,
// character or checksum; upper or lower case (not mixed).
absl::StatusOr<ClaimCode> DecodeClaimCode(std::string_view text);

}  // namespace remit::sdk
