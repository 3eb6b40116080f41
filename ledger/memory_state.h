// Committed state in memory: every block's effects applied to maps. The
// reference state for tests and the simulator (what a store holds, without
// RocksDB). Single-threaded.
#pragma once

#include <map>

#include "ledger/genesis.h"
#include "ledger/offer_book.h"
#include "ledger/state.h"

namespace remit {

class MemoryState final : public StateReader {
 public:
  MemoryState() = default;
  // The state at height 0: GenesisEffects applied.
  explicit MemoryState(const Genesis& genesis);

  int64_t Balance(const BalanceKey& key) const override;
  uint64_t NextSequence(const AccountId& account) const override;
  bool HasTransfer(const TransferId& id) const override { return records.contains(id); }
  std::vector<v1::Offer> BestOffers(const AssetPair& pair, size_t count_max) const override {
    return offers.Best(pair, count_max);
  }
  std::optional<v1::Offer> FindOffer(const OfferId& id) const override { return offers.Find(id); }
  std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const override;
  BasketState Basket() const override { return basket; }

  // Merges one block's effects, as a store commits them: new values replace
  // old, zero balances are dropped, records are added (each id once,
  // checked), and height and hashes become the block's.
  void Apply(const BlockEffects& effects);

  __extension__ typedef __int128 Int128;
  // Every balance of `asset` plus what offers and open claims hold of it,
  // plus its part of the basket reserve, minus the basket units outstanding
  // when it is the basket: zero on every valid state (docs/FX.md).
  Int128 AssetTotal(const Genesis& genesis, const std::string& asset) const;

  std::map<BalanceKey, int64_t> balances;
  std::map<AccountId, uint64_t> next_sequences;
  std::map<TransferId, v1::TransferRecord> records;
  OfferBook offers;
  std::map<ClaimId, v1::ClaimEntry> claims;
  BasketState basket;
  uint64_t height = 0;
  Hash32 block_hash{};
  Hash32 state_hash{};
};

}  // namespace remit
