// Creating a new testnet directory: keys, genesis, node configs, manifest
// (layout in manifest.h).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "client/testnet/manifest.h"
#include "client/testnet/market.h"

namespace remit::testnet {

// Every testnet asset has 2 decimals and this per-transfer limit (1,000,000.00).
inline constexpr uint64_t kTestnetTransferMaxMinor = 100'000'000;
inline constexpr uint32_t kTestnetAssetDecimals = 2;
// The first round timeout its validators use (remitd's default allows for
// wide-area links).
inline constexpr int64_t kTestnetRoundTimeoutMs = 250;

struct CreateOptions {
  uint32_t nodes = 1;  // 1..kTestnetNodesMax
  uint32_t base_port = kBasePortDefault;
  uint64_t genesis_time_unix_ms = 0;
  std::string log_level = "info";
  // Chaos tests: each node reads per-peer drop rules from NodeFaultPath
  // (node/peer_faults.h).
  bool fault_injection = false;
  // Both APIs over TLS only, with a CA and node certificates made by
  // openssl (tls_files.h).
  bool tls = false;
  // The market maker, its rates file and the basket (market.h).
  MarketOptions market = {};
};

// The asset codes every testnet has, issued by the faucet account.
const std::vector<std::string>& TestnetAssetCodes();

// Creates the testnet in `dir` (an absolute path to a directory that is
// missing or holds nothing but the lock file) and returns its manifest.
// INVALID_ARGUMENT for a node count or port range out of bounds;
// ALREADY_EXISTS if `dir` holds other files; INTERNAL if a file cannot be
// written; NOT_FOUND if TLS is asked for and openssl is missing. The manifest is written last: a
// directory without it is not a testnet.
absl::StatusOr<TestnetManifest> CreateTestnet(const std::string& dir, const CreateOptions& options);

}  // namespace remit::testnet
