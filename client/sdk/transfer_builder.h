// Building and signing a transfer from what a user asks for: the chain id and
// asset rules come from genesis, the expiry from the current time plus a TTL.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit::sdk {

// How long a signed transfer stays valid by default: long enough to survive
// a validator restart, short enough that a forgotten one cannot pay much later.
inline constexpr uint64_t kTransferTtlMsDefault = 10 * 60 * 1000;
// Longest TTL the builder accepts: one week.
inline constexpr uint64_t kTransferTtlMsMax = 7 * 24 * 60 * 60 * 1000ull;

struct TransferRequest {
  AccountId to{};
  std::string asset = "";  // an asset code of the chain, e.g. "USD"
  uint64_t amount_minor = 0;
  std::string memo = "";
  uint64_t sequence = 0;  // the sender's next sequence (GetAccount)
  uint64_t ttl_ms = kTransferTtlMsDefault;
};

// Returns the transfer signed by `key`, expiring at now_unix_ms + ttl_ms,
// bound to the chain by `genesis_hash` (GenesisHash(genesis): compute it once
// per genesis, not per transfer, since it serialises the genesis).
// INVALID_ARGUMENT, naming the problem and what to do, when the asset is not
// in genesis, the amount is zero or above the asset's transfer_max_minor, the
// memo is longer than kMemoBytesMax or not UTF-8, the recipient is the sender,
// or ttl_ms is 0 or above kTransferTtlMsMax. Nothing is sent anywhere.
absl::StatusOr<v1::SignedTransfer> BuildTransfer(const SigningKey& key, const Genesis& genesis,
                                                 const Hash32& genesis_hash,
                                                 const TransferRequest& request,
                                                 uint64_t now_unix_ms);

}  // namespace remit::sdk
