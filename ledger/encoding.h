// Big-endian fixed-width encoding for the canonical byte strings that are
// signed, hashed and stored. Appends to a std::string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/check.h"

namespace remit {

inline void PutU8(std::string& out, uint8_t value) { out.push_back(static_cast<char>(value)); }

inline void PutU16(std::string& out, uint16_t value) {
  PutU8(out, static_cast<uint8_t>(value >> 8));
  PutU8(out, static_cast<uint8_t>(value));
}

inline void PutU32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) PutU8(out, static_cast<uint8_t>(value >> shift));
}

inline void PutU64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) PutU8(out, static_cast<uint8_t>(value >> shift));
}

inline void PutI64(std::string& out, int64_t value) { PutU64(out, static_cast<uint64_t>(value)); }

// u8 length prefix; the caller guarantees the length fits.
inline void PutShortBytes(std::string& out, std::string_view bytes) {
  REMIT_CHECK(bytes.size() <= UINT8_MAX);
  PutU8(out, static_cast<uint8_t>(bytes.size()));
  out.append(bytes);
}

inline uint64_t GetU64(std::string_view in) {
  REMIT_CHECK(in.size() >= 8);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  return value;
}

inline uint32_t GetU32(std::string_view in) {
  REMIT_CHECK(in.size() >= 4);
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  return value;
}

}  // namespace remit
