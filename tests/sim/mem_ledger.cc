#include "tests/sim/mem_ledger.h"

#include "ledger/amount.h"
#include "ledger/check.h"

namespace remit::sim {

MemLedger::MemLedger(const Genesis& genesis) {
  Apply(GenesisBlock(genesis), GenesisEffects(genesis), nullptr);
}

Hash32 MemLedger::committed_block_hash() const {
  return *ToArray<kHashBytes>(blocks_.back().block_hash(), "hash");
}

Hash32 MemLedger::committed_state_hash() const {
  return *ToArray<kHashBytes>(blocks_.back().state_hash(), "hash");
}

absl::StatusOr<v1::CommittedBlock> MemLedger::GetBlock(uint64_t height) const {
  if (height >= blocks_.size()) return absl::NotFoundError("above the committed height");
  return blocks_[height];
}

absl::Status MemLedger::Commit(const v1::Block& block, const BlockEffects& effects,
                               const v1::QuorumCert& qc) {
  REMIT_CHECK(block.header().height() == committed_height() + 1);
  REMIT_CHECK(block.header().parent_hash() == blocks_.back().block_hash());
  REMIT_CHECK(block.header().parent_state_hash() == blocks_.back().state_hash());
  Apply(block, effects, &qc);
  return absl::OkStatus();
}

void MemLedger::Apply(const v1::Block& block, const BlockEffects& effects,
                      const v1::QuorumCert* qc) {
  for (const auto& [key, value] : effects.balances) balances_[key] = value;
  for (const auto& [account, next] : effects.next_sequences) sequences_[account] = next;
  for (const v1::TransferRecord& record : effects.records) {
    const auto id = ToArray<kHashBytes>(record.receipt().transfer_id(), "id");
    REMIT_CHECK(records_.emplace(*id, record).second);
  }
  v1::CommittedBlock& committed = blocks_.emplace_back();
  *committed.mutable_block() = block;
  committed.set_block_hash(ToString(effects.block_hash));
  committed.set_state_hash(ToString(effects.state_hash));
  if (qc != nullptr) *committed.mutable_qc() = *qc;
}

int64_t MemLedger::Balance(const BalanceKey& key) const {
  const auto it = balances_.find(key);
  return it == balances_.end() ? 0 : it->second;
}

uint64_t MemLedger::NextSequence(const AccountId& account) const {
  const auto it = sequences_.find(account);
  return it == sequences_.end() ? 0 : it->second;
}

bool MemLedger::HasTransfer(const TransferId& id) const { return records_.contains(id); }

int64_t MemLedger::AssetSum(const std::string& asset) const {
  int64_t sum = 0;
  for (const auto& [key, value] : balances_) {
    if (key.asset != asset) continue;
    const auto next = CheckedAdd(sum, value);
    REMIT_CHECK(next.has_value());
    sum = *next;
  }
  return sum;
}

}  // namespace remit::sim
