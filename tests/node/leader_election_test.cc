// LeaderElection: round-robin while everyone is alive; a validator whose
// round failed is skipped once that failure is in committed history, comes
// back by voting or when the failure leaves the window; and a validator
// whose history does not reach a round's anchor falls back to round-robin.
#include "node/consensus/leader_election.h"

#include <gtest/gtest.h>

namespace remit {
namespace {

constexpr uint32_t kValidators = 4;

LeaderElectionOptions Options(uint64_t window_rounds = 1'000) {
  LeaderElectionOptions options;
  options.exclude_rounds = 4;
  options.window_rounds = window_rounds;
  return options;
}

// Commits blocks for rounds first..last (each extending the previous round),
// proposed by whoever leads, each header naming `voters` as the signers of
// its parent's QC.
void CommitRounds(LeaderElection& election, uint64_t first, uint64_t last,
                  const std::vector<uint32_t>& voters, uint64_t parent_round) {
  for (uint64_t round = first; round <= last; ++round) {
    election.OnCommitted(round, parent_round, election.LeaderOf(round), voters);
    parent_round = round;
  }
}

TEST(LeaderElectionTest, RoundRobinWhileAllAlive) {
  LeaderElection election(kValidators, Options());
  CommitRounds(election, 1, 40, {0, 1, 2, 3}, 0);
  for (uint64_t round = 41; round < 60; ++round) {
    EXPECT_EQ(election.LeaderOf(round), round % kValidators) << round;
  }
}

// Validator 2 dies: its round 42 fails (the next block, round 43, has parent
// round 41). From round 46 (= 42 + exclude) on, its rounds go to validator 3,
// and every other validator keeps its own rounds.
TEST(LeaderElectionTest, FailedLeaderIsSkippedUntilItVotes) {
  LeaderElection election(kValidators, Options());
  const std::vector<uint32_t> alive = {0, 1, 3};
  CommitRounds(election, 1, 41, {0, 1, 2, 3}, 0);
  ASSERT_EQ(election.LeaderOf(42), 2u);
  CommitRounds(election, 43, 50, alive, 41);
  EXPECT_EQ(election.LeaderOf(38), 2u);  // anchor 34: before the failure
  EXPECT_EQ(election.LeaderOf(46), 3u);  // anchor 42 sees it: skipped
  EXPECT_EQ(election.LeaderOf(50), 3u);
  EXPECT_EQ(election.LeaderOf(51), 3u);
  EXPECT_EQ(election.LeaderOf(52), 0u);
  EXPECT_EQ(election.SkippedAt(50), std::vector<uint32_t>{2});
  // Back up, validator 2 signs round 51's QC, which block 52's header
  // names; from round 55 it leads again.
  CommitRounds(election, 51, 51, alive, 50);
  election.OnCommitted(52, 51, election.LeaderOf(52), {0, 1, 2});
  CommitRounds(election, 53, 53, alive, 52);
  EXPECT_EQ(election.LeaderOf(54), 3u);  // anchor 50: still the failure
  EXPECT_EQ(election.LeaderOf(58), 2u);  // anchor 54: it voted at 51
}

// A failure older than the window no longer counts.
TEST(LeaderElectionTest, FailureLeavesTheWindow) {
  LeaderElection election(kValidators, Options(/*window_rounds=*/20));
  const std::vector<uint32_t> alive = {0, 1, 3};
  CommitRounds(election, 1, 41, {0, 1, 2, 3}, 0);
  CommitRounds(election, 43, 60, alive, 41);
  EXPECT_EQ(election.LeaderOf(58), 3u);  // window (34, 54] holds round 42
  CommitRounds(election, 61, 70, alive, 60);
  EXPECT_EQ(election.LeaderOf(70), 2u);  // window (46, 66] does not
}

// With committed history short of the anchor, round-robin: two validators
// that disagree on history can only disagree where one of them lacks it.
TEST(LeaderElectionTest, FallsBackWithoutHistory) {
  LeaderElection behind(kValidators, Options());
  LeaderElection ahead(kValidators, Options());
  CommitRounds(behind, 1, 41, {0, 1, 2, 3}, 0);
  CommitRounds(ahead, 1, 41, {0, 1, 2, 3}, 0);
  CommitRounds(ahead, 43, 60, {0, 1, 3}, 41);
  EXPECT_EQ(behind.LeaderOf(58), 2u);  // committed up to 41 < anchor 54
  EXPECT_EQ(ahead.LeaderOf(58), 3u);
  CommitRounds(behind, 43, 60, {0, 1, 3}, 41);
  for (uint64_t round = 45; round < 64; ++round) {
    EXPECT_EQ(behind.LeaderOf(round), ahead.LeaderOf(round)) << round;
  }
}

}  // namespace
}  // namespace remit
