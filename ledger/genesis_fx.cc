#include "ledger/genesis_fx.h"

#include <map>
#include <set>

#include "ledger/amount.h"
#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/genesis_json.h"
#include "ledger/transfer.h"

namespace remit {
namespace genesis_fx {
namespace {

using genesis_json::AccountField;
using genesis_json::ArrayField;
using genesis_json::Field;
using genesis_json::Invalid;
using nlohmann::json;
__extension__ typedef unsigned __int128 Uint128;
__extension__ typedef __int128 Int128;

constexpr uint64_t kBpsDenominator = 10000;

absl::StatusOr<BasketInfo> ParseBasket(const json& object) {
  BasketInfo basket;
  AssetInfo& asset = basket.asset;
  ASSIGN_OR_RETURN(asset.code, Field<std::string>(object, "code", "basket"));
  ASSIGN_OR_RETURN(asset.decimals, Field<uint32_t>(object, "decimals", "basket"));
  ASSIGN_OR_RETURN(asset.transfer_max_minor,
                   Field<uint64_t>(object, "transfer_max_minor", "basket"));
  asset.has_issuer = false;
  asset.issuer = AccountId{};
  ASSIGN_OR_RETURN(const json components, ArrayField(object, "components", "basket"));
  if (components.size() > kBasketComponentsMax) return Invalid("basket has too many components");
  for (const json& item : components) {
    BasketComponent component;
    ASSIGN_OR_RETURN(component.asset, Field<std::string>(item, "asset", "basket component"));
    ASSIGN_OR_RETURN(component.weight_minor,
                     Field<uint64_t>(item, "weight_minor", "basket component"));
    basket.components.push_back(std::move(component));
  }
  return basket;
}

absl::StatusOr<MarketMaker> ParseMarketMaker(const json& object) {
  MarketMaker maker;
  ASSIGN_OR_RETURN(maker.account, AccountField(object, "account", "market_maker"));
  ASSIGN_OR_RETURN(maker.base_asset, Field<std::string>(object, "base_asset", "market_maker"));
  ASSIGN_OR_RETURN(maker.spread_bps, Field<uint32_t>(object, "spread_bps", "market_maker"));
  ASSIGN_OR_RETURN(maker.depth_base_minor,
                   Field<uint64_t>(object, "depth_base_minor", "market_maker"));
  ASSIGN_OR_RETURN(const json rates, ArrayField(object, "rates", "market_maker"));
  if (rates.size() > kMarketMakerRatesMax) return Invalid("market_maker has too many rates");
  for (const json& item : rates) {
    MidRate rate;
    ASSIGN_OR_RETURN(rate.asset, Field<std::string>(item, "asset", "market_maker rate"));
    ASSIGN_OR_RETURN(rate.base_minor, Field<uint64_t>(item, "base_minor", rate.asset));
    ASSIGN_OR_RETURN(rate.asset_minor, Field<uint64_t>(item, "asset_minor", rate.asset));
    maker.rates.push_back(std::move(rate));
  }
  return maker;
}

// An asset listed in "assets" (not the basket).
bool IsListedAsset(const Genesis& genesis, std::string_view code) {
  for (const AssetInfo& asset : genesis.assets) {
    if (asset.code == code) return true;
  }
  return false;
}

absl::Status ValidateBasket(const Genesis& genesis) {
  const BasketInfo& basket = *genesis.basket;
  const AssetInfo& asset = basket.asset;
  if (!IsValidAssetCode(asset.code)) return Invalid(StrCat("bad basket code '", asset.code, "'"));
  if (IsListedAsset(genesis, asset.code)) {
    return Invalid(StrCat("basket code ", asset.code, " is also an asset"));
  }
  if (asset.decimals > kAssetDecimalsMax) return Invalid("basket: decimals above 18");
  if (asset.transfer_max_minor == 0 || asset.transfer_max_minor > kAmountMinorMax) {
    return Invalid("basket: transfer_max_minor must be in 1..2^63-1");
  }
  if (basket.components.empty()) return Invalid("basket needs at least one component");
  std::set<std::string> seen;
  for (const BasketComponent& component : basket.components) {
    if (!IsListedAsset(genesis, component.asset)) {
      return Invalid(StrCat("basket component ", component.asset, " is not an asset"));
    }
    if (!seen.insert(component.asset).second) {
      return Invalid(StrCat("basket component ", component.asset, " twice"));
    }
    if (component.weight_minor == 0 || component.weight_minor > kAmountMinorMax) {
      return Invalid(StrCat("basket weight of ", component.asset, " must be in 1..2^63-1"));
    }
  }
  for (const GenesisBalance& balance : genesis.balances) {
    if (balance.asset == asset.code) {
      return Invalid(StrCat("no genesis balance may be in the basket ", asset.code,
                            "; its units exist only by mint"));
    }
  }
  return absl::OkStatus();
}

// What the maker's offers hold, per asset.
std::map<std::string, Uint128> MakerHolds(const Genesis& genesis) {
  std::map<std::string, Uint128> holds;
  for (const v1::Offer& offer : GenesisOffers(genesis, Hash32{})) {
    holds[offer.sell_asset()] += offer.amount_minor();
  }
  return holds;
}

absl::Status ValidateRates(const MarketMaker& maker, const Genesis& genesis) {
  std::set<std::string> seen;
  for (const MidRate& rate : maker.rates) {
    if (!IsListedAsset(genesis, rate.asset) || rate.asset == maker.base_asset) {
      return Invalid(StrCat("market_maker rate for '", rate.asset,
                            "' must name an asset other than the base"));
    }
    if (!seen.insert(rate.asset).second) {
      return Invalid(StrCat("market_maker has two rates for ", rate.asset));
    }
    if (rate.base_minor == 0 || rate.asset_minor == 0 || rate.base_minor > kRateTermMax ||
        rate.asset_minor > kRateTermMax) {
      return Invalid(StrCat("market_maker rate for ", rate.asset, ": terms must be in 1..2^40"));
    }
    const Uint128 amount =
        static_cast<Uint128>(maker.depth_base_minor) * rate.asset_minor / rate.base_minor;
    if (amount == 0 || amount > kAmountMinorMax) {
      return Invalid(
          StrCat("market_maker depth in ", rate.asset, " must be 1..2^63-1 minor units"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateMarketMaker(const Genesis& genesis) {
  const MarketMaker& maker = *genesis.market_maker;
  if (!IsListedAsset(genesis, maker.base_asset)) {
    return Invalid(StrCat("market_maker base_asset '", maker.base_asset, "' is not an asset"));
  }
  if (maker.spread_bps > kSpreadBpsMax) return Invalid("market_maker spread_bps above 5000");
  if (maker.depth_base_minor == 0 || maker.depth_base_minor > kAmountMinorMax) {
    return Invalid("market_maker depth_base_minor must be in 1..2^63-1");
  }
  if (maker.rates.empty()) return Invalid("market_maker needs at least one rate");
  RETURN_IF_ERROR(ValidateRates(maker, genesis));
  for (const auto& [asset, held] : MakerHolds(genesis)) {
    const AssetInfo* info = genesis.FindAsset(asset);
    int64_t balance = 0;
    for (const GenesisBalance& entry : genesis.balances) {
      if (entry.account == maker.account && entry.asset == asset) balance = entry.amount_minor;
    }
    const Int128 after = static_cast<Int128>(balance) - static_cast<Int128>(held);
    if ((after < 0 && !MayGoNegative(*info, maker.account)) || after < INT64_MIN) {
      return Invalid(StrCat("market_maker offers hold ", static_cast<uint64_t>(held),
                            " minor units of ", asset, " but its genesis balance is ", balance));
    }
  }
  return absl::OkStatus();
}

// The price of an offer selling `sell_minor` units worth `buy_minor` at
// mid, raised by half the spread: buy per sell x (1 + spread / 2).
std::pair<uint64_t, uint64_t> MakerPrice(uint64_t buy_minor, uint64_t sell_minor,
                                         uint32_t spread_bps) {
  const uint64_t half_denominator = 2 * kBpsDenominator;
  return {buy_minor * (half_denominator + spread_bps), sell_minor * half_denominator};
}

v1::Offer MakerOffer(const MarketMaker& maker, const Hash32& genesis_hash, uint32_t position) {
  std::string preimage = "remit-genesis-offer-v1";
  preimage.append(AsBytes(genesis_hash));
  PutU32(preimage, position);
  v1::Offer offer;
  offer.set_offer_id(ToString(Blake2b256(preimage)));
  offer.set_owner(ToString(maker.account));
  offer.set_created_height(0);
  offer.set_created_position(position);
  return offer;
}

}  // namespace

absl::Status Parse(const json& root, Genesis& genesis) {
  if (root.contains("hub_asset")) {
    ASSIGN_OR_RETURN(genesis.hub_asset, Field<std::string>(root, "hub_asset", "genesis"));
    if (genesis.hub_asset.empty()) return Invalid("hub_asset is empty; omit it for no hub");
  }
  if (root.contains("basket")) {
    ASSIGN_OR_RETURN(genesis.basket, ParseBasket(root.at("basket")));
  }
  if (root.contains("market_maker")) {
    ASSIGN_OR_RETURN(genesis.market_maker, ParseMarketMaker(root.at("market_maker")));
  }
  return absl::OkStatus();
}

void AddToJson(const Genesis& genesis, json& root) {
  if (!genesis.hub_asset.empty()) root["hub_asset"] = genesis.hub_asset;
  if (genesis.basket) {
    json components = json::array();
    for (const BasketComponent& component : genesis.basket->components) {
      components.push_back({{"asset", component.asset}, {"weight_minor", component.weight_minor}});
    }
    const AssetInfo& asset = genesis.basket->asset;
    root["basket"] = {{"code", asset.code},
                      {"decimals", asset.decimals},
                      {"transfer_max_minor", asset.transfer_max_minor},
                      {"components", components}};
  }
  if (genesis.market_maker) {
    const MarketMaker& maker = *genesis.market_maker;
    json rates = json::array();
    for (const MidRate& rate : maker.rates) {
      rates.push_back({{"asset", rate.asset},
                       {"base_minor", rate.base_minor},
                       {"asset_minor", rate.asset_minor}});
    }
    root["market_maker"] = {{"account", EncodeAddress(maker.account)},
                            {"base_asset", maker.base_asset},
                            {"spread_bps", maker.spread_bps},
                            {"depth_base_minor", maker.depth_base_minor},
                            {"rates", rates}};
  }
}

absl::Status Validate(const Genesis& genesis) {
  if (!genesis.hub_asset.empty() && !IsListedAsset(genesis, genesis.hub_asset)) {
    return Invalid(StrCat("hub_asset '", genesis.hub_asset, "' is not an asset"));
  }
  if (genesis.basket) RETURN_IF_ERROR(ValidateBasket(genesis));
  if (genesis.market_maker) RETURN_IF_ERROR(ValidateMarketMaker(genesis));
  return absl::OkStatus();
}

}  // namespace genesis_fx

std::vector<v1::Offer> GenesisOffers(const Genesis& genesis, const Hash32& genesis_hash) {
  std::vector<v1::Offer> offers;
  if (!genesis.market_maker) return offers;
  const MarketMaker& maker = *genesis.market_maker;
  for (const MidRate& rate : maker.rates) {
    const uint32_t position = static_cast<uint32_t>(offers.size());
    // Sells the base asset for the rate's asset.
    v1::Offer& sell_base =
        offers.emplace_back(genesis_fx::MakerOffer(maker, genesis_hash, position));
    sell_base.set_sell_asset(maker.base_asset);
    sell_base.set_buy_asset(rate.asset);
    const auto [base_n, base_d] =
        genesis_fx::MakerPrice(rate.asset_minor, rate.base_minor, maker.spread_bps);
    sell_base.set_price_n(base_n);
    sell_base.set_price_d(base_d);
    sell_base.set_amount_minor(maker.depth_base_minor);
    // Sells the same value of the rate's asset for the base asset.
    v1::Offer& sell_asset =
        offers.emplace_back(genesis_fx::MakerOffer(maker, genesis_hash, position + 1));
    sell_asset.set_sell_asset(rate.asset);
    sell_asset.set_buy_asset(maker.base_asset);
    const auto [asset_n, asset_d] =
        genesis_fx::MakerPrice(rate.base_minor, rate.asset_minor, maker.spread_bps);
    sell_asset.set_price_n(asset_n);
    sell_asset.set_price_d(asset_d);
    sell_asset.set_amount_minor(
        static_cast<uint64_t>(static_cast<genesis_fx::Uint128>(maker.depth_base_minor) *
                              rate.asset_minor / rate.base_minor));
  }
  return offers;
}

}  // namespace remit
