// BotStore's layout upgrades (a version-1 store's messages are indexed, a
// version-2 store's contacts become sets and its requests get expiries) and
// pruning, which deletes only the records its index entries name.
#include "client/bot/bot_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <stdlib.h>

#include <filesystem>

namespace remit::bot::testing {
namespace {

constexpr char kSep = '\x1f';

class BotStoreTest : public ::testing::Test {
 protected:
  BotStoreTest() {
    char pattern[] = "/tmp/remit-bot-store-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  ~BotStoreTest() override { std::filesystem::remove_all(dir_); }

  static MessageRecord Done(const std::string& id, uint64_t recorded_ms) {
    return MessageRecord{.identity = "alice@x",
                         .message_id = id,
                         .state = MessageState::kDone,
                         .transfer = std::nullopt,
                         .payment = {.kind = PaymentKind::kPay,
                                     .recipient = "bob@x",
                                     .to = {},
                                     .asset = "USD",
                                     .amount_minor = 1,
                                     .decimals = 2,
                                     .note = "",
                                     .request_code = "",
                                     .requester = ""},
                         .reply = "done " + id,
                         .recorded_ms = recorded_ms,
                         .text_digest = ""};
  }

  // The store's database opened directly, as an older bot left it.
  std::unique_ptr<rocksdb::DB> OpenRaw() const {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(options, dir_, &raw).ok()) return nullptr;
    return std::unique_ptr<rocksdb::DB>(raw);
  }

  std::string dir_;
};

// A store written before the index existed (no version key, records without
// recorded_ms) is indexed when opened: its finished records become
// prunable, as the oldest.
TEST_F(BotStoreTest, VersionOneStoreIsIndexedOnOpen) {
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_NE(db, nullptr);
    const std::string zero_account(64, '0');
    const std::string v1_record =
        R"({"identity":"alice@x","message_id":"old","state":2,"reply":"paid",)"
        R"("payment":{"kind":"pay","recipient":"bob@x","to":")" +
        zero_account +
        R"(","asset":"USD","amount_minor":1,"decimals":2,"note":"","request_code":""}})";
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), std::string("m") + kSep + "alice@x" + kSep + "old",
                        v1_record)
                    .ok());
  }
  std::unique_ptr<BotStore> store = *BotStore::Open(dir_);
  ASSERT_TRUE((*store->GetMessage("alice@x", "old")).has_value());
  EXPECT_EQ(*store->FinishedMessageCount(), 1u);
  BotStore::Batch batch;
  batch.PutMessage(Done("new", 5'000));
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(*store->PruneMessages({.before_ms = 1'000, .count_max = 100, .batch_max = 100}), 1u);
  EXPECT_FALSE((*store->GetMessage("alice@x", "old")).has_value());
  EXPECT_TRUE((*store->GetMessage("alice@x", "new")).has_value());
}

// The batch bound holds: a large backlog goes over several calls.
TEST_F(BotStoreTest, PruneIsBoundedPerCall) {
  std::unique_ptr<BotStore> store = *BotStore::Open(dir_);
  BotStore::Batch batch;
  for (uint64_t i = 0; i < 10; ++i) batch.PutMessage(Done("id" + std::to_string(i), 100 + i));
  ASSERT_TRUE(store->Write(batch).ok());
  const PruneLimits limits{.before_ms = 1'000, .count_max = 100, .batch_max = 4};
  EXPECT_EQ(*store->PruneMessages(limits), 4u);
  EXPECT_EQ(*store->PruneMessages(limits), 4u);
  EXPECT_EQ(*store->PruneMessages(limits), 2u);
  EXPECT_EQ(*store->FinishedMessageCount(), 0u);
}

// A version-2 store's contacts (one identity per name) become sets of one,
// and its requests get an expiry (kRequestTtlMsLegacy after they were
// made) and their index entry, so they expire like new ones.
TEST_F(BotStoreTest, VersionTwoContactsAndRequestsAreUpgraded) {
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_NE(db, nullptr);
    const rocksdb::WriteOptions write;
    ASSERT_TRUE(db->Put(write, "v", "2").ok());
    ASSERT_TRUE(db->Put(write, std::string("k") + kSep + "bob@x" + kSep + "alice", "alice@x").ok());
    const std::string v2_request =
        R"({"code":"R1234","requester":"carol@x","payer":"bob@x","asset":"USD",)"
        R"("amount_minor":100,"decimals":2,"note":"tea","created_ms":1000})";
    ASSERT_TRUE(
        db->Put(write, std::string("r") + kSep + "bob@x" + kSep + "R1234", v2_request).ok());
  }
  std::unique_ptr<BotStore> store = *BotStore::Open(dir_);
  EXPECT_EQ(*store->ContactsNamed("bob@x", "alice", 10), std::vector<std::string>{"alice@x"});
  const std::optional<PaymentRequest> request = *store->GetRequest("bob@x", "R1234");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->expires_ms, 1000 + kRequestTtlMsLegacy);
  EXPECT_TRUE(store->ExpiredRequests(1000 + kRequestTtlMsLegacy - 1, 10)->empty());
  const auto expired = *store->ExpiredRequests(1000 + kRequestTtlMsLegacy, 10);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], std::make_pair(std::string("bob@x"), std::string("R1234")));
  store.reset();
  // Opening again changes nothing.
  store = *BotStore::Open(dir_);
  EXPECT_EQ(*store->ContactsNamed("bob@x", "alice", 10), std::vector<std::string>{"alice@x"});
}

// A store of a newer layout is refused rather than misread.
TEST_F(BotStoreTest, UnknownLayoutRefused) {
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "v", "4").ok());
  }
  EXPECT_EQ(BotStore::Open(dir_).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace remit::bot::testing
