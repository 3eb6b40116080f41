// An in-memory committed ledger for the simulator: every commit is durable
// at once (it survives a simulated crash), like a synced RocksDB write.
#pragma once

#include <map>
#include <set>

#include "ledger/executor.h"
#include "ledger/genesis.h"
#include "node/consensus/committed_ledger.h"

namespace remit::sim {

class MemLedger final : public CommittedLedger, public StateReader {
 public:
  explicit MemLedger(const Genesis& genesis);

  const StateReader& state() const override { return *this; }
  uint64_t committed_height() const override { return blocks_.size() - 1; }
  Hash32 committed_block_hash() const override;
  Hash32 committed_state_hash() const override;
  absl::StatusOr<v1::CommittedBlock> GetBlock(uint64_t height) const override;
  absl::Status Commit(const v1::Block& block, const BlockEffects& effects,
                      const v1::QuorumCert& qc) override;

  int64_t Balance(const BalanceKey& key) const override;
  uint64_t NextSequence(const AccountId& account) const override;
  bool HasTransfer(const TransferId& id) const override;

  // Sum of all balances of an asset; zero at every height.
  int64_t AssetSum(const std::string& asset) const;
  const std::map<TransferId, v1::TransferRecord>& records() const { return records_; }

 private:
  void Apply(const v1::Block& block, const BlockEffects& effects, const v1::QuorumCert* qc);

  std::vector<v1::CommittedBlock> blocks_;
  std::map<BalanceKey, int64_t> balances_;
  std::map<AccountId, uint64_t> sequences_;
  std::map<TransferId, v1::TransferRecord> records_;
};

}  // namespace remit::sim
