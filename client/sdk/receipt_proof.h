// Checks a receipt offline, trusting only genesis (docs/ENCODING.md,
// "Receipt proofs"): that its transfer is signed for this chain, sits at
// the receipt's position in a block whose header the receipt names, and
// that a quorum of genesis's validators committed that block.
//
// What it does not prove: the outcome and amounts of the receipt, which
// come from executing the block (they are covered by the state hash, not
// by the header); re-execute the chain to check those.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ledger/genesis.h"
#include "remit/v1/ledger.pb.h"

namespace remit::sdk {

// OK if every check passes; `checked`, if given, gets one line per check
// passed, in order. Otherwise INVALID_ARGUMENT whose message begins with
// the name of the check that failed:
//   genesis:      the transfer is signed for another chain or genesis
//   transfer:     its signature does not verify, or its id is not the receipt's
//   header:       the header's hash, height, time or chain is not the receipt's
//   merkle_path:  the path does not lead from the transfer to the payload hash
//   descendants:  a header above does not extend the one below it
//   qc_link:      the QC is not on the child, one round later, of the last header
//   qc_signers:   no quorum of distinct genesis validators signed the QC
//   qc_signature: a signature of the QC does not verify
absl::Status VerifyReceipt(const v1::TransferRecord& record, const v1::ReceiptProof& proof,
                           const Genesis& genesis, std::vector<std::string>* checked = nullptr);

}  // namespace remit::sdk
