// The chains the chat fuzzers read amounts against. The bot runs against
// whatever chain its ledger serves, so the variants differ in what matters
// to ParseChatAmount: which symbol currencies exist, and their decimals.
//   0: the four symbol currencies, JPY (0 decimals), BTC (8), USDC (4 letters)
//   1: USD and JPY only (tests/testing's TestChain)
//   2: no symbol currency but EUR: EUR, KES, BTC
//   3: one asset without decimals: JPY
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ledger/genesis.h"

namespace remit::fuzz {

inline constexpr uint8_t kChatGenesisVariants = 4;

inline const Genesis& ChatGenesis(uint8_t variant) {
  struct Asset {
    const char* code;
    uint32_t decimals;
  };
  static const std::array<Genesis, kChatGenesisVariants> chains = [] {
    const std::vector<std::vector<Asset>> variants = {
        {{"USD", 2}, {"EUR", 2}, {"PHP", 2}, {"INR", 2}, {"JPY", 0}, {"BTC", 8}, {"USDC", 6}},
        {{"USD", 2}, {"JPY", 0}},
        {{"EUR", 2}, {"KES", 2}, {"BTC", 8}},
        {{"JPY", 0}},
    };
    std::array<Genesis, kChatGenesisVariants> made;
    for (size_t v = 0; v < made.size(); ++v) {
      made[v].chain_id = "remit-fuzz";
      for (const Asset& asset : variants[v]) {
        made[v].assets.push_back(AssetInfo{.code = asset.code,
                                           .decimals = asset.decimals,
                                           .issuer = {},
                                           .transfer_max_minor = 1'000'000});
      }
    }
    return made;
  }();
  return chains[variant % kChatGenesisVariants];
}

}  // namespace remit::fuzz
