// OpenLoopSchedule and the kill-recovery analysis, both pure functions.
// Proves that DueCount(e) is exactly the number of transfers whose due time
// is <= e (so a tick sends each transfer once, never early), that the
// schedule keeps its rate over a long span without drift, and that the
// recovery analysis finds the baseline, the dip and the recovery point of
// a made-up timeline (including "never recovered", "no dip", and a backlog
// burst between two stalls, which is not recovery).
#include <gtest/gtest.h>

#include <vector>

#include "client/bench/kill_recovery.h"
#include "client/bench/open_loop_schedule.h"

namespace remit::bench {
namespace {

TEST(OpenLoopScheduleTest, DueCountCountsExactlyTheDueTransfers) {
  for (uint64_t rate : {1ull, 3ull, 7ull, 1'000ull, 33'333ull, 1'000'000ull, 10'000'000ull}) {
    const OpenLoopSchedule schedule(rate);
    for (uint64_t elapsed_us : {0ull, 1ull, 29ull, 999ull, 1'000ull, 999'999ull, 1'000'000ull,
                                1'234'567ull, 60'000'000ull}) {
      const uint64_t due = schedule.DueCount(elapsed_us);
      ASSERT_GE(due, 1u) << "transfer 0 is due at once";
      EXPECT_LE(schedule.DueAtUs(due - 1), elapsed_us) << rate << " " << elapsed_us;
      EXPECT_GT(schedule.DueAtUs(due), elapsed_us) << rate << " " << elapsed_us;
    }
  }
}

TEST(OpenLoopScheduleTest, DueTimesAreMonotonicAndKeepTheRate) {
  const OpenLoopSchedule schedule(12'345);
  uint64_t previous = 0;
  for (uint64_t i = 0; i < 100'000; ++i) {
    const uint64_t due = schedule.DueAtUs(i);
    ASSERT_GE(due, previous);
    previous = due;
  }
  // Over an hour the count is exact, not drifting.
  EXPECT_EQ(schedule.CountWithin(3'600'000'000ull), 12'345ull * 3'600);
  EXPECT_EQ(schedule.CountWithin(0), 0u);
  EXPECT_EQ(schedule.CountWithin(1), 1u);
}

// 100 ms slots at `per_slot`, with [from_slot, to_slot) at `low`.
std::vector<uint64_t> Timeline(size_t slots, uint64_t per_slot, size_t from_slot, size_t to_slot,
                               uint64_t low) {
  std::vector<uint64_t> settled(slots, per_slot);
  for (size_t i = from_slot; i < to_slot; ++i) settled[i] = low;
  return settled;
}

TEST(KillRecoveryTest, FindsBaselineDipAndRecovery) {
  // 1,000/s (100 per slot); killed at 10 s; nothing settles for 3 s.
  const std::vector<uint64_t> settled = Timeline(300, 100, 100, 130, 0);
  const KillRecovery result =
      AnalyseKillRecovery(settled, 100'000, 2'000'000, 10'000'000, 30'000'000);
  EXPECT_DOUBLE_EQ(result.baseline_tps, 1'000);
  EXPECT_EQ(result.dip_tps, 0u);
  ASSERT_TRUE(result.recovery_us.has_value());
  // The first 1 s window with >= 900 settled starts at 12.9 s (one slot of
  // the stall and nine good ones).
  EXPECT_EQ(*result.recovery_us, 2'900'000u);
}

TEST(KillRecoveryTest, NoDipMeansRecoveredAtOnce) {
  const std::vector<uint64_t> settled(300, 100);
  const KillRecovery result = AnalyseKillRecovery(settled, 100'000, 0, 10'050'000, 30'000'000);
  ASSERT_TRUE(result.recovery_us.has_value());
  EXPECT_EQ(*result.recovery_us, 50'000u);  // the next slot boundary
  EXPECT_EQ(result.dip_tps, 1'000u);
}

TEST(KillRecoveryTest, ABurstBetweenTwoStallsIsNotRecovery) {
  // Killed at 10 s: stalled 10-12 s, a backlog burst at 12 s, stalled again
  // 13-15 s, steady from 15 s.
  std::vector<uint64_t> settled = Timeline(300, 100, 100, 150, 0);
  settled[120] = 3'000;
  const KillRecovery result = AnalyseKillRecovery(settled, 100'000, 0, 10'000'000, 30'000'000);
  ASSERT_TRUE(result.recovery_us.has_value());
  EXPECT_EQ(*result.recovery_us, 4'900'000u);  // the window from 14.9 s
}

TEST(KillRecoveryTest, NeverRecoveredBeforeTheEnd) {
  const std::vector<uint64_t> settled = Timeline(300, 100, 100, 300, 50);
  const KillRecovery result = AnalyseKillRecovery(settled, 100'000, 0, 10'000'000, 30'000'000);
  EXPECT_FALSE(result.recovery_us.has_value());
  EXPECT_EQ(result.dip_tps, 500u);
}

TEST(KillRecoveryTest, BaselineIgnoresWarmup) {
  // Warmup (first 5 s) at 10/slot, then 100/slot; killed at 7 s.
  std::vector<uint64_t> settled = Timeline(200, 100, 0, 50, 10);
  const KillRecovery result =
      AnalyseKillRecovery(settled, 100'000, 5'000'000, 7'000'000, 20'000'000);
  EXPECT_DOUBLE_EQ(result.baseline_tps, 1'000);
}

}  // namespace
}  // namespace remit::bench
