// Block hashing and the chained state hash (see docs/ENCODING.md).
//
//   payload_hash = BLAKE2b-256("remit-payload-v1" || u32 count ||
//                              for each transfer: transfer_id[32] || signature[64])
//   block_hash   = BLAKE2b-256("remit-block-v1" || u8 len(chain_id) || chain_id ||
//                              u64 height || u64 round || parent_hash[32] ||
//                              u64 timestamp_unix_ms || parent_state_hash[32] ||
//                              payload_hash[32] || proposer[32])
//
// Precondition for all: fields have their fixed sizes (CheckBlockShape passed
// or the caller built the block itself).
#pragma once

#include "absl/status/status.h"
#include "ledger/state.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

inline constexpr uint32_t kBlockTransfersMax = 10000;
// A header's parent_signers bitmap: one bit per genesis validator (at most 64).
inline constexpr size_t kParentSignersBytesMax = 8;

Hash32 ComputePayloadHash(const v1::Block& block);
Hash32 ComputeBlockHash(const v1::BlockHeader& header);

// Sizes of the header's hash, key and parent_signers fields, the transfer count within
// kBlockTransfersMax and payload_hash matching the transfers.
absl::Status CheckBlockShape(const v1::Block& block);

// state_hash = BLAKE2b-256("remit-state-v1" || parent_state_hash[32] || u64 height ||
//   for each balance in key order: account[32] || u8 len(asset) || asset || i64 balance ||
//   for each sequence in key order: account[32] || u64 next_sequence ||
//   for each record in order: transfer_id[32] || u8 outcome)
Hash32 ComputeStateHash(const Hash32& parent_state_hash, const BlockEffects& effects);

}  // namespace remit
