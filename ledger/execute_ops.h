// Internal to the executor: the outcome of one operation other than a plain
// transfer, once its sequence is consumed and its expiry checked
// (executor.h gives the order of checks; docs/FX.md and docs/CLAIMS.md the
// rules per kind). Only a SETTLED operation writes to the block's effects.
#pragma once

#include <cstdint>

#include "ledger/genesis.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

struct OpContext {
  const Genesis& genesis;
  // The state the operation runs on: committed state through the block's
  // effects so far.
  const StateReader& view;
  uint64_t block_time_unix_ms = 0;
  uint64_t height = 0;
  uint32_t position = 0;
  TransferId id{};  // the operation's id
};

struct OpResult {
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  // The receipt's operation fields (sent, delivered, fills, claim id,
  // counterparty); set only when SETTLED.
  v1::Receipt details;
};

// Preconditions (checked): CheckOperationFields passed.
OpResult ExecuteOperation(const OpContext& context, const v1::Operation& operation,
                          BlockEffects& effects);

}  // namespace remit
