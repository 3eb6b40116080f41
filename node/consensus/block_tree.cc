#include "node/consensus/block_tree.h"

#include <algorithm>

#include "ledger/check.h"

namespace remit {

Hash32 HashOf(const std::string& bytes) {
  auto hash = ToArray<kHashBytes>(bytes, "hash");
  REMIT_CHECK(hash.ok());
  return *hash;
}

namespace {
std::vector<const BlockEffects*> EffectsOf(const std::vector<const TreeBlock*>& chain) {
  std::vector<const BlockEffects*> effects;
  for (const TreeBlock* block : chain) effects.push_back(&block->effects);
  return effects;
}
}  // namespace

ChainState::ChainState(const StateReader& committed, std::vector<const TreeBlock*> chain)
    : committed_(committed), chain_(std::move(chain)), layered_(committed, EffectsOf(chain_)) {}

int64_t ChainState::Balance(const BalanceKey& key) const {
  for (const TreeBlock* block : chain_) {
    const auto it = block->effects.balances.find(key);
    if (it != block->effects.balances.end()) return it->second;
  }
  return committed_.Balance(key);
}

uint64_t ChainState::NextSequence(const AccountId& account) const {
  for (const TreeBlock* block : chain_) {
    const auto it = block->effects.next_sequences.find(account);
    if (it != block->effects.next_sequences.end()) return it->second;
  }
  return committed_.NextSequence(account);
}

bool ChainState::HasTransfer(const TransferId& id) const {
  for (const TreeBlock* block : chain_) {
    if (block->final_ids.contains(id)) return true;
  }
  return committed_.HasTransfer(id);
}

const TreeBlock* BlockTree::Find(const Hash32& hash) const {
  const auto it = blocks_.find(hash);
  return it == blocks_.end() ? nullptr : &it->second;
}

TreeBlock* BlockTree::FindMutable(const Hash32& hash) {
  const auto it = blocks_.find(hash);
  return it == blocks_.end() ? nullptr : &it->second;
}

bool BlockTree::IsKnownParent(const Hash32& hash) const {
  return hash == ledger_.committed_block_hash() || blocks_.contains(hash);
}

Hash32 BlockTree::StateHashAfter(const Hash32& hash) const {
  if (const TreeBlock* block = Find(hash)) return block->effects.state_hash;
  REMIT_CHECK(hash == ledger_.committed_block_hash());
  return ledger_.committed_state_hash();
}

uint64_t BlockTree::TimestampOf(const Hash32& hash) const {
  if (const TreeBlock* block = Find(hash)) return block->block.header().timestamp_unix_ms();
  REMIT_CHECK(hash == ledger_.committed_block_hash());
  const auto head = ledger_.GetBlock(ledger_.committed_height());
  REMIT_CHECK(head.ok());
  return head->block().header().timestamp_unix_ms();
}

std::unique_ptr<ChainState> BlockTree::StateAfter(const Hash32& parent) const {
  auto path = PathFromCommitted(parent);
  REMIT_CHECK(path.has_value());
  std::vector<const TreeBlock*> newest_first(path->rbegin(), path->rend());
  return std::make_unique<ChainState>(ledger_.state(), std::move(newest_first));
}

void BlockTree::Insert(TreeBlock block) {
  const Hash32 hash = block.hash;
  blocks_.emplace(hash, std::move(block));
}

std::optional<std::vector<const TreeBlock*>> BlockTree::PathFromCommitted(
    const Hash32& hash) const {
  std::vector<const TreeBlock*> path;
  Hash32 cursor = hash;
  const Hash32 head = ledger_.committed_block_hash();
  // Bounded: every step goes one height down, and the tree is finite.
  for (size_t steps = 0; cursor != head; ++steps) {
    const TreeBlock* block = Find(cursor);
    if (block == nullptr || steps > blocks_.size()) return std::nullopt;
    path.push_back(block);
    const auto parent = ToArray<kHashBytes>(block->block.header().parent_hash(), "parent");
    REMIT_CHECK(parent.ok());
    cursor = *parent;
  }
  return std::vector<const TreeBlock*>(path.rbegin(), path.rend());
}

std::vector<const TreeBlock*> BlockTree::ByHeight() const {
  std::vector<const TreeBlock*> out;
  for (const auto& [hash, block] : blocks_) out.push_back(&block);
  std::sort(out.begin(), out.end(), [](const TreeBlock* a, const TreeBlock* b) {
    return a->block.header().height() < b->block.header().height();
  });
  return out;
}

bool BlockTree::PathHasTransfers(const Hash32& hash) const {
  const auto path = PathFromCommitted(hash);
  if (!path) return false;
  for (const TreeBlock* block : *path) {
    if (block->block.transfers_size() > 0) return true;
  }
  return false;
}

uint64_t BlockTree::CertifiedHeightMax() const {
  uint64_t height_max = 0;
  for (const auto& [hash, block] : blocks_) {
    if (block.qc) height_max = std::max(height_max, block.block.header().height());
  }
  return height_max;
}

void BlockTree::Prune() {
  std::vector<Hash32> stale;
  for (const auto& [hash, block] : blocks_) {
    if (block.block.header().height() <= ledger_.committed_height() ||
        !PathFromCommitted(hash).has_value()) {
      stale.push_back(hash);
    }
  }
  for (const Hash32& hash : stale) blocks_.erase(hash);
}

}  // namespace remit
