// Builds a receipt's proof (remit.v1.ReceiptProof) from a validator's store:
// the header of the receipt's block, the Merkle path of its transfer, and
// the QC that committed the block with the headers that link the two
// (docs/ENCODING.md, "Receipt proofs"). Clients check it with
// sdk::VerifyReceipt.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/store.h"
#include "remit/v1/ledger.pb.h"

namespace remit {

// Blocks above the receipt's that a proof may carry to reach the block its
// commit QC commits: a commit that committed more blocks at once (after a
// failed round, or a catch-up) is kept with its last block only.
inline constexpr uint64_t kProofDescendantsMax = 64;

// The proof of `receipt`, a final receipt of `store`. NOT_FOUND (reason
// not_found) if no commit QC is kept for its block within
// kProofDescendantsMax blocks above it (blocks committed before remitd
// kept commit QCs); the store's error if a read fails.
absl::StatusOr<v1::ReceiptProof> BuildReceiptProof(const LedgerStore& store,
                                                   const v1::Receipt& receipt);

}  // namespace remit
