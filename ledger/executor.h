// Execution: a pure function of (committed state, block) to the block's
// effects. Same input, same bytes out, on every machine. Time enters only as
// the block's timestamp.
#pragma once

#include "ledger/genesis.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

// Executes `block` on top of `state`, whose last committed state hash is
// `parent_state_hash`. Preconditions (checked): every entry passed
// CheckTransferFields for genesis's chain id and genesis hash, and
// CheckBlockShape passed.
//
// Each plain transfer or operation gets at most one outcome, in block order:
//   - id already final (in state or earlier in this block): skipped, no record;
//   - sequence above the signer's next: skipped, no record (it may execute in
//     a later block, so a leader that orders n+1 before n destroys nothing);
//   - sequence below the signer's next (already used): BAD_SEQUENCE,
//     sequence not consumed;
//   - otherwise the sequence is consumed, and the outcome is:
//     plain transfer: the first of UNKNOWN_ASSET, EXPIRED (block time >
//       expiry), LIMIT_EXCEEDED, INSUFFICIENT_FUNDS (non-issuer balance below
//       amount + fee), BALANCE_OVERFLOW, or SETTLED with balances moved;
//     operation: EXPIRED (block time > expiry), then its kind's rules
//       (docs/FX.md for strict send and receive, offers and the basket,
//       docs/CLAIMS.md for claims), SETTLED only if every leg applies.
// Every asset's balances plus held amounts (offers, open claims, the basket
// reserve, minus basket units outstanding) keep summing to zero; only
// issuers go negative. Receipts of SETTLED operations carry the amounts sent
// and delivered, the fills and the claim id.
BlockEffects ExecuteBlock(const Genesis& genesis, const StateReader& state,
                          const Hash32& parent_state_hash, const v1::Block& block);

// The block at height 0: chain id, genesis time, no transfers, zero parent
// hashes, and parent_state_hash = GenesisHash(genesis).
v1::Block GenesisBlock(const Genesis& genesis);

// The effects of the genesis block: its initial balances (less what the
// market maker's offers hold), those offers, the empty basket, the block hash
// and the state hash.
BlockEffects GenesisEffects(const Genesis& genesis);

}  // namespace remit
