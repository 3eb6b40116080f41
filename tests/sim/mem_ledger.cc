#include "tests/sim/mem_ledger.h"

#include "ledger/amount.h"
#include "ledger/check.h"

namespace remit::sim {

MemLedger::MemLedger(const Genesis& genesis) : genesis_(genesis) {
  Apply(GenesisBlock(genesis_), GenesisEffects(genesis_), nullptr);
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
                               const v1::QuorumCert& qc, const v1::QuorumCert* commit_qc) {
  REMIT_CHECK(block.header().height() == committed_height() + 1);
  REMIT_CHECK(block.header().parent_hash() == blocks_.back().block_hash());
  REMIT_CHECK(block.header().parent_state_hash() == blocks_.back().state_hash());
  (void)commit_qc;  // kept by LedgerStore for receipt proofs; the simulation serves none
  Apply(block, effects, &qc);
  return absl::OkStatus();
}

void MemLedger::Apply(const v1::Block& block, const BlockEffects& effects,
                      const v1::QuorumCert* qc) {
  state_.Apply(effects);
  v1::CommittedBlock& committed = blocks_.emplace_back();
  *committed.mutable_block() = block;
  committed.set_block_hash(ToString(effects.block_hash));
  committed.set_state_hash(ToString(effects.state_hash));
  if (qc != nullptr) *committed.mutable_qc() = *qc;
}

int64_t MemLedger::AssetSum(const std::string& asset) const {
  const MemoryState::Int128 total = state_.AssetTotal(genesis_, asset);
  REMIT_CHECK(total >= INT64_MIN && total <= INT64_MAX);
  return static_cast<int64_t>(total);
}

}  // namespace remit::sim
