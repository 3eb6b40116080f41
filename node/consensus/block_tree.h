// Blocks proposed above the committed head and not yet committed, each
// executed on the state its ancestors leave. Single-threaded.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "ledger/layered_state.h"
#include "ledger/state.h"
#include "node/consensus/committed_ledger.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

// A 32-byte hash field of a message that passed its shape checks.
Hash32 HashOf(const std::string& bytes);

struct TreeBlock {
  v1::Block block;
  Hash32 hash{};
  BlockEffects effects;              // of executing the block on its ancestors
  std::set<TransferId> final_ids;    // ids with a record in `effects`
  std::optional<v1::QuorumCert> qc;  // certifies this block, once seen
};

// Committed state seen through a chain of executed, uncommitted blocks.
class ChainState final : public StateReader {
 public:
  // `chain` from the newest block down to the child of the committed head.
  ChainState(const StateReader& committed, std::vector<const TreeBlock*> chain);
  int64_t Balance(const BalanceKey& key) const override;
  uint64_t NextSequence(const AccountId& account) const override;
  bool HasTransfer(const TransferId& id) const override;
  // Offers, claims and the basket through the chain's effects.
  std::vector<v1::Offer> BestOffers(const AssetPair& pair, size_t count_max) const override {
    return layered_.BestOffers(pair, count_max);
  }
  std::optional<v1::Offer> FindOffer(const OfferId& id) const override {
    return layered_.FindOffer(id);
  }
  std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const override {
    return layered_.FindClaim(id);
  }
  BasketState Basket() const override { return layered_.Basket(); }

 private:
  const StateReader& committed_;
  std::vector<const TreeBlock*> chain_;
  LayeredState layered_;
};

class BlockTree {
 public:
  explicit BlockTree(const CommittedLedger& ledger) : ledger_(ledger) {}

  // The block with this hash, or nullptr.
  const TreeBlock* Find(const Hash32& hash) const;
  TreeBlock* FindMutable(const Hash32& hash);
  // True if `hash` is the committed head or a block in the tree.
  bool IsKnownParent(const Hash32& hash) const;
  // State and timestamp after the block `hash` (the committed head or a tree
  // block). Precondition: IsKnownParent(hash).
  Hash32 StateHashAfter(const Hash32& hash) const;
  uint64_t TimestampOf(const Hash32& hash) const;
  // The state a child of `parent` executes on. Precondition: IsKnownParent.
  std::unique_ptr<ChainState> StateAfter(const Hash32& parent) const;

  void Insert(TreeBlock block);
  // Blocks from the child of the committed head up to and including `hash`,
  // oldest first; nullopt if `hash` does not descend from the committed head
  // through known blocks.
  std::optional<std::vector<const TreeBlock*>> PathFromCommitted(const Hash32& hash) const;
  // Drops every block that is committed or no longer descends from the
  // committed head.
  void Prune();
  // True if an uncommitted block on the path to `hash` carries transfers.
  bool PathHasTransfers(const Hash32& hash) const;
  size_t size() const { return blocks_.size(); }
  // Height of the highest block with a QC; 0 if none.
  uint64_t CertifiedHeightMax() const;
  // Every block, lowest height first.
  std::vector<const TreeBlock*> ByHeight() const;

 private:
  const CommittedLedger& ledger_;
  std::map<Hash32, TreeBlock> blocks_;
};

}  // namespace remit
