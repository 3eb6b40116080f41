// Block hashing and the chained state hash (see docs/ENCODING.md).
//
//   payload_hash = BLAKE2b-256("remit-payload-v2" || u32 count || merkle_root[32])
//                  merkle_root over one leaf per transfer or operation, in
//                  block order (ledger/merkle.h)
//   block_hash   = BLAKE2b-256("remit-block-v1" || u8 len(chain_id) || chain_id ||
//                              u64 height || u64 round || parent_hash[32] ||
//                              u64 timestamp_unix_ms || parent_state_hash[32] ||
//                              payload_hash[32] || proposer[32])
//
// Precondition for all: fields have their fixed sizes (CheckBlockShape passed
// or the caller built the block itself).
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "ledger/state.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

inline constexpr uint32_t kBlockTransfersMax = 10000;
// A header's parent_signers bitmap: one bit per genesis validator (at most 64).
inline constexpr size_t kParentSignersBytesMax = 8;

// The Merkle leaves of the block's entries, in block order.
std::vector<Hash32> PayloadLeaves(const v1::Block& block);
Hash32 ComputePayloadHash(const v1::Block& block);
Hash32 ComputeBlockHash(const v1::BlockHeader& header);

// Sizes of the header's hash, key and parent_signers fields, the transfer
// count within kBlockTransfersMax, every entry's fields sized for its signing
// bytes (HasSigningShape) and payload_hash matching the entries.
absl::Status CheckBlockShape(const v1::Block& block);

// The state hash after a block, chained from its parent's: the domain tag
// "remit-state-v2", parent_state_hash[32], u64 height, then counted
// sections of everything the block wrote (balances, next sequences, offers,
// claims, the basket, records with their amounts and fills). The grammar is
// in docs/ENCODING.md, "State hash".
Hash32 ComputeStateHash(const Hash32& parent_state_hash, const BlockEffects& effects);

}  // namespace remit
