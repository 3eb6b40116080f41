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

// A version-3 store opens as version 4: its records read as before (a
// payment without the cross-currency and claim fields is a plain one) and
// the claim tables start empty.
TEST_F(BotStoreTest, VersionThreeStoreOpensWithEmptyClaims) {
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_NE(db, nullptr);
    const rocksdb::WriteOptions write;
    ASSERT_TRUE(db->Put(write, "v", "3").ok());
    const std::string v3_confirmation =
        R"({"identity":"bob@x","code":"1234","message_id":"m1","created_ms":5,"payment":)"
        R"({"kind":"pay","recipient":"carol@x","to":")" +
        std::string(64, '0') +
        R"(","asset":"USD","amount_minor":2500,"decimals":2,"note":"","request_code":"",)"
        R"("requester":""}})";
    ASSERT_TRUE(db->Put(write, std::string("c") + kSep + "bob@x", v3_confirmation).ok());
  }
  std::unique_ptr<BotStore> store = *BotStore::Open(dir_);
  const std::optional<Confirmation> confirmation = *store->GetConfirmation("bob@x");
  ASSERT_TRUE(confirmation.has_value());
  EXPECT_EQ(confirmation->payment.amount_minor, 2500u);
  EXPECT_EQ(confirmation->payment.fx, FxMode::kNone);
  EXPECT_TRUE(confirmation->payment.claim_id.empty());
  EXPECT_TRUE(store->ClaimsOf("bob@x", 10)->empty());
  EXPECT_TRUE(store->ExpiredClaims(UINT64_MAX, 10)->empty());
  store.reset();
  store = *BotStore::Open(dir_);  // now version 4: opens again
  EXPECT_TRUE((*store->GetConfirmation("bob@x")).has_value());
}

// A claim's index entries follow its state: waiting for its recipient while
// open or being claimed, by expiry only while open, under its payer always.
TEST_F(BotStoreTest, ClaimIndexesFollowState) {
  std::unique_ptr<BotStore> store = *BotStore::Open(dir_);
  HeldClaim claim{.claim_id = std::string(32, 'c'),
                  .payer = "alice@x",
                  .recipient = "carol@y",
                  .asset = "USD",
                  .amount_minor = 500,
                  .decimals = 2,
                  .note = "lunch",
                  .sealed_code = "sealed",
                  .created_ms = 1000,
                  .expires_ms = 2000,
                  .state = ClaimState::kOpen,
                  .reclaim_attempts = 0};
  BotStore::Batch batch;
  batch.PutClaim(claim);
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(store->ClaimsWaitingFor("carol@y", 10)->size(), 1u);
  EXPECT_TRUE(store->ExpiredClaims(2000, 10)->empty());  // claimable at its expiry
  EXPECT_EQ(store->ExpiredClaims(2001, 10)->size(), 1u);
  claim.state = ClaimState::kClaiming;
  batch.PutClaim(claim);
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_EQ(store->ClaimsWaitingFor("carol@y", 10)->size(), 1u);
  EXPECT_TRUE(store->ExpiredClaims(2001, 10)->empty());
  claim.state = ClaimState::kClaimed;
  batch.PutClaim(claim);
  ASSERT_TRUE(store->Write(batch).ok());
  EXPECT_TRUE(store->ClaimsWaitingFor("carol@y", 10)->empty());
  const std::vector<HeldClaim> of_alice = *store->ClaimsOf("alice@x", 10);
  ASSERT_EQ(of_alice.size(), 1u);
  EXPECT_EQ(of_alice[0].state, ClaimState::kClaimed);
  EXPECT_EQ(of_alice[0].note, "lunch");
}

// A store of a newer layout is refused rather than misread.
TEST_F(BotStoreTest, UnknownLayoutRefused) {
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "v", "5").ok());
  }
  EXPECT_EQ(BotStore::Open(dir_).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace remit::bot::testing
