#include "ledger/memory_state.h"

#include "ledger/check.h"
#include "ledger/executor.h"

namespace remit {

MemoryState::MemoryState(const Genesis& genesis) { Apply(GenesisEffects(genesis)); }

int64_t MemoryState::Balance(const BalanceKey& key) const {
  const auto it = balances.find(key);
  return it == balances.end() ? 0 : it->second;
}

uint64_t MemoryState::NextSequence(const AccountId& account) const {
  const auto it = next_sequences.find(account);
  return it == next_sequences.end() ? 0 : it->second;
}

std::optional<v1::ClaimEntry> MemoryState::FindClaim(const ClaimId& id) const {
  const auto it = claims.find(id);
  if (it == claims.end()) return std::nullopt;
  return it->second;
}

MemoryState::Int128 MemoryState::AssetTotal(const Genesis& genesis,
                                            const std::string& asset) const {
  Int128 total = 0;
  for (const auto& [key, value] : balances) {
    if (key.asset == asset) total += value;
  }
  for (const auto& [id, claim] : claims) {
    if (claim.asset() == asset && claim.status() == v1::CLAIM_OPEN) total += claim.amount_minor();
  }
  for (const auto& [pair, amount] : offers.HeldBySellAsset()) {
    if (pair == asset) total += amount;
  }
  if (genesis.basket) {
    if (genesis.basket->asset.code == asset) total -= basket.outstanding_minor;
    for (size_t i = 0; i < genesis.basket->components.size(); ++i) {
      if (genesis.basket->components[i].asset == asset && i < basket.reserve_minor.size()) {
        total += basket.reserve_minor[i];
      }
    }
  }
  return total;
}

void MemoryState::Apply(const BlockEffects& effects) {
  for (const auto& [key, value] : effects.balances) {
    if (value == 0) {
      balances.erase(key);
    } else {
      balances[key] = value;
    }
  }
  for (const auto& [account, next] : effects.next_sequences) {
    REMIT_CHECK(next > NextSequence(account));
    next_sequences[account] = next;
  }
  offers.Apply(effects);
  for (const auto& [id, claim] : effects.claims) claims[id] = claim;
  if (effects.basket) basket = *effects.basket;
  for (const v1::TransferRecord& record : effects.records) {
    const absl::StatusOr<TransferId> id =
        ToArray<kHashBytes>(record.receipt().transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    REMIT_CHECK(records.emplace(*id, record).second);
  }
  height = effects.height;
  block_hash = effects.block_hash;
  state_hash = effects.state_hash;
}

}  // namespace remit
