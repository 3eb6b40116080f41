// SequenceManager: proves that sequences are handed out consecutively from
// the node's next sequence (fetched once per account, or seeded), that the
// in-flight bound (the node's sequence window) is enforced and freed by
// completions, that Resync restarts from the node's answer in a new epoch
// where older completions no longer count, that concurrent Resyncs of one
// epoch apply one answer, that fetch errors come back, and that many
// threads reserving at once never get overlapping sequences.
#include "client/sdk/sequence_manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace remit::sdk {
namespace {

AccountId Account(uint8_t n) {
  AccountId account{};
  account[0] = n;
  return account;
}

TEST(SequenceManagerTest, HandsOutConsecutiveSequencesFromTheNode) {
  std::atomic<int> fetches{0};
  SequenceManager manager([&](const AccountId&) -> absl::StatusOr<uint64_t> {
    ++fetches;
    return 40;
  });
  auto first = manager.Reserve(Account(1), 3);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->first, 40u);
  auto second = manager.Reserve(Account(1), 1);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->first, 43u);
  EXPECT_EQ(second->epoch, first->epoch);
  EXPECT_EQ(fetches, 1);
  EXPECT_EQ(manager.in_flight(Account(1)), 4u);
  manager.Seed(Account(2), 0);
  EXPECT_EQ(manager.Reserve(Account(2), 1)->first, 0u);
  EXPECT_EQ(fetches, 1);
}

TEST(SequenceManagerTest, EnforcesTheInFlightBound) {
  SequenceManager manager([](const AccountId&) -> absl::StatusOr<uint64_t> { return 0; }, 10);
  auto lease = manager.Reserve(Account(1), 10);
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(manager.Reserve(Account(1), 1).status().code(), absl::StatusCode::kResourceExhausted);
  manager.Complete(Account(1), lease->epoch, 2);
  auto more = manager.Reserve(Account(1), 2);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->first, 10u);
}

TEST(SequenceManagerTest, ResyncStartsANewEpochFromTheNode) {
  uint64_t node_next = 5;
  int fetches = 0;
  SequenceManager manager([&](const AccountId&) -> absl::StatusOr<uint64_t> {
    ++fetches;
    return node_next;
  });
  auto lease = manager.Reserve(Account(1), 100);
  ASSERT_TRUE(lease.ok());
  node_next = 7;  // only two of them were used
  auto next = manager.Resync(Account(1), lease->epoch);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 7u);
  EXPECT_EQ(manager.in_flight(Account(1)), 0u);
  // A second Resync for the old epoch does not fetch again.
  EXPECT_EQ(*manager.Resync(Account(1), lease->epoch), 7u);
  EXPECT_EQ(fetches, 2);
  // Completions of the old epoch are ignored.
  auto fresh = manager.Reserve(Account(1), 1);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->first, 7u);
  EXPECT_NE(fresh->epoch, lease->epoch);
  manager.Complete(Account(1), lease->epoch, 1);
  EXPECT_EQ(manager.in_flight(Account(1)), 1u);
}

TEST(SequenceManagerTest, FetchErrorsComeBack) {
  SequenceManager manager(
      [](const AccountId&) -> absl::StatusOr<uint64_t> { return absl::UnavailableError("down"); });
  EXPECT_EQ(manager.Reserve(Account(1), 1).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(manager.Resync(Account(1), 0).status().code(), absl::StatusCode::kUnavailable);
}

TEST(SequenceManagerTest, ConcurrentReservationsNeverOverlap) {
  SequenceManager manager([](const AccountId&) -> absl::StatusOr<uint64_t> { return 1; },
                          1'000'000);
  std::vector<std::vector<uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1'000; ++i) {
        auto lease = manager.Reserve(Account(9), 3);
        ASSERT_TRUE(lease.ok());
        for (uint64_t s = 0; s < lease->count; ++s) got[t].push_back(lease->first + s);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<uint64_t> all;
  for (const auto& part : got) all.insert(part.begin(), part.end());
  EXPECT_EQ(all.size(), 12'000u);
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), 12'000u);
}

}  // namespace
}  // namespace remit::sdk
