#include "client/testnet/market.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::testnet {
namespace {

// 1.00 USD = N units of each, at mid.
constexpr std::pair<const char*, const char*> kDefaultRates[] = {
    {"EUR", "0.92"}, {"PHP", "58.25"}, {"MXN", "17.10"}, {"KES", "129.50"}, {"INR", "83.30"}};

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read the rates file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The maker's table from the file's text.
absl::StatusOr<MarketMaker> ParseRates(const std::string& text, const std::string& path,
                                       const Genesis& genesis) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(
        StrCat(path, ": ", error.description(), " at line ", error.source().begin.line));
  }
  MarketMaker maker;
  maker.base_asset = table["base"].value_or(std::string("USD"));
  const AssetInfo* base = genesis.FindAsset(maker.base_asset);
  if (base == nullptr)
    return absl::InvalidArgumentError(
        StrCat(path, ": base '", maker.base_asset, "' is not a testnet asset"));
  const int64_t spread = table["spread_bps"].value_or(int64_t{kTestnetSpreadBpsDefault});
  if (spread < 0 || spread > 5000) {
    return absl::InvalidArgumentError(StrCat(path, ": spread_bps must be 0..5000"));
  }
  maker.spread_bps = static_cast<uint32_t>(spread);
  const toml::table* rates = table["rates"].as_table();
  if (rates == nullptr || rates->empty()) {
    return absl::InvalidArgumentError(
        StrCat(path, ": needs a [rates] table, e.g. PHP = \"58.25\""));
  }
  for (const auto& [key, value] : *rates) {
    const std::string code(key.str());
    const AssetInfo* asset = genesis.FindAsset(code);
    const std::optional<std::string> rate = value.value<std::string>();
    if (asset == nullptr || code == maker.base_asset) {
      return absl::InvalidArgumentError(StrCat(
          path, ": rate for '", code, "', which is not a testnet asset other than the base"));
    }
    absl::StatusOr<uint64_t> asset_minor =
        rate ? ParseAmount(*rate, asset->decimals) : absl::InvalidArgumentError("not a string");
    if (!asset_minor.ok() || *asset_minor == 0) {
      return absl::InvalidArgumentError(
          StrCat(path, ": rate for ", code, " must be a quoted positive decimal, like \"58.25\""));
    }
    // base_minor minor units of the base (1.00) are worth asset_minor of the asset.
    uint64_t base_minor = 1;
    for (uint32_t i = 0; i < base->decimals; ++i) base_minor *= 10;
    maker.rates.push_back(
        MidRate{.asset = code, .base_minor = base_minor, .asset_minor = *asset_minor});
  }
  return maker;
}

}  // namespace

std::string RatesPath(const std::string& dir) { return StrCat(dir, "/rates.toml"); }

std::string DefaultRatesText(uint32_t spread_bps) {
  std::string text =
      "# Mid rates of this testnet's market maker (the faucet), written by\n"
      "# 'remit testnet up' and read back to make genesis (docs/FX.md).\n"
      "# base: the hub asset every rate is against.\n"
      "# spread_bps: the gap between the maker's buy and sell prices, in 1/10000.\n"
      "# [rates]: how many units of each asset 1.00 of the base buys at mid.\n";
  text += StrCat("base = \"USD\"\nspread_bps = ", spread_bps, "\n\n[rates]\n");
  for (const auto& [code, rate] : kDefaultRates) text += StrCat(code, " = \"", rate, "\"\n");
  return text;
}

absl::Status AddMarket(const std::string& dir, const MarketOptions& options,
                       const AccountId& maker_account, Genesis& genesis) {
  if (!options.enabled) return absl::OkStatus();
  std::string text = DefaultRatesText(options.spread_bps.value_or(kTestnetSpreadBpsDefault));
  std::string source = "the default rates";
  if (!options.rates_file.empty()) {
    ASSIGN_OR_RETURN(text, ReadText(options.rates_file));
    source = options.rates_file;
  }
  ASSIGN_OR_RETURN(MarketMaker maker, ParseRates(text, source, genesis));
  if (options.spread_bps.has_value()) maker.spread_bps = *options.spread_bps;
  if (maker.spread_bps > 5000) return absl::InvalidArgumentError("--spread-bps must be 0..5000");
  maker.account = maker_account;
  maker.depth_base_minor = kTestnetMakerDepthMinor;
  {
    std::ofstream out(RatesPath(dir), std::ios::trunc);
    out << text;
    if (!options.rates_file.empty() && options.spread_bps.has_value()) {
      out << "# --spread-bps " << *options.spread_bps << " replaced the spread_bps above.\n";
    }
    out.flush();
    if (!out) return absl::InternalError(StrCat("cannot write ", RatesPath(dir)));
  }
  genesis.hub_asset = maker.base_asset;
  genesis.market_maker = std::move(maker);
  BasketInfo basket;
  basket.asset = AssetInfo{.code = kTestnetBasketCode,
                           .decimals = genesis.assets.front().decimals,
                           .issuer = AccountId{},
                           .transfer_max_minor = genesis.assets.front().transfer_max_minor,
                           .has_issuer = false};
  for (const char* code : {"USD", "EUR"}) {
    if (genesis.FindAsset(code) != nullptr) basket.components.push_back({code, 1});
  }
  if (!basket.components.empty()) genesis.basket = std::move(basket);
  return absl::OkStatus();
}

}  // namespace remit::testnet
