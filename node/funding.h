// Admission's funding pre-check: a sender whose committed balance cannot
// cover what its transfer or operation debits is refused before the
// transfer is ordered, so an unfunded key cannot have records stored for
// free (docs/API.md, "unfunded_sender"). Execution still decides the
// outcome: balances may change before the block that orders it.
#pragma once

#include "absl/status/status.h"
#include "ledger/genesis.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

// FAILED_PRECONDITION "unfunded_sender:" if the signer's committed balance
// of the asset it pays is below what it pays:
//   transfer        amount_minor + fee_minor of `asset`
//   strict_send     send_amount_minor of send_asset
//   strict_receive  at least one minor unit of send_asset (the exact debit,
//                   at most send_max_minor, is known only at execution)
//   offer_create    amount_minor of sell_asset (held)
//   basket_redeem   amount_minor of the basket asset
//   create_claim    amount_minor of `asset` (held)
// The issuer of the asset paid is never refused (its balance may go
// negative). Offer cancels, claims and reclaims debit nothing; a basket
// mint's component debits are left to execution. Preconditions: the
// envelope passed CheckTransfer and CheckAssetsKnown.
absl::Status CheckFunded(const Genesis& genesis, const StateReader& state,
                         const v1::SignedTransfer& signed_transfer);

}  // namespace remit
