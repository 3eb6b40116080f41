// The chaos test (issue "Reliability and security"): a 4-validator testnet
// under steady load from many accounts while validators are killed -9 and
// restarted, paused and resumed, and partitioned from the others, never
// more than f at once. Every receipt any client received is recorded; at the
// end HistoryCheck compares them with every validator's history, and checks
// agreement, zero sums and sequences; FaultInjector reports validators that
// died on their own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/chaos/fault_injector.h"

namespace remit::chaos {

struct ChaosOptions {
  uint32_t validators = 4;
  uint32_t accounts = 100;
  uint64_t rate = 300;  // transfers/s offered, open loop
  double duration_s = 60;
  uint64_t seed = 1;
  std::string dir;         // empty: a temporary directory, removed after
  uint32_t base_port = 0;  // 0: a free range
  FaultOptions faults;
};

struct ChaosReport {
  std::string dir;
  uint64_t offered = 0;
  uint64_t settled = 0;   // SETTLED receipts clients received
  uint64_t rejected = 0;  // other final receipts
  uint64_t gave_up = 0;   // transfers the clients stopped retrying
  FaultCounts faults;
  uint64_t height = 0;
  uint64_t receipts_checked = 0;
  uint64_t records_seen = 0;
  std::vector<std::string> violations;
};

// Progress lines ("load started", "fault: kill validator 2", ...) go to `note`.
absl::StatusOr<ChaosReport> RunChaos(const ChaosOptions& options,
                                     const std::function<void(const std::string&)>& note);

}  // namespace remit::chaos
