// Fuzzes genesis.json (ledger/genesis.h ParseGenesis): the file every
// validator and client reads, usually received from someone else. Proves for
// every input:
//   - ParseGenesis never crashes or throws; refusals are INVALID_ARGUMENT;
//   - an accepted genesis passes ValidateGenesis, and survives a round trip:
//     GenesisToJson parses back to the same chain with the same GenesisHash,
//     so every validator derives one genesis block from one file.
#include <cstdint>
#include <string_view>

#include "ledger/check.h"
#include "ledger/genesis.h"

namespace remit {
namespace {

bool SameGenesis(const Genesis& a, const Genesis& b) {
  if (a.chain_id != b.chain_id || a.genesis_time_unix_ms != b.genesis_time_unix_ms ||
      a.assets.size() != b.assets.size() || a.balances.size() != b.balances.size() ||
      a.validators.size() != b.validators.size()) {
    return false;
  }
  for (size_t i = 0; i < a.assets.size(); ++i) {
    const AssetInfo& x = a.assets[i];
    const AssetInfo& y = b.assets[i];
    if (x.code != y.code || x.decimals != y.decimals || x.issuer != y.issuer ||
        x.transfer_max_minor != y.transfer_max_minor) {
      return false;
    }
  }
  for (size_t i = 0; i < a.balances.size(); ++i) {
    const GenesisBalance& x = a.balances[i];
    const GenesisBalance& y = b.balances[i];
    if (x.account != y.account || x.asset != y.asset || x.amount_minor != y.amount_minor) {
      return false;
    }
  }
  for (size_t i = 0; i < a.validators.size(); ++i) {
    if (a.validators[i].public_key != b.validators[i].public_key ||
        a.validators[i].endpoint != b.validators[i].endpoint) {
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace remit

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<remit::Genesis> genesis = remit::ParseGenesis(text);
  if (!genesis.ok()) {
    REMIT_CHECK(genesis.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  REMIT_CHECK(remit::ValidateGenesis(*genesis).ok());
  const absl::StatusOr<remit::Genesis> again = remit::ParseGenesis(remit::GenesisToJson(*genesis));
  REMIT_CHECK(again.ok());
  REMIT_CHECK(remit::SameGenesis(*genesis, *again));
  REMIT_CHECK(remit::GenesisHash(*genesis) == remit::GenesisHash(*again));
  return 0;
}
