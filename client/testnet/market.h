// The market a new testnet starts with (docs/FX.md, "Market-maker genesis";
// client/README.md): the faucet, which issues every testnet asset, is also
// a market maker with offers between USD (the hub) and each other asset at
// the mid rates of DIR/rates.toml plus half the spread, and genesis defines
// the basket RMX (1.00 RMX = 1.00 USD + 1.00 EUR).
//
// DIR/rates.toml, written by `remit testnet up` (from --rates FILE, else the
// default table) and read back to make genesis, so what it says is what the
// chain holds:
//
//   base = "USD"        # the hub; every rate is against it
//   spread_bps = 100    # the gap between the maker's two prices
//   [rates]             # units of the asset that 1.00 USD buys at mid
//   EUR = "0.92"
//   PHP = "58.25"
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "ledger/genesis.h"

namespace remit::testnet {

inline constexpr uint32_t kTestnetSpreadBpsDefault = 100;
inline constexpr char kTestnetBasketCode[] = "RMX";
// What each of the maker's offers from the base asset holds: 1,000,000.00 USD.
inline constexpr uint64_t kTestnetMakerDepthMinor = 100'000'000;

struct MarketOptions {
  bool enabled = true;
  std::string rates_file = "";                        // empty: the default table
  std::optional<uint32_t> spread_bps = std::nullopt;  // empty: the file's, else the default
};

// The default table, as the file's text.
std::string DefaultRatesText(uint32_t spread_bps);

// Writes DIR/rates.toml (RatesPath) from the options, then adds its hub,
// maker and basket to `genesis`, whose assets are the testnet's (2
// decimals). INVALID_ARGUMENT naming the line for a rates file that does not
// parse, names an asset the testnet lacks, or a rate that is not a positive
// decimal of at most 2 places; NOT_FOUND for a --rates file that cannot be
// read; INTERNAL if DIR/rates.toml cannot be written.
absl::Status AddMarket(const std::string& dir, const MarketOptions& options, const AccountId& maker,
                       Genesis& genesis);

std::string RatesPath(const std::string& dir);

}  // namespace remit::testnet
