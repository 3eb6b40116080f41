#include "ledger/claim_code.h"

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {
constexpr std::string_view kClaimKeyDomain = "remit-claim-key-v1";
constexpr std::string_view kClaimProofDomain = "remit-claim-proof-v1";
}  // namespace

absl::StatusOr<SigningKey> ClaimKeyFromCode(std::string_view code) {
  if (code.size() < kClaimCodeBytesMin || code.size() > kClaimCodeBytesMax) {
    return absl::InvalidArgumentError(StrCat("a claim code is ", kClaimCodeBytesMin, " to ",
                                             kClaimCodeBytesMax, " bytes, not ", code.size()));
  }
  std::string preimage(kClaimKeyDomain);
  preimage.append(code);
  const Hash32 seed = Blake2b256(preimage);
  sodium_memzero(preimage.data(), preimage.size());
  return SigningKey::FromSeed(seed);
}

std::string ClaimProofBytes(std::string_view genesis_hash, std::string_view claim_id,
                            std::string_view claimant) {
  REMIT_CHECK(genesis_hash.size() == kHashBytes);
  REMIT_CHECK(claim_id.size() == kHashBytes);
  REMIT_CHECK(claimant.size() == kPublicKeyBytes);
  std::string bytes(kClaimProofDomain);
  bytes.append(genesis_hash);
  bytes.append(claim_id);
  bytes.append(claimant);
  return bytes;
}

Signature SignClaimProof(const SigningKey& claim_key, const Hash32& genesis_hash,
                         const Hash32& claim_id, const AccountId& claimant) {
  return claim_key.Sign(
      ClaimProofBytes(AsBytes(genesis_hash), AsBytes(claim_id), AsBytes(claimant)));
}

bool VerifyClaimProof(std::string_view claim_key, std::string_view genesis_hash,
                      std::string_view claim_id, std::string_view claimant,
                      std::string_view proof) {
  const absl::StatusOr<AccountId> key = ToArray<kPublicKeyBytes>(claim_key, "claim key");
  const absl::StatusOr<Signature> signature = ToArray<kSignatureBytes>(proof, "proof");
  if (!key.ok() || !signature.ok() || genesis_hash.size() != kHashBytes ||
      claim_id.size() != kHashBytes || claimant.size() != kPublicKeyBytes) {
    return false;
  }
  return VerifySignature(*key, ClaimProofBytes(genesis_hash, claim_id, claimant), *signature);
}

}  // namespace remit
