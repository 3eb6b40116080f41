// Fuzzes account addresses (ledger/address.h): every rmt1 text a user pastes
// into the CLI, the chat bot or a genesis file goes through DecodeAddress.
// Proves for every input:
//   - DecodeAddress never crashes; refusals are INVALID_ARGUMENT;
//   - a decoded address re-encodes to the same text (in lower case): no two
//     texts name one account, so an address cannot be smuggled past a
//     comparison in another spelling;
//   - any 32 bytes encode to a 62-character rmt1 address that decodes back.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ledger/address.h"
#include "ledger/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<remit::AccountId> decoded = remit::DecodeAddress(text);
  if (decoded.ok()) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    REMIT_CHECK(remit::EncodeAddress(*decoded) == lower);
  } else {
    REMIT_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
  }

  remit::AccountId account{};
  if (size > 0) std::memcpy(account.data(), data, std::min(size, account.size()));
  const std::string encoded = remit::EncodeAddress(account);
  REMIT_CHECK(encoded.size() == remit::kAddressLength);
  REMIT_CHECK(encoded.starts_with(remit::kAddressPrefix));
  const absl::StatusOr<remit::AccountId> again = remit::DecodeAddress(encoded);
  REMIT_CHECK(again.ok());
  REMIT_CHECK(*again == account);
  return 0;
}
