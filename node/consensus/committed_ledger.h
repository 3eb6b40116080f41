// The committed ledger as consensus sees it: the state to execute on, the
// head of the committed chain, and where committed blocks go. Production
// uses LedgerStore (RocksDB); the simulator uses an in-memory ledger.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

class CommittedLedger {
 public:
  virtual ~CommittedLedger() = default;
  virtual const StateReader& state() const = 0;
  virtual uint64_t committed_height() const = 0;
  virtual Hash32 committed_block_hash() const = 0;
  virtual Hash32 committed_state_hash() const = 0;
  // NOT_FOUND above the committed height.
  virtual absl::StatusOr<v1::CommittedBlock> GetBlock(uint64_t height) const = 0;
  // Durable when it returns OK. Preconditions as LedgerStore::Commit.
  // `qc` certifies the block and is kept with it; `commit_qc`, for the last
  // block a commit commits, is the QC on its child that committed it.
  virtual absl::Status Commit(const v1::Block& block, const BlockEffects& effects,
                              const v1::QuorumCert& qc, const v1::QuorumCert* commit_qc) = 0;
};

}  // namespace remit
