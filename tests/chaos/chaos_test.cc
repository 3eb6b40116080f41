// The chaos test's short version for CI: real remitd processes, 40 s of
// load with kill -9, SIGSTOP and partitions of one validator at a time,
// then every receipt clients received is checked against every validator,
// with agreement, zero sums and sequences (tests/chaos/chaos.h). Proves that
// a fault schedule of this length loses nothing the clients were told; the
// long run is `remit-chaos --duration 1800`.
#include "tests/chaos/chaos.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/client/base_port.h"

#ifndef REMITD_BIN
#error "REMITD_BIN must name the remitd executable"
#endif

namespace remit::chaos {
namespace {

TEST(ChaosTest, FaultsUnderLoadLoseNothing) {
  ::setenv("REMITD", REMITD_BIN, 1);
  ChaosOptions options;
  options.duration_s = 40;
  options.rate = 200;
  options.accounts = 50;
  options.seed = 7;
  options.base_port = testing::BasePortCandidate(1) + 700;
  const auto report = RunChaos(options, [](const std::string&) {});
  ASSERT_TRUE(report.ok()) << report.status();
  for (const std::string& violation : report->violations) ADD_FAILURE() << violation;
  EXPECT_GT(report->faults.total(), 0u);
  EXPECT_GT(report->settled, 0u);
  EXPECT_GT(report->receipts_checked, 0u);
}

}  // namespace
}  // namespace remit::chaos
