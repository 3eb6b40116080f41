#include "node/receipt_proof_builder.h"

#include <algorithm>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/merkle.h"
#include "ledger/strings.h"

namespace remit {

absl::StatusOr<v1::ReceiptProof> BuildReceiptProof(const LedgerStore& store,
                                                   const v1::Receipt& receipt) {
  const uint64_t height = receipt.height();
  ASSIGN_OR_RETURN(const v1::CommittedBlock committed, store.GetBlock(height));
  const v1::Block& block = committed.block();
  REMIT_CHECK(committed.block_hash() == receipt.block_hash());
  REMIT_CHECK(receipt.position() < static_cast<uint32_t>(block.transfers_size()));
  v1::ReceiptProof proof;
  *proof.mutable_header() = block.header();
  proof.set_transfer_count(static_cast<uint32_t>(block.transfers_size()));
  for (const Hash32& sibling : MerklePath(PayloadLeaves(block), receipt.position())) {
    proof.add_merkle_path(ToString(sibling));
  }
  const uint64_t last = std::min(store.committed_height(), height + kProofDescendantsMax);
  for (uint64_t at = height; at <= last; ++at) {
    if (at > height) {
      ASSIGN_OR_RETURN(const v1::CommittedBlock descendant, store.GetBlock(at));
      *proof.add_descendants() = descendant.block().header();
    }
    absl::StatusOr<v1::QuorumCert> commit_qc = store.GetCommitQc(at);
    if (commit_qc.ok()) {
      *proof.mutable_commit_qc() = std::move(*commit_qc);
      return proof;
    }
    if (!absl::IsNotFound(commit_qc.status())) return commit_qc.status();
  }
  return absl::NotFoundError(StrCat("not_found: this node keeps no QC that commits block ", height,
                                    " within ", kProofDescendantsMax,
                                    " blocks above it (it was committed before remitd kept "
                                    "them); ask another validator for the proof"));
}

}  // namespace remit
