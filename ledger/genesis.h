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
// And these optional keys (absent: none; docs/FX.md):
//
//    "hub_asset": "USD",
//    "basket": {"code": "RMX", "decimals": 2, "transfer_max_minor": 100000000,
//               "components": [{"asset": "USD", "weight_minor": 1}, ...]},
//    "market_maker": {"account": "rmt1...", "base_asset": "USD", "spread_bps": 100,
//                     "depth_base_minor": 100000000,
//                     "rates": [{"asset": "PHP", "base_minor": 100, "asset_minor": 5825}]}
//
// A genesis without them has the same canonical JSON, and so the same
// genesis hash, as before they existed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/state.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

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
inline constexpr size_t kBasketComponentsMax = 16;
inline constexpr size_t kMarketMakerRatesMax = 64;
// A mid rate's terms are at most 2^40, so prices with the spread fit u64.
inline constexpr uint64_t kRateTermMax = uint64_t{1} << 40;
inline constexpr uint32_t kSpreadBpsMax = 5000;

struct AssetInfo {
  std::string code;
  uint32_t decimals = 2;
  // The only account allowed a negative balance in this asset: its negative
  // balance is the asset's outstanding supply. It also receives fees.
  AccountId issuer{};
  // Largest amount one transfer may carry; LIMIT_EXCEEDED above it.
  uint64_t transfer_max_minor = 0;
  // False for the basket asset: its units exist only by mint, so no account
  // may go negative in it (its `issuer` is 32 zero bytes and receives fees).
  bool has_issuer = true;
};

// True if `account` may hold a negative balance of `asset`: its issuer.
bool MayGoNegative(const AssetInfo& asset, const AccountId& account);

// One component of the basket: minor units of `asset` per basket minor unit.
struct BasketComponent {
  std::string asset;
  uint64_t weight_minor = 0;
};

struct BasketInfo {
  AssetInfo asset;  // has_issuer false
  std::vector<BasketComponent> components;
};

// The basket before any mint: nothing outstanding, an empty reserve.
BasketState EmptyBasket(const BasketInfo& basket);
// The basket invariant: reserve_minor[i] == outstanding x weight of i.
bool BasketReserveMatches(const BasketInfo& basket, const BasketState& state);

// A mid rate: base_minor minor units of the base asset are worth
// asset_minor minor units of `asset`.
struct MidRate {
  std::string asset;
  uint64_t base_minor = 0;
  uint64_t asset_minor = 0;
};

// A market maker seeded in genesis (docs/FX.md): for each rate, an offer
// selling depth_base_minor of the base asset for the rate's asset and one
// selling the same value of the rate's asset for the base asset, each at
// the mid rate plus half the spread in the maker's favour. The maker's
// genesis balances must cover what the offers hold.
struct MarketMaker {
  AccountId account{};
  std::string base_asset;
  uint32_t spread_bps = 0;  // the gap between the two prices, in 1/10000
  uint64_t depth_base_minor = 0;
  std::vector<MidRate> rates;
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
  // Cross-currency paths may go through this asset (empty: direct only).
  std::string hub_asset;
  std::optional<BasketInfo> basket;
  std::optional<MarketMaker> market_maker;

  // nullptr if the chain has no such asset (the basket's is one).
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
// 1..64 validators with distinct keys, leader election keys in range; a hub
// that is an asset; a basket of 1..16 distinct assets with weights >= 1, a
// code of its own and no genesis balances; a market maker with 1..64
// distinct rates against its base asset, terms in 1..2^40, a spread of at
// most 5000 bps, and balances that cover its offers.
absl::Status ValidateGenesis(const Genesis& genesis);

// BLAKE2b-256 of the canonical JSON (sorted keys, no spaces).
Hash32 GenesisHash(const Genesis& genesis);

// The market maker's offers (none without one), at height 0 with positions
// 0, 1, 2, ... in rate order (base-selling offer first), ids
// BLAKE2b-256("remit-genesis-offer-v1" || genesis_hash || u32 position).
// Precondition: ValidateGenesis passed.
std::vector<v1::Offer> GenesisOffers(const Genesis& genesis, const Hash32& genesis_hash);

}  // namespace remit
