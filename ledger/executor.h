// Execution: a pure function of (committed state, block) to the block's
// effects. Same input, same bytes out, on every machine. Time enters only as
// the block's timestamp.
#pragma once

#include "ledger/genesis.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

// Executes `block` on top of `state`, whose last committed state hash is
// `parent_state_hash`. Preconditions (checked): every transfer passed
// CheckTransfer for genesis.chain_id, and CheckBlockShape passed.
//
// Each transfer gets exactly one outcome, in block order:
//   - id already final (in state or earlier in this block): skipped, no record;
//   - sequence above the sender's next: skipped, no record (it may execute in
//     a later block, so a leader that orders n+1 before n destroys nothing);
//   - sequence below the sender's next (already used): BAD_SEQUENCE,
//     sequence not consumed;
//   - otherwise the sequence is consumed, and the outcome is the first of
//     UNKNOWN_ASSET, EXPIRED (block time > expiry), LIMIT_EXCEEDED,
//     INSUFFICIENT_FUNDS (non-issuer balance below amount + fee),
//     BALANCE_OVERFLOW, or SETTLED with balances moved.
// Every asset's balances keep summing to zero; only issuers go negative.
BlockEffects ExecuteBlock(const Genesis& genesis, const StateReader& state,
                          const Hash32& parent_state_hash, const v1::Block& block);

// The block at height 0: chain id, genesis time, no transfers, zero parent
// hashes, and parent_state_hash = GenesisHash(genesis).
v1::Block GenesisBlock(const Genesis& genesis);

// The effects of the genesis block: its initial balances, block hash and
// state hash.
BlockEffects GenesisEffects(const Genesis& genesis);

}  // namespace remit
