// Fixed-size identifiers used across the ledger.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace remit {

inline constexpr size_t kHashBytes = 32;
inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

using Hash32 = std::array<uint8_t, kHashBytes>;
// An account is identified by its Ed25519 public key.
using AccountId = std::array<uint8_t, kPublicKeyBytes>;
using TransferId = Hash32;
using Signature = std::array<uint8_t, kSignatureBytes>;

// Lower-case hex of any byte string.
std::string ToHex(std::string_view bytes);
template <size_t N>
std::string ToHex(const std::array<uint8_t, N>& bytes) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), N));
}

// Parses exactly 2*N hex digits into N bytes.
absl::StatusOr<std::string> FromHex(std::string_view hex);

// Copies a byte string of exactly N bytes into an array; fails with
// INVALID_ARGUMENT naming `what` otherwise.
template <size_t N>
absl::StatusOr<std::array<uint8_t, N>> ToArray(std::string_view bytes, std::string_view what);

template <size_t N>
std::string_view AsBytes(const std::array<uint8_t, N>& bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), N);
}
template <size_t N>
std::string ToString(const std::array<uint8_t, N>& bytes) {
  return std::string(AsBytes(bytes));
}

}  // namespace remit

#include "ledger/types_inl.h"
