// A signed transfer as the mempool holds it, for tests that fill mempools.
#pragma once

#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/mempool.h"

namespace remit::testing {

inline PendingTransfer PendingOf(const v1::SignedTransfer& transfer) {
  PendingTransfer pending;
  pending.signed_transfer = transfer;
  pending.id = ComputeTransferId(transfer.transfer());
  pending.from = *ToArray<kPublicKeyBytes>(transfer.transfer().from(), "from");
  pending.sequence = transfer.transfer().sequence();
  pending.expiry_unix_ms = transfer.transfer().expiry_unix_ms();
  return pending;
}

}  // namespace remit::testing
