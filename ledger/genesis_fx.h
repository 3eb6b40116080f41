// Internal to ledger/genesis.cc: the optional genesis keys of cross-currency
// payments (docs/FX.md): "hub_asset", "basket" and "market_maker".
#pragma once

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "ledger/genesis.h"

namespace remit::genesis_fx {

// Reads the optional keys of `root` into `genesis`; absent keys leave it
// without them. INVALID_ARGUMENT naming the field otherwise.
absl::Status Parse(const nlohmann::json& root, Genesis& genesis);
// Adds the keys `genesis` has to `root` (none when it has none, so older
// genesis files keep their canonical JSON and hash).
void AddToJson(const Genesis& genesis, nlohmann::json& root);
// The rules ValidateGenesis states for these keys.
absl::Status Validate(const Genesis& genesis);

}  // namespace remit::genesis_fx
