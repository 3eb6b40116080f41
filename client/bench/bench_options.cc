#include "client/bench/bench_options.h"

#include <cmath>

#include "client/bench/open_loop_schedule.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bench {
namespace {

absl::Status Invalid(const std::string& message) { return absl::InvalidArgumentError(message); }

absl::Status CheckTarget(const BenchOptions& options) {
  const int targets = (options.nodes.empty() ? 0 : 1) + (options.testnet_dir.empty() ? 0 : 1) +
                      (options.spawn == 0 ? 0 : 1);
  if (options.crypto) {
    if (targets != 0) return Invalid("--crypto measures this machine only; drop the target flags");
    return absl::OkStatus();
  }
  if (targets != 1) {
    return Invalid(
        "give exactly one target: --testnet DIR, --node HOST:PORT, or --spawn N (a temporary "
        "testnet of N validators)");
  }
  if (options.spawn > kSpawnNodesMax) {
    return Invalid(StrCat("--spawn ", options.spawn, " is outside 1..", kSpawnNodesMax));
  }
  if (!options.nodes.empty() && options.issuer_key_path.empty()) {
    return Invalid("with --node, say which key funds the accounts: --issuer-key FILE");
  }
  return absl::OkStatus();
}

absl::Status CheckLoad(const BenchOptions& options) {
  if ((options.rate == 0) == (options.concurrency == 0)) {
    return Invalid(
        "give exactly one of --rate R (open loop, transfers/s) or --concurrency C (closed loop)");
  }
  if (options.rate > kRateMax) {
    return Invalid(StrCat("--rate ", options.rate, " is above ", kRateMax, " transfers/s"));
  }
  if (options.concurrency > kConcurrencyMax) {
    return Invalid(StrCat("--concurrency ", options.concurrency, " is above ", kConcurrencyMax));
  }
  if (options.accounts < kAccountsMin || options.accounts > kAccountsMax) {
    return Invalid(
        StrCat("--accounts ", options.accounts, " is outside ", kAccountsMin, "..", kAccountsMax));
  }
  if (uint64_t{options.concurrency} > uint64_t{options.accounts} * kInFlightPerAccountMax) {
    return Invalid(
        StrCat("--concurrency ", options.concurrency, " needs more than ", kInFlightPerAccountMax,
               " transfers in flight per account; raise --accounts to at least ",
               (options.concurrency + kInFlightPerAccountMax - 1) / kInFlightPerAccountMax));
  }
  if (!(options.duration_s > 0) || options.duration_s > kDurationSecondsMax) {
    return Invalid(StrCat("--duration ", options.duration_s, " is outside (0, ",
                          kDurationSecondsMax, "] seconds"));
  }
  if (!(options.warmup_s >= 0) || options.warmup_s > kWarmupSecondsMax) {
    return Invalid(
        StrCat("--warmup ", options.warmup_s, " is outside 0..", kWarmupSecondsMax, " seconds"));
  }
  return absl::OkStatus();
}

absl::Status CheckKill(const BenchOptions& options) {
  if (!options.kill_leader_at_s.has_value()) return absl::OkStatus();
  if (!options.nodes.empty()) {
    return Invalid(
        "--kill-leader-at needs to start and stop the nodes: use --testnet DIR or --spawn N");
  }
  const double at_s = *options.kill_leader_at_s;
  const double end_s = options.warmup_s + options.duration_s;
  if (!(at_s > 0) || at_s >= end_s) {
    return Invalid(StrCat("--kill-leader-at ", at_s, " must be inside the run, (0, ", end_s,
                          ") seconds after the load starts"));
  }
  if (!(options.restart_after_s >= 0) || options.restart_after_s > kDurationSecondsMax) {
    return Invalid(StrCat("--restart-after ", options.restart_after_s, " is outside 0..",
                          kDurationSecondsMax, " seconds"));
  }
  return absl::OkStatus();
}

absl::Status CheckTuning(const BenchOptions& options) {
  if (options.batch_max == 0 || options.batch_max > kBatchTransfersMax) {
    return Invalid(StrCat("--batch-max ", options.batch_max, " is outside 1..", kBatchTransfersMax,
                          " (the node's settle_batch_transfers_max)"));
  }
  if (options.tick_ms == 0 || options.tick_ms > kTickMsMax) {
    return Invalid(StrCat("--tick-ms ", options.tick_ms, " is outside 1..", kTickMsMax));
  }
  if (options.call_timeout_ms < 100 || options.call_timeout_ms > kCallTimeoutMsMax) {
    return Invalid(
        StrCat("--timeout-ms ", options.call_timeout_ms, " is outside 100..", kCallTimeoutMsMax));
  }
  if (options.transfers > kTransfersMax) {
    return Invalid(StrCat("--transfers ", options.transfers, " is above ", kTransfersMax,
                          " (each pre-signed transfer is kept in memory)"));
  }
  if (options.signing_threads > kSigningThreadsMax) {
    return Invalid(
        StrCat("--signing-threads ", options.signing_threads, " is above ", kSigningThreadsMax));
  }
  return absl::OkStatus();
}

}  // namespace

uint64_t SecondsToUs(double seconds) {
  REMIT_CHECK(seconds >= 0 && seconds <= 1e9);
  return static_cast<uint64_t>(std::llround(seconds * 1e6));
}

absl::Status ValidateBenchOptions(const BenchOptions& options) {
  RETURN_IF_ERROR(CheckTarget(options));
  if (options.crypto) {
    if (!(options.crypto_seconds > 0) || options.crypto_seconds > kCryptoSecondsMax) {
      return Invalid(StrCat("--crypto-seconds ", options.crypto_seconds, " is outside (0, ",
                            kCryptoSecondsMax, "]"));
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(CheckLoad(options));
  RETURN_IF_ERROR(CheckKill(options));
  RETURN_IF_ERROR(CheckTuning(options));
  if (TransfersToPresign(options) > kTransfersMax) {
    return Invalid(StrCat("the run needs ", TransfersToPresign(options),
                          " pre-signed transfers, above ", kTransfersMax,
                          "; lower --rate or --duration"));
  }
  return absl::OkStatus();
}

uint64_t TransfersToPresign(const BenchOptions& options) {
  if (options.transfers != 0) return options.transfers;
  const uint64_t run_us = SecondsToUs(options.warmup_s + options.duration_s);
  if (options.rate != 0) return OpenLoopSchedule(options.rate).CountWithin(run_us);
  const uint64_t ceiling =
      run_us / 1'000'000 * kClosedLoopRateCeilingDefault + kClosedLoopRateCeilingDefault;
  return std::max<uint64_t>(ceiling, 2 * uint64_t{options.concurrency});
}

}  // namespace remit::bench
