// The text form of an account id: short, prefixed and checksummed, so that a
// mistyped address is refused, never paid.
//
//   address  = "rmt1" base32(public_key || checksum)      ; 62 characters
//   checksum = first 4 bytes of BLAKE2b-256("remit-address-v1" || public_key)
//   base32   = RFC 4648 alphabet in lower case, no padding; the 2 spare bits
//              of the last character are zero
//
// Decoding accepts upper or lower case (not mixed) and refuses anything else.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/types.h"

namespace remit {

inline constexpr std::string_view kAddressPrefix = "rmt1";
inline constexpr size_t kAddressLength = 62;

std::string EncodeAddress(const AccountId& account);

// INVALID_ARGUMENT, saying what is wrong, for a wrong prefix, length,
// character or checksum.
absl::StatusOr<AccountId> DecodeAddress(std::string_view text);

}  // namespace remit
