#include "node/stage_metrics_storage.h"

#include "ledger/block.h"

namespace remit {

void StageSafetyStorage::Save(const v1::SafetyData& data, const SavedBlocksChange& blocks) {
  storage_.Save(data, blocks);
  for (const v1::CertifiedBlock& saved : blocks.put) {
    const Hash32 hash = ComputeBlockHash(saved.block().header());
    // A block that arrives with its certificate (fetch, sync) is proposed
    // and certified at once.
    stages_.Proposed(saved.block(), hash);
    if (saved.has_qc()) stages_.Certified(hash);
  }
}

}  // namespace remit
