// A StateReader that sees a base state through the effects of blocks on top
// of it, newest first: the state after those blocks. Executing a block reads
// its own writes so far this way (the block's effects are the top layer), and
// a validator executes a block on uncommitted ancestors the same way.
//
// Layers are read when asked, so a layer may grow between calls. Lifetime:
// the base and every layer must outlive this reader.
#pragma once

#include <vector>

#include "ledger/state.h"

namespace remit {

class LayeredState final : public StateReader {
 public:
  LayeredState(const StateReader& base, std::vector<const BlockEffects*> newest_first);

  int64_t Balance(const BalanceKey& key) const override;
  uint64_t NextSequence(const AccountId& account) const override;
  // Scans the layers' records (a validator with many transfers per block
  // keeps its own index instead, as node/consensus/block_tree.h does).
  bool HasTransfer(const TransferId& id) const override;
  // The base's best offers merged with every layer's writes to the pair.
  std::vector<v1::Offer> BestOffers(const AssetPair& pair, size_t count_max) const override;
  std::optional<v1::Offer> FindOffer(const OfferId& id) const override;
  std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const override;
  BasketState Basket() const override;

 private:
  const StateReader& base_;
  std::vector<const BlockEffects*> layers_;
};

}  // namespace remit
