#include "ledger/address.h"

#include <cctype>

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/strings.h"

namespace remit {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kChecksumDomain = "remit-address-v1";
constexpr size_t kChecksumBytes = 4;
constexpr size_t kPayloadBytes = kPublicKeyBytes + kChecksumBytes;

std::array<uint8_t, kChecksumBytes> Checksum(const AccountId& account) {
  Blake2bHasher hasher;
  hasher.Update(kChecksumDomain);
  hasher.Update(AsBytes(account));
  const Hash32 digest = hasher.Finish();
  std::array<uint8_t, kChecksumBytes> out;
  std::copy_n(digest.begin(), kChecksumBytes, out.begin());
  return out;
}

}  // namespace

std::string EncodeAddress(const AccountId& account) {
  std::array<uint8_t, kPayloadBytes> payload;
  std::copy(account.begin(), account.end(), payload.begin());
  const auto checksum = Checksum(account);
  std::copy(checksum.begin(), checksum.end(), payload.begin() + kPublicKeyBytes);

  std::string out(kAddressPrefix);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t byte : payload) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  REMIT_CHECK(out.size() == kAddressLength);
  return out;
}

absl::StatusOr<AccountId> DecodeAddress(std::string_view text) {
  if (text.size() != kAddressLength) {
    return absl::InvalidArgumentError(StrCat("address must be ", kAddressLength,
                                             " characters starting with ", kAddressPrefix, ", got ",
                                             text.size()));
  }
  bool has_lower = false;
  bool has_upper = false;
  for (char c : text) {
    has_lower = has_lower || std::islower(static_cast<unsigned char>(c));
    has_upper = has_upper || std::isupper(static_cast<unsigned char>(c));
  }
  if (has_lower && has_upper)
    return absl::InvalidArgumentError("address mixes upper and lower case");
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!std::string_view(lower).starts_with(kAddressPrefix)) {
    return absl::InvalidArgumentError(StrCat("address must start with ", kAddressPrefix));
  }

  std::array<uint8_t, kPayloadBytes> payload;
  size_t written = 0;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : std::string_view(lower).substr(kAddressPrefix.size())) {
    const size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) {
      return absl::InvalidArgumentError(
          StrCat("address has an invalid character '", std::string(1, c), "'"));
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      payload[written++] = static_cast<uint8_t>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  REMIT_CHECK(written == kPayloadBytes);
  if ((buffer & ((1u << bits) - 1)) != 0) {
    return absl::InvalidArgumentError("address checksum does not match: check for a typo");
  }
  AccountId account;
  std::copy_n(payload.begin(), kPublicKeyBytes, account.begin());
  const auto checksum = Checksum(account);
  if (!std::equal(checksum.begin(), checksum.end(), payload.begin() + kPublicKeyBytes)) {
    return absl::InvalidArgumentError("address checksum does not match: check for a typo");
  }
  return account;
}

}  // namespace remit
