#include "client/sdk/claim_code_text.h"

#include <sodium.h>

#include <cctype>

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/strings.h"

namespace remit::sdk {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kChecksumDomain = "remit-claim-code-v1";
constexpr size_t kChecksumBytes = 2;

std::string Checksum(std::string_view secret, std::string_view claim_id) {
  Blake2bHasher hasher;
  hasher.Update(kChecksumDomain);
  hasher.Update(secret);
  hasher.Update(claim_id);
  const Hash32 digest = hasher.Finish();
  return std::string(reinterpret_cast<const char*>(digest.data()), kChecksumBytes);
}

}  // namespace

std::string NewClaimSecret() {
  InitCrypto();
  std::string secret(kClaimSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string EncodeClaimCode(const ClaimCode& code) {
  REMIT_CHECK(code.secret.size() == kClaimSecretBytes);
  const std::string claim_id = ToString(code.claim_id);
  REMIT_CHECK(claim_id.size() == kHashBytes);
  const std::string payload = StrCat(code.secret, claim_id, Checksum(code.secret, claim_id));
  std::string out(kClaimCodePrefix);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : payload) {
    buffer = (buffer << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  REMIT_CHECK(bits == 0);
  REMIT_CHECK(out.size() == kClaimCodeTextLength);
  return out;
}

absl::StatusOr<ClaimCode> DecodeClaimCode(std::string_view text) {
  if (text.size() != kClaimCodeTextLength) {
    return absl::InvalidArgumentError(StrCat("a claim code is ", kClaimCodeTextLength,
                                             " characters starting with ", kClaimCodePrefix,
                                             ", got ", text.size()));
  }
  std::string lower(text);
  bool has_lower = false;
  bool has_upper = false;
  for (char& c : lower) {
    has_lower = has_lower || std::islower(static_cast<unsigned char>(c));
    has_upper = has_upper || std::isupper(static_cast<unsigned char>(c));
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (has_lower && has_upper)
    return absl::InvalidArgumentError("claim code mixes upper and lower case");
  if (!std::string_view(lower).starts_with(kClaimCodePrefix)) {
    return absl::InvalidArgumentError(StrCat("a claim code starts with ", kClaimCodePrefix));
  }
  std::string payload;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : std::string_view(lower).substr(kClaimCodePrefix.size())) {
    const size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) {
      return absl::InvalidArgumentError(
          StrCat("claim code has an invalid character '", std::string(1, c), "'"));
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      payload.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  REMIT_CHECK(bits == 0);  // 80 characters are exactly 50 bytes
  REMIT_CHECK(payload.size() == kClaimSecretBytes + kHashBytes + kChecksumBytes);
  ClaimCode code;
  code.secret = payload.substr(0, kClaimSecretBytes);
  const std::string claim_id = payload.substr(kClaimSecretBytes, kHashBytes);
  if (payload.substr(kClaimSecretBytes + kHashBytes) != Checksum(code.secret, claim_id)) {
    return absl::InvalidArgumentError("claim code's checksum does not match: is it mistyped?");
  }
  ASSIGN_OR_RETURN(code.claim_id, ToArray<kHashBytes>(claim_id, "claim id"));
  return code;
}

}  // namespace remit::sdk
