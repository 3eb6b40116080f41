// Fixed seeds of the deterministic simulation across n = 1, 4 and 7, each
// fault kind on its own and all together. A failure prints the remit-sim
// command that reproduces it.
#include <gtest/gtest.h>

#include "tests/sim/simulation.h"

namespace remit::sim {
namespace {

void ExpectNoViolation(const SimOptions& options) {
  const SimReport report = RunSimulation(options);
  for (const std::string& violation : report.violations) ADD_FAILURE() << violation;
  EXPECT_TRUE(report.violations.empty()) << "reproduce with: " << ReproCommand(options);
  EXPECT_GT(report.receipts_checked, 0u);
}

SimOptions Base(uint64_t seed, uint32_t validators) {
  SimOptions options;
  options.seed = seed;
  options.validators = validators;
  options.faulty_ms = 3'000;
  options.healed_ms = 3'000;
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

}  // namespace
}  // namespace remit::sim
