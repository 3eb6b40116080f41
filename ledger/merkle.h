// The Merkle tree over a block's entries whose root the header's payload
// hash commits to (docs/ENCODING.md §4.1), and inclusion paths in it:
//
//   leaf    = BLAKE2b-256("remit-merkle-leaf-v1" || transfer_id[32] || signature[64])
//   node    = BLAKE2b-256("remit-merkle-node-v1" || left[32] || right[32])
//   root    = the one node left after pairing each level's nodes in order,
//             left to right; an odd level's last node is carried up to the
//             next level unchanged (never paired with itself). The root of
//             no leaves is 32 zero bytes; of one leaf, that leaf.
//   payload = BLAKE2b-256("remit-payload-v2" || u32 count || root[32])
//
// A path lists, from the leaf's level up, the sibling of each level where
// the node has one (none where it is carried up), so its length follows
// from (index, count) alone.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/types.h"

namespace remit {

// Precondition (checked): signature is 64 bytes.
Hash32 MerkleLeafHash(const TransferId& id, std::string_view signature);
Hash32 MerkleNodeHash(const Hash32& left, const Hash32& right);
Hash32 MerkleRoot(std::vector<Hash32> leaves);
// Hash of the payload root: the count of leaves and their tree's root.
Hash32 PayloadRootHash(uint32_t count, const Hash32& root);

// The path of leaf `index`. Precondition (checked): index < leaves.size().
std::vector<Hash32> MerklePath(std::vector<Hash32> leaves, uint32_t index);

// The root that `path` leads to from `leaf` at `index` of `count` leaves;
// INVALID_ARGUMENT if index >= count or the path has the wrong length.
absl::StatusOr<Hash32> MerkleRootFromPath(const Hash32& leaf, uint32_t index, uint32_t count,
                                          std::span<const Hash32> path);

}  // namespace remit
