#include "ledger/genesis.h"

#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <type_traits>

#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/genesis_fx.h"
#include "ledger/genesis_json.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit {

using nlohmann::json;
__extension__ typedef unsigned __int128 Uint128;

const AssetInfo* Genesis::FindAsset(std::string_view code) const {
  for (const AssetInfo& asset : assets) {
    if (asset.code == code) return &asset;
  }
  if (basket && basket->asset.code == code) return &basket->asset;
  return nullptr;
}

bool MayGoNegative(const AssetInfo& asset, const AccountId& account) {
  return asset.has_issuer && account == asset.issuer;
}

BasketState EmptyBasket(const BasketInfo& basket) {
  BasketState state;
  state.reserve_minor.assign(basket.components.size(), 0);
  return state;
}

bool BasketReserveMatches(const BasketInfo& basket, const BasketState& state) {
  if (state.reserve_minor.size() != basket.components.size()) return false;
  for (size_t i = 0; i < basket.components.size(); ++i) {
    const Uint128 expected =
        static_cast<Uint128>(state.outstanding_minor) * basket.components[i].weight_minor;
    if (state.reserve_minor[i] != expected) return false;
  }
  return true;
}

int Genesis::ValidatorIndex(const AccountId& public_key) const {
  for (size_t i = 0; i < validators.size(); ++i) {
    if (validators[i].public_key == public_key) return static_cast<int>(i);
  }
  return -1;
}

namespace {

using genesis_json::AccountField;
using genesis_json::ArrayField;
using genesis_json::Field;
using genesis_json::Invalid;

absl::StatusOr<AssetInfo> ParseAsset(const json& object) {
  AssetInfo asset;
  ASSIGN_OR_RETURN(asset.code, Field<std::string>(object, "code", "asset"));
  ASSIGN_OR_RETURN(asset.decimals, Field<uint32_t>(object, "decimals", asset.code));
  ASSIGN_OR_RETURN(asset.issuer, AccountField(object, "issuer", asset.code));
  ASSIGN_OR_RETURN(asset.transfer_max_minor,
                   Field<uint64_t>(object, "transfer_max_minor", asset.code));
  return asset;
}

absl::StatusOr<GenesisBalance> ParseBalance(const json& object) {
  GenesisBalance balance;
  ASSIGN_OR_RETURN(balance.account, AccountField(object, "account", "balance"));
  ASSIGN_OR_RETURN(balance.asset, Field<std::string>(object, "asset", "balance"));
  ASSIGN_OR_RETURN(balance.amount_minor, Field<int64_t>(object, "amount_minor", "balance"));
  return balance;
}

absl::StatusOr<ValidatorInfo> ParseValidator(const json& object) {
  ValidatorInfo validator;
  ASSIGN_OR_RETURN(validator.public_key, AccountField(object, "public_key", "validator"));
  ASSIGN_OR_RETURN(validator.endpoint, Field<std::string>(object, "endpoint", "validator"));
  return validator;
}

json ToJson(const Genesis& genesis) {
  json assets = json::array();
  for (const AssetInfo& asset : genesis.assets) {
    assets.push_back({{"code", asset.code},
                      {"decimals", asset.decimals},
                      {"issuer", EncodeAddress(asset.issuer)},
                      {"transfer_max_minor", asset.transfer_max_minor}});
  }
  json balances = json::array();
  for (const GenesisBalance& balance : genesis.balances) {
    balances.push_back({{"account", EncodeAddress(balance.account)},
                        {"asset", balance.asset},
                        {"amount_minor", balance.amount_minor}});
  }
  json validators = json::array();
  for (const ValidatorInfo& validator : genesis.validators) {
    validators.push_back(
        {{"public_key", EncodeAddress(validator.public_key)}, {"endpoint", validator.endpoint}});
  }
  json root = {{"chain_id", genesis.chain_id},
               {"genesis_time_unix_ms", genesis.genesis_time_unix_ms},
               {"assets", assets},
               {"balances", balances},
               {"validators", validators}};
  // Optional keys appear only off their defaults: older genesis files keep their hash.
  if (genesis.leader_exclude_rounds != kLeaderExcludeRoundsDefault) {
    root["leader_exclude_rounds"] = genesis.leader_exclude_rounds;
  }
  if (genesis.leader_window_rounds != kLeaderWindowRoundsDefault) {
    root["leader_window_rounds"] = genesis.leader_window_rounds;
  }
  genesis_fx::AddToJson(genesis, root);
  return root;
}

}  // namespace

absl::StatusOr<Genesis> ParseGenesis(std::string_view text) {
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return Invalid("not a JSON object");
  Genesis genesis;
  ASSIGN_OR_RETURN(genesis.chain_id, Field<std::string>(root, "chain_id", "genesis"));
  ASSIGN_OR_RETURN(genesis.genesis_time_unix_ms,
                   Field<uint64_t>(root, "genesis_time_unix_ms", "genesis"));
  ASSIGN_OR_RETURN(const json assets, ArrayField(root, "assets", "genesis"));
  ASSIGN_OR_RETURN(const json balances, ArrayField(root, "balances", "genesis"));
  ASSIGN_OR_RETURN(const json validators, ArrayField(root, "validators", "genesis"));
  if (assets.size() > kGenesisAssetsMax) return Invalid("too many assets");
  if (validators.size() > kGenesisValidatorsMax) return Invalid("too many validators");
  for (const json& item : assets) {
    ASSIGN_OR_RETURN(AssetInfo asset, ParseAsset(item));
    genesis.assets.push_back(std::move(asset));
  }
  for (const json& item : balances) {
    ASSIGN_OR_RETURN(GenesisBalance balance, ParseBalance(item));
    genesis.balances.push_back(std::move(balance));
  }
  for (const json& item : validators) {
    ASSIGN_OR_RETURN(ValidatorInfo validator, ParseValidator(item));
    genesis.validators.push_back(std::move(validator));
  }
  if (root.contains("leader_exclude_rounds")) {
    ASSIGN_OR_RETURN(genesis.leader_exclude_rounds,
                     Field<uint64_t>(root, "leader_exclude_rounds", "genesis"));
  }
  if (root.contains("leader_window_rounds")) {
    ASSIGN_OR_RETURN(genesis.leader_window_rounds,
                     Field<uint64_t>(root, "leader_window_rounds", "genesis"));
  }
  RETURN_IF_ERROR(genesis_fx::Parse(root, genesis));
  RETURN_IF_ERROR(ValidateGenesis(genesis));
  return genesis;
}

std::string GenesisToJson(const Genesis& genesis) { return ToJson(genesis).dump(2) + "\n"; }

absl::Status ValidateGenesis(const Genesis& genesis) {
  if (genesis.chain_id.empty() || genesis.chain_id.size() > kChainIdBytesMax) {
    return Invalid("chain_id must be 1 to 32 bytes");
  }
  std::set<std::string> codes;
  for (const AssetInfo& asset : genesis.assets) {
    if (!IsValidAssetCode(asset.code)) return Invalid(StrCat("bad asset code '", asset.code, "'"));
    if (!codes.insert(asset.code).second) return Invalid(StrCat("asset ", asset.code, " twice"));
    if (asset.decimals > kAssetDecimalsMax)
      return Invalid(StrCat(asset.code, ": decimals above 18"));
    if (asset.transfer_max_minor == 0 || asset.transfer_max_minor > kAmountMinorMax) {
      return Invalid(StrCat(asset.code, ": transfer_max_minor must be in 1..2^63-1"));
    }
  }
  std::map<std::string, int64_t> sums;
  std::set<std::pair<AccountId, std::string>> seen;
  for (const GenesisBalance& balance : genesis.balances) {
    const AssetInfo* asset = genesis.FindAsset(balance.asset);
    if (asset == nullptr) return Invalid(StrCat("balance in unknown asset ", balance.asset));
    if (!seen.insert({balance.account, balance.asset}).second) {
      return Invalid(StrCat("two balances for one account in ", balance.asset));
    }
    if (balance.amount_minor < 0 && !MayGoNegative(*asset, balance.account)) {
      return Invalid(StrCat("only the issuer of ", balance.asset, " may start negative"));
    }
    const auto sum = CheckedAdd(sums[balance.asset], balance.amount_minor);
    if (!sum) return Invalid(StrCat("balances of ", balance.asset, " overflow"));
    sums[balance.asset] = *sum;
  }
  for (const auto& [code, sum] : sums) {
    if (sum != 0) return Invalid(StrCat("balances of ", code, " sum to ", sum, ", not 0"));
  }
  if (genesis.validators.empty()) return Invalid("needs at least one validator");
  std::set<AccountId> keys;
  for (const ValidatorInfo& validator : genesis.validators) {
    if (!keys.insert(validator.public_key).second) return Invalid("a validator key appears twice");
    if (validator.endpoint.empty()) return Invalid("a validator has no endpoint");
  }
  if (genesis.leader_exclude_rounds < 1 ||
      genesis.leader_exclude_rounds > kLeaderExcludeRoundsMax) {
    return Invalid(StrCat("leader_exclude_rounds must be 1 to ", kLeaderExcludeRoundsMax));
  }
  if (genesis.leader_window_rounds < 1 || genesis.leader_window_rounds > kLeaderWindowRoundsMax) {
    return Invalid(StrCat("leader_window_rounds must be 1 to ", kLeaderWindowRoundsMax));
  }
  return genesis_fx::Validate(genesis);
}

Hash32 GenesisHash(const Genesis& genesis) { return Blake2b256(ToJson(genesis).dump()); }

}  // namespace remit
