#pragma once

#include <cstring>

#include "ledger/strings.h"

namespace remit {

template <size_t N>
absl::StatusOr<std::array<uint8_t, N>> ToArray(std::string_view bytes, std::string_view what) {
  if (bytes.size() != N) {
    return absl::InvalidArgumentError(StrCat(what, " must be ", N, " bytes, got ", bytes.size()));
  }
  std::array<uint8_t, N> out;
  std::memcpy(out.data(), bytes.data(), N);
  return out;
}

}  // namespace remit
