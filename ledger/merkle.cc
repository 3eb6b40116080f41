#include "ledger/merkle.h"

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/strings.h"

namespace remit {
namespace {
constexpr std::string_view kLeafDomain = "remit-merkle-leaf-v1";
constexpr std::string_view kNodeDomain = "remit-merkle-node-v1";
constexpr std::string_view kPayloadDomain = "remit-payload-v2";

// The level above `level`: pairs in order, an odd last node carried up.
std::vector<Hash32> LevelAbove(const std::vector<Hash32>& level) {
  std::vector<Hash32> above;
  above.reserve((level.size() + 1) / 2);
  for (size_t i = 0; i + 1 < level.size(); i += 2) {
    above.push_back(MerkleNodeHash(level[i], level[i + 1]));
  }
  if (level.size() % 2 == 1) above.push_back(level.back());
  return above;
}
}  // namespace

Hash32 MerkleLeafHash(const TransferId& id, std::string_view signature) {
  REMIT_CHECK(signature.size() == kSignatureBytes);
  std::string bytes(kLeafDomain);
  bytes.append(AsBytes(id));
  bytes.append(signature);
  return Blake2b256(bytes);
}

Hash32 MerkleNodeHash(const Hash32& left, const Hash32& right) {
  std::string bytes(kNodeDomain);
  bytes.append(AsBytes(left));
  bytes.append(AsBytes(right));
  return Blake2b256(bytes);
}

Hash32 MerkleRoot(std::vector<Hash32> leaves) {
  if (leaves.empty()) return Hash32{};
  while (leaves.size() > 1) leaves = LevelAbove(leaves);
  return leaves.front();
}

Hash32 PayloadRootHash(uint32_t count, const Hash32& root) {
  std::string bytes(kPayloadDomain);
  PutU32(bytes, count);
  bytes.append(AsBytes(root));
  return Blake2b256(bytes);
}

std::vector<Hash32> MerklePath(std::vector<Hash32> leaves, uint32_t index) {
  REMIT_CHECK(index < leaves.size());
  std::vector<Hash32> path;
  while (leaves.size() > 1) {
    const bool carried = index == leaves.size() - 1 && leaves.size() % 2 == 1;
    if (!carried) path.push_back(leaves[index ^ 1u]);
    leaves = LevelAbove(leaves);
    index /= 2;
  }
  return path;
}

absl::StatusOr<Hash32> MerkleRootFromPath(const Hash32& leaf, uint32_t index, uint32_t count,
                                          std::span<const Hash32> path) {
  if (index >= count) {
    return absl::InvalidArgumentError(
        StrCat("position ", index, " is not below the block's ", count, " entries"));
  }
  Hash32 node = leaf;
  size_t used = 0;
  for (uint64_t size = count; size > 1; size = (size + 1) / 2, index /= 2) {
    const bool carried = index == size - 1 && size % 2 == 1;
    if (carried) continue;
    if (used == path.size()) {
      return absl::InvalidArgumentError(StrCat("path of ", path.size(), " hashes is too short"));
    }
    const Hash32& sibling = path[used++];
    node = index % 2 == 0 ? MerkleNodeHash(node, sibling) : MerkleNodeHash(sibling, node);
  }
  if (used != path.size()) {
    return absl::InvalidArgumentError(
        StrCat("path of ", path.size(), " hashes is too long: ", used, " are used"));
  }
  return node;
}

}  // namespace remit
