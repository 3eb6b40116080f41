// RunBench: one `remit bench` load run from start to report: find or spawn
// the validators, create and fund the accounts, pre-sign the transfers,
// run the load (and the leader kill), and sum it up.
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "client/bench/bench_options.h"
#include "client/bench/bench_report.h"

namespace remit::bench {

// Funding margin per account beyond what its transfers need, in minor units.
inline constexpr uint64_t kFundingMarginMinor = 100;

struct BenchHooks {
  // About once a second during the load: a one-line progress summary.
  std::function<void(const std::string& line)> progress;
  // Setup steps ("funding 1000 accounts ..."), for a human reading along.
  std::function<void(const std::string& line)> note;
  // Polled every tick of the load; true ends it early (the report covers
  // the time until then). For Ctrl-C.
  std::function<bool()> interrupted;
};

// Precondition: ValidateBenchOptions(options) is OK and !options.crypto.
// Errors: INVALID_ARGUMENT for what the user can fix (unknown asset, an
// issuer key that is not the asset's issuer, a funding amount above the
// asset's per-transfer limit); the node's errors otherwise (e.g.
// UNAVAILABLE); the testnet library's when spawning.
absl::StatusOr<BenchReport> RunBench(const BenchOptions& options, const BenchHooks& hooks);

}  // namespace remit::bench
