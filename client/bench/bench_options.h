// What `remit bench` is asked to do, and every bound on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace remit::bench {

inline constexpr uint32_t kAccountsDefault = 1'000;
inline constexpr uint32_t kAccountsMin = 2;  // a sender needs someone to pay
inline constexpr uint32_t kAccountsMax = 10'000'000;
inline constexpr uint32_t kSpawnNodesMax = 16;
inline constexpr uint64_t kRateMax = 10'000'000;
inline constexpr uint32_t kConcurrencyMax = 1'000'000;
// Transfers in flight from one account at a time: far below the node's
// sequence window and per-sender mempool share (10,000 each), so that
// imbalance between accounts never runs into them.
inline constexpr uint32_t kInFlightPerAccountMax = 1'000;
inline constexpr double kDurationSecondsDefault = 10;
inline constexpr double kDurationSecondsMax = 3'600;
inline constexpr double kWarmupSecondsDefault = 2;
inline constexpr double kWarmupSecondsMax = 600;
inline constexpr double kRestartAfterSecondsDefault = 5;
// Transfers in one SettleBatch call: at most the node's
// settle_batch_transfers_max (node/limits.h).
inline constexpr uint32_t kBatchTransfersMaxDefault = 1'000;
inline constexpr uint32_t kBatchTransfersMax = 5'000;
inline constexpr uint32_t kTickMsDefault = 5;
inline constexpr uint32_t kTickMsMax = 1'000;
inline constexpr uint64_t kCallTimeoutMsDefault = 10'000;
inline constexpr uint64_t kCallTimeoutMsMax = 600'000;
// Pre-signed transfers kept in memory (about 400 bytes each).
inline constexpr uint64_t kTransfersMax = 20'000'000;
// Closed-loop runs pre-sign (warmup + duration) times this rate unless
// --transfers says otherwise; a run that uses them up stops offering and
// says so.
inline constexpr uint64_t kClosedLoopRateCeilingDefault = 20'000;
inline constexpr double kCryptoSecondsDefault = 2;
inline constexpr double kCryptoSecondsMax = 60;
inline constexpr uint32_t kSigningThreadsMax = 256;

struct BenchOptions {
  // Where the load goes: exactly one of these (none with `crypto`).
  std::vector<std::string> nodes;  // --node, already split and checked
  std::string testnet_dir;         // --testnet
  uint32_t spawn = 0;              // --spawn N validators in a temporary testnet
  uint32_t spawn_base_port = 0;    // 0: the first free range from 27000 up
  // --tls-ca: the CA a --node target's TLS certificates chain to; a
  // testnet's comes from its manifest. Empty: plaintext.
  std::string tls_ca_file;

  // The key that funds the accounts (an issuer of `asset`); empty: the
  // testnet's faucet.key.
  std::string issuer_key_path;
  std::string asset = "USD";
  uint32_t accounts = kAccountsDefault;

  // Exactly one: open loop at `rate` transfers/s, or closed loop with
  // `concurrency` transfers in flight.
  uint64_t rate = 0;
  uint32_t concurrency = 0;
  double duration_s = kDurationSecondsDefault;
  double warmup_s = kWarmupSecondsDefault;

  // kill -9 the leader this many seconds after the load starts (warmup
  // included), and start it again restart_after_s later.
  std::optional<double> kill_leader_at_s;
  double restart_after_s = kRestartAfterSecondsDefault;

  uint32_t batch_max = kBatchTransfersMaxDefault;
  uint32_t tick_ms = kTickMsDefault;
  uint64_t call_timeout_ms = kCallTimeoutMsDefault;
  uint64_t transfers = 0;        // pre-signed transfers; 0: derived from the load
  uint32_t signing_threads = 0;  // 0: one per hardware thread

  bool crypto = false;  // measure Ed25519 verification instead
  double crypto_seconds = kCryptoSecondsDefault;

  std::string json_path;  // "-": stdout; empty: no JSON
};

// INVALID_ARGUMENT naming the flag, its bounds and what to do, for any
// option out of bounds or combination that cannot work.
absl::Status ValidateBenchOptions(const BenchOptions& options);

// Seconds as whole microseconds.
uint64_t SecondsToUs(double seconds);

// How many transfers the run pre-signs: --transfers, or what the open-loop
// schedule needs, or (closed loop) the ceiling rate over the whole run.
uint64_t TransfersToPresign(const BenchOptions& options);

}  // namespace remit::bench
