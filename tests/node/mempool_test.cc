#include "node/mempool.h"

#include <gtest/gtest.h>

#include "tests/node/pending_transfer.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using testing::TestChain;

PendingTransfer Pending(const v1::SignedTransfer& signed_transfer) {
  return testing::PendingOf(signed_transfer);
}

class MempoolTest : public ::testing::Test {
 protected:
  TestChain chain = TestChain::Make(3);
  NodeLimits limits;
  const AccountId& alice() { return chain.users[0].public_key(); }
  const AccountId& bob() { return chain.users[1].public_key(); }
  static uint64_t Zero(const AccountId&) { return 0; }
};

// Admission refuses used sequences, sequences beyond the window, a second
// transfer for a taken sequence, and expired transfers, each with its reason.
TEST_F(MempoolTest, AdmissionRefusesBadSequencesAndExpiry) {
  limits.sequence_window = 10;
  Mempool pool(limits);
  auto used = pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 2)), 5, 0);
  EXPECT_EQ(used.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(used.status().message().find("already used"), std::string::npos);
  auto far = pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 15)), 5, 0);
  EXPECT_EQ(far.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(far.status().message().find("too far ahead"), std::string::npos);
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 5)), 5, 0).ok());
  auto taken = pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 2, 5)), 5, 0);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(taken.status().message().find("taken"), std::string::npos);
  auto expired =
      pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 6, "USD", "", 99)), 5, 100);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pool.size(), 1u);
}

// Gap::kRefuse (Settle) refuses, naming the next and the first missing
// sequence, a transfer that cannot execute now, and pools nothing; one whose
// earlier sequences are all pending is admitted; a gapped transfer pooled
// earlier (Gap::kWait, Submit) stays pooled when refused again.
TEST_F(MempoolTest, RefusedGapIsNotPooledAndFilledGapIsAdmitted) {
  using Gap = Mempool::Gap;
  Mempool pool(limits);
  const auto gapped =
      pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 7)), 5, 0, {}, Gap::kRefuse);
  EXPECT_EQ(gapped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(gapped.status().message().rfind("sequence_gap: ", 0), 0u) << gapped.status();
  EXPECT_NE(gapped.status().message().find("next sequence 5 and sequence 5 is not pending"),
            std::string::npos)
      << gapped.status();
  EXPECT_EQ(pool.size(), 0u);
  ASSERT_TRUE(
      pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 5)), 5, 0, {}, Gap::kRefuse).ok());
  const auto second_missing =
      pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 7)), 5, 0, {}, Gap::kRefuse);
  EXPECT_NE(second_missing.status().message().find("sequence 6 is not pending"), std::string::npos)
      << second_missing.status();
  const auto waiting = chain.Transfer(chain.users[0], bob(), 1, 7);
  ASSERT_TRUE(pool.Add(Pending(waiting), 5, 0, {}, Gap::kWait).ok());
  const auto again = pool.Add(Pending(waiting), 5, 0, {}, Gap::kRefuse);
  EXPECT_NE(again.status().message().find("stays pending"), std::string::npos) << again.status();
  EXPECT_TRUE(pool.Contains(ComputeTransferId(waiting.transfer())));
  ASSERT_TRUE(
      pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 6)), 5, 0, {}, Gap::kRefuse).ok());
  EXPECT_EQ(pool.size(), 3u);
}

// The same transfer twice is reported as already pending, not added twice.
TEST_F(MempoolTest, DuplicateIsAlreadyPending) {
  Mempool pool(limits);
  const auto transfer = chain.Transfer(chain.users[0], bob(), 1, 0);
  EXPECT_EQ(*pool.Add(Pending(transfer), 0, 0), Mempool::Admission::kAdded);
  EXPECT_EQ(*pool.Add(Pending(transfer), 0, 0), Mempool::Admission::kAlreadyPending);
  EXPECT_EQ(pool.size(), 1u);
}

// The pool and each sender's share are bounded with RESOURCE_EXHAUSTED.
TEST_F(MempoolTest, CapacityLimitsAreEnforced) {
  limits.mempool_transfers_max = 3;
  limits.mempool_sender_transfers_max = 2;
  Mempool pool(limits);
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 0)), 0, 0).ok());
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 1)), 0, 0).ok());
  auto share = pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 2)), 0, 0);
  EXPECT_EQ(share.status().code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[1], alice(), 1, 0)), 0, 0).ok());
  auto full = pool.Add(Pending(chain.Transfer(chain.users[2], alice(), 1, 0)), 0, 0);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.size(), 3u);
}

// A sender whose share is full of transfers stuck behind a missing sequence
// can still send the missing one: it takes the place of the highest pending
// sequence, which is reported so that its waiter can be told.
TEST_F(MempoolTest, MissingSequenceDisplacesTheSendersLastWhenItsShareIsFull) {
  limits.mempool_sender_transfers_max = 2;
  Mempool pool(limits);
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 1)), 0, 0).ok());
  const auto last = chain.Transfer(chain.users[0], bob(), 1, 2);
  ASSERT_TRUE(pool.Add(Pending(last), 0, 0).ok());
  auto beyond = pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 3)), 0, 0);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(pool.TakeEvicted().empty());
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, 0)), 0, 0).ok());
  EXPECT_EQ(pool.size(), 2u);
  const auto evicted = pool.TakeEvicted();
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].first, ComputeTransferId(last.transfer()));
  EXPECT_EQ(evicted[0].second.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.Ready(10, Zero).size(), 2u);  // 0 and 1
}

// A full pool does not lock out a transfer that can execute: it displaces
// the last transfer of a sender whose next sequence is missing. When every
// pending transfer can execute, the pool stays full.
TEST_F(MempoolTest, FullPoolMakesRoomOnlyForTransfersThatCanExecute) {
  limits.mempool_transfers_max = 3;
  Mempool pool(limits);
  for (uint64_t seq : {1, 2, 3}) {  // sequence 0 never comes
    ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, seq)), 0, 0).ok());
  }
  auto stuck = pool.Add(Pending(chain.Transfer(chain.users[1], alice(), 1, 5)), 0, 0, Zero);
  EXPECT_EQ(stuck.status().code(), absl::StatusCode::kResourceExhausted);
  auto without_lookup = pool.Add(Pending(chain.Transfer(chain.users[1], alice(), 1, 0)), 0, 0);
  EXPECT_EQ(without_lookup.status().code(), absl::StatusCode::kResourceExhausted);
  for (uint64_t seq : {0, 1, 2}) {
    ASSERT_TRUE(
        pool.Add(Pending(chain.Transfer(chain.users[1], alice(), 1, seq)), 0, 0, Zero).ok());
  }
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_EQ(pool.TakeEvicted().size(), 3u);
  auto full = pool.Add(Pending(chain.Transfer(chain.users[2], alice(), 1, 0)), 0, 0, Zero);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(full.status().message().find("mempool is full"), std::string::npos);
  EXPECT_EQ(pool.Ready(10, Zero).size(), 3u);
}

// Ready returns only consecutive sequences from each sender's next one, and
// serves senders round-robin so a busy sender cannot starve another.
TEST_F(MempoolTest, ReadyTakesConsecutiveRunsRoundRobin) {
  Mempool pool(limits);
  for (uint64_t seq : {0, 1, 3}) {
    ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[0], bob(), 1, seq)), 0, 0).ok());
  }
  ASSERT_TRUE(pool.Add(Pending(chain.Transfer(chain.users[1], alice(), 1, 0)), 0, 0).ok());
  const auto all = pool.Ready(100, Zero);
  ASSERT_EQ(all.size(), 3u);  // sequence 3 waits for 2
  const auto first = pool.Ready(1, Zero);
  const auto second = pool.Ready(1, Zero);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(first[0].transfer().from(), second[0].transfer().from());
}

// A committed block removes its transfers and everything whose sequence it
// consumed; expired transfers that cannot run next are dropped and reported.
TEST_F(MempoolTest, CommitAndExpiryRemoveTransfers) {
  Mempool pool(limits);
  const auto t0 = chain.Transfer(chain.users[0], bob(), 1, 0);
  const auto t0_rival = chain.Transfer(chain.users[0], chain.issuer.public_key(), 1, 1);
  const auto t5 = chain.Transfer(chain.users[0], bob(), 1, 5, "USD", "", 1000);
  ASSERT_TRUE(pool.Add(Pending(t0), 0, 0).ok());
  ASSERT_TRUE(pool.Add(Pending(t0_rival), 0, 0).ok());
  ASSERT_TRUE(pool.Add(Pending(t5), 0, 0).ok());
  BlockEffects effects;
  effects.records.emplace_back().mutable_receipt()->set_transfer_id(
      ToString(ComputeTransferId(t0.transfer())));
  effects.next_sequences[alice()] = 2;  // sequence 1 consumed by some other transfer
  const auto superseded = pool.OnCommitted(effects);
  ASSERT_EQ(superseded.size(), 1u);  // its waiters are told at once
  EXPECT_EQ(superseded[0], ComputeTransferId(t0_rival.transfer()));
  EXPECT_EQ(pool.size(), 1u);
  const auto dropped = pool.DropExpired(2000, [](const AccountId&) { return 2; });
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0], ComputeTransferId(t5.transfer()));
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace remit
