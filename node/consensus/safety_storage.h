// Where a validator keeps its consensus safety data and the uncommitted
// blocks it executed. Save must be durable (fsync) when it returns: a vote or
// timeout leaves the node only after the data that forbids contradicting it,
// and the blocks a quorum may have certified, are on disk.
#pragma once

#include <vector>

#include "ledger/types.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

// How the saved uncommitted blocks change in one save.
struct SavedBlocksChange {
  std::vector<v1::CertifiedBlock> put;  // new, or now with their QC
  std::vector<Hash32> erase;            // committed or abandoned since
};

class SafetyStorage {
 public:
  virtual ~SafetyStorage() = default;
  // The last saved safety data with every saved block in `tree` (any
  // order); all zero for a validator that never voted.
  virtual v1::SafetyData Load() = 0;
  // Makes `data` (its `tree` field is ignored) and `blocks` durable at once.
  // Aborts if it cannot: signing without it could let a restarted validator
  // equivocate.
  virtual void Save(const v1::SafetyData& data, const SavedBlocksChange& blocks) = 0;
};

}  // namespace remit
