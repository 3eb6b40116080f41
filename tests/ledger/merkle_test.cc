// The payload Merkle tree (ledger/merkle.h) against the vectors of
// docs/ENCODING.md §4.1 (computed by tests/ledger/vectors/gen_chain_vectors.py's
// independent implementation), and the paths it hands out.
#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include "ledger/strings.h"

namespace remit {
namespace {

// The five leaves of the §4.1 example: entry i has id = 32 bytes of i and
// signature = 64 bytes of 0x80 + i.
std::vector<Hash32> ExampleLeaves(uint32_t count) {
  std::vector<Hash32> leaves;
  for (uint32_t i = 0; i < count; ++i) {
    TransferId id;
    id.fill(static_cast<uint8_t>(i));
    leaves.push_back(MerkleLeafHash(id, std::string(kSignatureBytes, static_cast<char>(0x80 + i))));
  }
  return leaves;
}

// The documented leaf, node, root and payload hashes of five entries, and
// of an empty block; the odd last leaf is carried up, not paired.
TEST(MerkleTest, MatchesTheDocumentedVectors) {
  const std::vector<Hash32> leaves = ExampleLeaves(5);
  EXPECT_EQ(ToHex(leaves[0]), "814e7f2377e7d0b0a646f892090eddebc238b1823e5bdb251e44c10b7920771a");
  EXPECT_EQ(ToHex(leaves[4]), "4c9825f0b62557680b2e59548d27a930afd4b8d58aa80b53c93497d1dd202190");
  const Hash32 n0123 =
      MerkleNodeHash(MerkleNodeHash(leaves[0], leaves[1]), MerkleNodeHash(leaves[2], leaves[3]));
  EXPECT_EQ(ToHex(n0123), "89d61d8be59dba2444960eb34336a600af97c8be3c59cb4da9002755c0160186");
  const Hash32 root = MerkleRoot(leaves);
  EXPECT_EQ(ToHex(root), "8695dfbc76867e56b9fc8d6d8cad4b385ca1356022d39a50a0b2a6f02da49df9");
  EXPECT_EQ(root, MerkleNodeHash(n0123, leaves[4]));
  EXPECT_EQ(ToHex(PayloadRootHash(5, root)),
            "0aaa49cb3d0cc177ffd06572fe0e2a05897708f514d43d440ae3237b419c548e");
  EXPECT_EQ(ToHex(PayloadRootHash(0, MerkleRoot({}))),
            "26406205b52cee20fc2c09a2d80c5a81d0532047c439b434d634c73f7704b915");
  // Leaf 4 is carried up twice: its path is the one sibling of the top level.
  EXPECT_EQ(MerklePath(leaves, 4), std::vector<Hash32>{n0123});
}

// For every tree size up to 33 and every leaf, the path leads back to the
// root; a flipped sibling bit, a wrong index, a wrong count (at the payload
// hash, which binds it), or a path one hash too long or short does not.
TEST(MerkleTest, EveryPathLeadsToTheRootAndTamperedOnesDoNot) {
  for (uint32_t count = 1; count <= 33; ++count) {
    const std::vector<Hash32> leaves = ExampleLeaves(count);
    const Hash32 root = MerkleRoot(leaves);
    for (uint32_t index = 0; index < count; ++index) {
      SCOPED_TRACE(StrCat(count, " leaves, index ", index));
      std::vector<Hash32> path = MerklePath(leaves, index);
      auto found = MerkleRootFromPath(leaves[index], index, count, path);
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_EQ(*found, root);
      if (count > 1) {
        const uint32_t other = (index + 1) % count;
        auto moved = MerkleRootFromPath(leaves[index], other, count, path);
        EXPECT_TRUE(!moved.ok() || *moved != root);
      }
      EXPECT_FALSE(MerkleRootFromPath(leaves[index], count, count, path).ok());
      // The tree root alone does not bind the count (an odd last node is
      // carried up, so a path can fit two sizes); the payload hash does.
      auto recounted = MerkleRootFromPath(leaves[index], index, count + 1, path);
      EXPECT_TRUE(!recounted.ok() ||
                  PayloadRootHash(count + 1, *recounted) != PayloadRootHash(count, root));
      std::vector<Hash32> longer = path;
      longer.push_back(root);
      EXPECT_FALSE(MerkleRootFromPath(leaves[index], index, count, longer).ok());
      if (path.empty()) continue;
      std::vector<Hash32> shorter(path.begin(), path.end() - 1);
      EXPECT_FALSE(MerkleRootFromPath(leaves[index], index, count, shorter).ok());
      path[0][7] ^= 1;
      auto tampered = MerkleRootFromPath(leaves[index], index, count, path);
      ASSERT_TRUE(tampered.ok());
      EXPECT_NE(*tampered, root);
    }
  }
}

}  // namespace
}  // namespace remit
