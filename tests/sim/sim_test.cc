// Fixed seeds of the deterministic simulation across n = 1, 4 and 7, each
// fault kind and Byzantine mode on its own and all together. A failure
// prints the remit-sim command that reproduces it.
#include <gtest/gtest.h>

#include "tests/sim/byzantine.h"
#include "tests/sim/simulation.h"

namespace remit::sim {
namespace {

SimOptions Base(uint64_t seed, uint32_t validators) {
  SimOptions options;
  options.seed = seed;
  options.validators = validators;
  options.faulty_ms = 3'000;
  options.healed_ms = 3'000;
  return options;
}

SimReport ExpectNoViolation(const SimOptions& options) {
  const SimReport report = RunSimulation(options);
  for (const std::string& violation : report.violations) ADD_FAILURE() << violation;
  EXPECT_TRUE(report.violations.empty()) << "reproduce with: " << ReproCommand(options);
  EXPECT_GT(report.receipts_checked, 0u);
  return report;
}

SimOptions WithByzantine(uint64_t seed, uint32_t modes) {
  SimOptions options = Base(seed, 4);
  options.byzantine = 1;
  options.byzantine_modes = modes;
  return options;
}

// A single validator settles and checks its own invariants.
TEST(SimTest, SingleValidator) {
  for (uint64_t seed : {1, 2}) ExpectNoViolation(Base(seed, 1));
}

// Four validators on a clean network agree and settle.
TEST(SimTest, FourValidatorsCleanNetwork) {
  for (uint64_t seed : {1, 2, 3}) ExpectNoViolation(Base(seed, 4));
}

// Loss, duplication and reordering never break agreement, and settling
// resumes once the network heals.
TEST(SimTest, LossyDuplicatingReorderingNetwork) {
  for (uint64_t seed : {11, 12, 13}) {
    SimOptions options = Base(seed, 4);
    options.loss = 0.15;
    options.duplicate = 0.1;
    options.delay_ms_max = 40;
    ExpectNoViolation(options);
  }
}

// Partitions that heal: no fork while split, catch-up after.
TEST(SimTest, PartitionsHeal) {
  for (uint64_t seed : {21, 22, 23}) {
    SimOptions options = Base(seed, 4);
    options.partitions = true;
    ExpectNoViolation(options);
  }
}

// Crashes and restarts from durable state only; restarted validators catch up.
TEST(SimTest, CrashesAndRestarts) {
  for (uint64_t seed : {31, 32, 33}) {
    SimOptions options = Base(seed, 4);
    options.crashes = true;
    ExpectNoViolation(options);
  }
}

// Validators down for long stretches with tiny fetches fall far behind and
// catch up by pulling committed blocks in SyncRequest chunks, verified and
// executed before they commit; the cluster keeps agreeing meanwhile.
TEST(SimTest, FarBehindValidatorsCatchUpBySync) {
  uint64_t sync_requests = 0;
  for (const auto& [seed, fetch_blocks_max] : {std::pair{61u, 2u}, std::pair{62u, 4u}}) {
    SimOptions options = Base(seed, 4);
    options.crashes = true;
    options.outage_ms_max = 2'500;
    options.fetch_blocks_max = fetch_blocks_max;
    const SimReport report = RunSimulation(options);
    for (const std::string& violation : report.violations) ADD_FAILURE() << violation;
    EXPECT_TRUE(report.violations.empty()) << "reproduce with: " << ReproCommand(options);
    sync_requests += report.sync_requests;
  }
  EXPECT_GT(sync_requests, 0u) << "no validator fell far enough behind to sync";
}

// f Byzantine validators (equivocation, double votes, bad states, forgeries,
// impersonation, replays) cannot make honest validators disagree.
TEST(SimTest, ByzantineValidators) {
  for (uint64_t seed : {41, 42}) {
    SimOptions options = Base(seed, 4);
    options.byzantine = 1;
    ExpectNoViolation(options);
  }
  SimOptions seven = Base(43, 7);
  seven.byzantine = 2;
  ExpectNoViolation(seven);
}

// Seven validators with every benign fault at once.
TEST(SimTest, SevenValidatorsAllFaults) {
  for (uint64_t seed : {51, 52}) {
    SimOptions options = Base(seed, 7);
    options.loss = 0.1;
    options.duplicate = 0.05;
    options.partitions = true;
    options.crashes = true;
    ExpectNoViolation(options);
  }
}

// The workload settles every kind of operation (offers made and cancelled,
// strict send and receive through the genesis market maker, basket mint and
// redeem, claims created, claimed and reclaimed), so the state-hash, sum and
// receipt checks cover them, here across crashes and a lossy network.
TEST(SimTest, WorkloadSettlesEveryOperationKind) {
  SimOptions options = Base(71, 4);
  options.crashes = true;
  options.loss = 0.05;
  const SimReport report = ExpectNoViolation(options);
  for (const char* kind :
       {"transfer", "strict_send", "strict_receive", "offer_create", "offer_cancel", "basket_mint",
        "basket_redeem", "create_claim", "claim", "reclaim"}) {
    EXPECT_GT(report.settled_by_kind.count(kind) ? report.settled_by_kind.at(kind) : 0, 0u) << kind;
  }
}

// A Byzantine leader that zeroes or swaps a transfer's signature in its
// proposal gets nothing committed: every committed entry's signature verifies.
TEST(SimTest, ByzantineSwappedSignaturesAreNeverCommitted) {
  for (uint64_t seed : {81, 82}) {
    const SimReport report = ExpectNoViolation(WithByzantine(seed, kByzantineSwapSignature));
    EXPECT_GT(report.signatures_swapped, 0u);
  }
}

// A Byzantine leader that orders a sender's later sequence before its earlier
// one destroys neither: no client operation ends BAD_SEQUENCE, all settle.
TEST(SimTest, ByzantineReorderedSequencesLoseNothing) {
  uint64_t reordered = 0;
  for (uint64_t seed : {91, 92}) {
    SimOptions options = WithByzantine(seed, kByzantineReorderSequences);
    options.submit_interval_ms = 4;  // clients pipelining often
    reordered += ExpectNoViolation(options).sequences_reordered;
  }
  EXPECT_GT(reordered, 0u);
}

// Proposals whose QC differs per peer (a signer dropped or listed twice,
// signers out of order) split nobody: one leader per round, one chain.
TEST(SimTest, ByzantinePerPeerQcVariants) {
  for (uint64_t seed : {101, 102}) {
    const SimReport report = ExpectNoViolation(WithByzantine(seed, kByzantineQcVariants));
    EXPECT_GT(report.qc_variants, 0u);
  }
}

// Floods of proposals, votes for rounds ahead and SyncRequests keep what
// honest validators hold and serve under their bounds, and the chain settles.
TEST(SimTest, ByzantineFloodsStayBounded) {
  for (uint64_t seed : {111, 112}) {
    const SimReport report = ExpectNoViolation(WithByzantine(seed, kByzantineFlood));
    EXPECT_GT(report.floods, 0u);
  }
  SimOptions seven = Base(113, 7);
  seven.byzantine = 2;
  seven.byzantine_modes = kByzantineFlood;
  EXPECT_GT(ExpectNoViolation(seven).floods, 0u);
}

// Skewed wall clocks that also step back keep the cluster agreeing and
// settling (block times stay monotonic, proposals within the drift bound).
TEST(SimTest, ClockSkewAndBackwardSteps) {
  for (uint64_t seed : {121, 122, 123}) {
    SimOptions options = Base(seed, 4);
    options.clock_skew_ms_max = 1'000;
    options.clock_steps = true;
    ExpectNoViolation(options);
  }
}

// Leaders restarted right after proposing (from durable state, in the round
// they signed a proposal for) never sign a second block for it.
TEST(SimTest, LeaderRestartedRightAfterProposing) {
  for (uint64_t seed : {131, 132}) {
    SimOptions options = Base(seed, 4);
    options.restart_after_propose = 0.3;
    EXPECT_GT(ExpectNoViolation(options).faults_injected, 0u);
  }
}

// Every mode, fault and check together, at n = 7 with two Byzantine validators.
TEST(SimTest, SevenValidatorsEveryModeAndFault) {
  SimOptions options = Base(141, 7);
  options.byzantine = 2;
  options.loss = 0.05;
  options.crashes = false;
  options.clock_skew_ms_max = 500;
  options.clock_steps = true;
  options.restart_after_propose = 0.05;
  ExpectNoViolation(options);
}

// The signing audit is live: watching the Byzantine validator too (a test-only
// switch), it flags the double votes that validator signs.
TEST(SimTest, SigningAuditFlagsByzantineDoubleVotes) {
  SimOptions options = WithByzantine(151, kByzantineClassic);
  options.audit_byzantine = true;
  const SimReport report = RunSimulation(options);
  bool flagged = false;
  for (const std::string& violation : report.violations) {
    flagged = flagged || violation.find("validator 3 signed two different votes") == 0;
  }
  EXPECT_TRUE(flagged) << "reproduce with: " << ReproCommand(options);
}

}  // namespace
}  // namespace remit::sim
