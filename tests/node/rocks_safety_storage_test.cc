// RocksSafetyStorage: what a save makes durable is exactly what a reopened
// storage loads (safety data, blocks put, blocks erased), and a safety file of
// an older remitd is imported rather than forgotten.
#include "node/rocks_safety_storage.h"

#include <gtest/gtest.h>

#include <fstream>

#include "ledger/block.h"
#include "tests/client/temp_dir.h"

namespace remit {
namespace {

v1::CertifiedBlock Block(uint64_t height, bool with_qc) {
  v1::CertifiedBlock certified;
  v1::BlockHeader& header = *certified.mutable_block()->mutable_header();
  header.set_chain_id("safety-test");
  header.set_height(height);
  header.set_round(height + 10);
  header.set_parent_hash(std::string(kHashBytes, '\1'));
  header.set_parent_state_hash(std::string(kHashBytes, '\2'));
  header.set_payload_hash(std::string(kHashBytes, '\3'));
  header.set_proposer(std::string(kPublicKeyBytes, '\4'));
  if (with_qc) certified.mutable_qc()->mutable_vote_data()->set_round(height + 10);
  return certified;
}

Hash32 HashOf(const v1::CertifiedBlock& block) { return ComputeBlockHash(block.block().header()); }

std::map<uint64_t, bool> HeightsWithQc(const v1::SafetyData& data) {
  std::map<uint64_t, bool> heights;
  for (const v1::CertifiedBlock& block : data.tree()) {
    heights[block.block().header().height()] = block.has_qc();
  }
  return heights;
}

// Saves replace the safety record, add and re-put blocks (now with a QC), and
// erase blocks; a reopened storage loads the result and nothing else.
TEST(RocksSafetyStorageTest, SavesSurviveReopen) {
  testing::TempDir dir;
  const std::string path = dir.Join("data.consensus");
  {
    auto storage = RocksSafetyStorage::Open(path, "");
    ASSERT_TRUE(storage.ok()) << storage.status();
    EXPECT_EQ((*storage)->Load().last_voted_round(), 0u);
    v1::SafetyData data;
    data.set_last_voted_round(5);
    SavedBlocksChange first;
    first.put = {Block(1, false), Block(2, false)};
    (*storage)->Save(data, first);
    data.set_last_voted_round(6);
    data.set_one_chain_round(5);
    SavedBlocksChange second;
    second.put = {Block(2, true), Block(3, false)};
    second.erase = {HashOf(Block(1, false))};
    (*storage)->Save(data, second);
  }
  auto reopened = RocksSafetyStorage::Open(path, "");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  const v1::SafetyData loaded = (*reopened)->Load();
  EXPECT_EQ(loaded.last_voted_round(), 6u);
  EXPECT_EQ(loaded.one_chain_round(), 5u);
  EXPECT_EQ(HeightsWithQc(loaded), (std::map<uint64_t, bool>{{2, true}, {3, false}}));
}

// A SafetyData file written by an older remitd is imported with its blocks,
// then retired (renamed to <file>.imported); a second open does not import it again.
TEST(RocksSafetyStorageTest, ImportsLegacyFile) {
  testing::TempDir dir;
  const std::string legacy = dir.Join("data.safety");
  v1::SafetyData old;
  old.set_last_voted_round(42);
  *old.add_tree() = Block(7, true);
  std::ofstream(legacy, std::ios::binary) << old.SerializeAsString();
  auto storage = RocksSafetyStorage::Open(dir.Join("data.consensus"), legacy);
  ASSERT_TRUE(storage.ok()) << storage.status();
  const v1::SafetyData loaded = (*storage)->Load();
  EXPECT_EQ(loaded.last_voted_round(), 42u);
  EXPECT_EQ(HeightsWithQc(loaded), (std::map<uint64_t, bool>{{7, true}}));
  EXPECT_FALSE(std::filesystem::exists(legacy));
}

// A legacy file that does not parse stops the node with DATA_LOSS: starting
// without the votes it held could sign twice in one round.
TEST(RocksSafetyStorageTest, CorruptLegacyFileIsDataLoss) {
  testing::TempDir dir;
  const std::string legacy = dir.Join("data.safety");
  std::ofstream(legacy, std::ios::binary) << std::string("\xff\xff\xff", 3);
  auto storage = RocksSafetyStorage::Open(dir.Join("data.consensus"), legacy);
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kDataLoss) << storage.status();
  EXPECT_TRUE(std::filesystem::exists(legacy));
}

// Proves that a legacy file is imported only into an empty store: one left
// beside a store that already holds newer votes (a failed delete, a restored
// backup) never rolls last_voted_round back, and is retired all the same.
TEST(RocksSafetyStorageTest, LegacyFileNeverOverwritesNewerData) {
  testing::TempDir dir;
  const std::string path = dir.Join("data.consensus");
  const std::string legacy = dir.Join("data.safety");
  {
    auto storage = RocksSafetyStorage::Open(path, legacy);
    ASSERT_TRUE(storage.ok()) << storage.status();
    v1::SafetyData data;
    data.set_last_voted_round(10);
    (*storage)->Save(data, {});
  }
  v1::SafetyData old;
  old.set_last_voted_round(5);
  std::ofstream(legacy, std::ios::binary) << old.SerializeAsString();
  auto storage = RocksSafetyStorage::Open(path, legacy);
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ((*storage)->Load().last_voted_round(), 10u);
  EXPECT_FALSE(std::filesystem::exists(legacy));
}

// Proves that a legacy file that cannot be retired stops the node with a
// message naming it: left in place, it would be read again at every start.
TEST(RocksSafetyStorageTest, UnretirableLegacyFileRefusesToStart) {
  testing::TempDir dir;
  const std::string legacy = dir.Join("data.safety");
  v1::SafetyData old;
  old.set_last_voted_round(5);
  std::ofstream(legacy, std::ios::binary) << old.SerializeAsString();
  // Neither a rename onto a non-empty directory nor, as root, a permission
  // can be relied on to fail; a directory in the file's place can: the
  // file is retired by renaming it to <file>.imported.
  std::filesystem::create_directories(legacy + ".imported/keep");
  auto storage = RocksSafetyStorage::Open(dir.Join("data.consensus"), legacy);
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kFailedPrecondition) << storage.status();
  EXPECT_NE(storage.status().message().find(legacy), std::string::npos) << storage.status();
}

}  // namespace
}  // namespace remit
