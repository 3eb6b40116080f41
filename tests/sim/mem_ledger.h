// An in-memory committed ledger for the simulator: every commit is durable
// at once (it survives a simulated crash), like a synced RocksDB write.
#pragma once

#include <map>
#include <set>

#include "ledger/executor.h"
#include "ledger/genesis.h"
#include "ledger/memory_state.h"
#include "node/consensus/committed_ledger.h"

namespace remit::sim {

class MemLedger final : public CommittedLedger, public StateReader {
 public:
  explicit MemLedger(const Genesis& genesis);

  const StateReader& state() const override { return *this; }
  uint64_t committed_height() const override { return blocks_.size() - 1; }
  // The round of the committed head (0 at genesis).
  uint64_t committed_round() const { return blocks_.back().block().header().round(); }
  Hash32 committed_block_hash() const override;
  Hash32 committed_state_hash() const override;
  absl::StatusOr<v1::CommittedBlock> GetBlock(uint64_t height) const override;
  absl::Status Commit(const v1::Block& block, const BlockEffects& effects, const v1::QuorumCert& qc,
                      const v1::QuorumCert* commit_qc) override;

  int64_t Balance(const BalanceKey& key) const override { return state_.Balance(key); }
  uint64_t NextSequence(const AccountId& account) const override {
    return state_.NextSequence(account);
  }
  bool HasTransfer(const TransferId& id) const override { return state_.HasTransfer(id); }
  std::vector<v1::Offer> BestOffers(const AssetPair& pair, size_t count_max) const override {
    return state_.BestOffers(pair, count_max);
  }
  std::optional<v1::Offer> FindOffer(const OfferId& id) const override {
    return state_.FindOffer(id);
  }
  std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const override {
    return state_.FindClaim(id);
  }
  BasketState Basket() const override { return state_.Basket(); }

  // Sum of all balances and held amounts of an asset; zero at every height.
  int64_t AssetSum(const std::string& asset) const;
  const std::map<TransferId, v1::TransferRecord>& records() const { return state_.records; }

 private:
  void Apply(const v1::Block& block, const BlockEffects& effects, const v1::QuorumCert* qc);

  Genesis genesis_;
  std::vector<v1::CommittedBlock> blocks_;
  MemoryState state_;
};

}  // namespace remit::sim
