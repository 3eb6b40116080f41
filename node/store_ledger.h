// The RocksDB LedgerStore as consensus's committed ledger.
#pragma once

#include "ledger/store.h"
#include "node/consensus/committed_ledger.h"

namespace remit {

class StoreLedger final : public CommittedLedger {
 public:
  explicit StoreLedger(LedgerStore& store) : store_(store) {}

  const StateReader& state() const override { return store_; }
  uint64_t committed_height() const override { return store_.committed_height(); }
  Hash32 committed_block_hash() const override { return store_.committed_block_hash(); }
  Hash32 committed_state_hash() const override { return store_.committed_state_hash(); }
  absl::StatusOr<v1::CommittedBlock> GetBlock(uint64_t height) const override {
    return store_.GetBlock(height);
  }
  absl::Status Commit(const v1::Block& block, const BlockEffects& effects, const v1::QuorumCert& qc,
                      const v1::QuorumCert* commit_qc) override {
    return store_.Commit(block, effects, &qc, commit_qc);
  }

 private:
  LedgerStore& store_;
};

}  // namespace remit
