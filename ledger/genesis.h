// Genesis: the chain id, assets, initial balances and validator set that a
// chain starts from. Kept as JSON (`genesis.json`):
//
//   {"chain_id": "remit-local", "genesis_time_unix_ms": 0,
//    "assets": [{"code": "USD", "decimals": 2, "issuer": "rmt1...",
//                "transfer_max_minor": 100000000}],
//    "balances": [{"account": "rmt1...", "asset": "USD", "amount_minor": 0}],
//    "validators": [{"public_key": "rmt1...", "endpoint": "127.0.0.1:7100"}],
//    "leader_exclude_rounds": 4, "leader_window_rounds": 1000}
//
// The leader election keys are optional (defaults below); a key at its
// default is left out of the canonical JSON, so it does not change the hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/types.h"

namespace remit {

inline constexpr size_t kGenesisAssetsMax = 256;
inline constexpr size_t kGenesisValidatorsMax = 64;
// Leader election (docs/CONSENSUS.md): the leader of round r depends on
// committed history up to round r - exclude_rounds; a failure counts for
// window_rounds rounds.
inline constexpr uint64_t kLeaderExcludeRoundsDefault = 4;
inline constexpr uint64_t kLeaderExcludeRoundsMax = 1'000;
inline constexpr uint64_t kLeaderWindowRoundsDefault = 1'000;
inline constexpr uint64_t kLeaderWindowRoundsMax = 100'000;

struct AssetInfo {
  std::string code;
  uint32_t decimals = 2;
  // The only account allowed a negative balance in this asset: its negative
  // balance is the asset's outstanding supply. It also receives fees.
  AccountId issuer{};
  // Largest amount one transfer may carry; LIMIT_EXCEEDED above it.
  uint64_t transfer_max_minor = 0;
};

struct GenesisBalance {
  AccountId account{};
  std::string asset;
  int64_t amount_minor = 0;
};

struct ValidatorInfo {
  AccountId public_key{};
  std::string endpoint;  // host:port of its gRPC services
};

struct Genesis {
  std::string chain_id;
  uint64_t genesis_time_unix_ms = 0;
  std::vector<AssetInfo> assets;
  std::vector<GenesisBalance> balances;
  std::vector<ValidatorInfo> validators;
  uint64_t leader_exclude_rounds = kLeaderExcludeRoundsDefault;  // 1..kLeaderExcludeRoundsMax
  uint64_t leader_window_rounds = kLeaderWindowRoundsDefault;    // 1..kLeaderWindowRoundsMax

  // nullptr if the chain has no such asset.
  const AssetInfo* FindAsset(std::string_view code) const;
  // Index in `validators`, or -1.
  int ValidatorIndex(const AccountId& public_key) const;
};

// INVALID_ARGUMENT naming the offending field for malformed JSON or a genesis
// that fails ValidateGenesis.
absl::StatusOr<Genesis> ParseGenesis(std::string_view json);
std::string GenesisToJson(const Genesis& genesis);

// Unique valid asset codes, decimals <= 18, transfer_max_minor > 0, balances
// only in known assets, only issuers negative, every asset summing to zero,
// 1..64 validators with distinct keys, leader election keys in range.
absl::Status ValidateGenesis(const Genesis& genesis);

// BLAKE2b-256 of the canonical JSON (sorted keys, no spaces).
Hash32 GenesisHash(const Genesis& genesis);

}  // namespace remit
