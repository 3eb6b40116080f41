// A local testnet of remitd processes in one directory (layout in
// manifest.h): `remit testnet up|down|kill|restart` and the SDK's way to find
// a testnet's endpoints.
//
// Every function that changes processes holds an exclusive flock on
// DIR/testnet.lock, so concurrent commands on one directory run one at a time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/testnet/manifest.h"
#include "client/testnet/market.h"
#include "client/testnet/node_control.h"

namespace remit::testnet {

inline constexpr uint64_t kReadyTimeoutMsDefault = 20'000;
inline constexpr uint64_t kStopGraceMsDefault = 10'000;

struct UpOptions {
  uint32_t nodes = 0;      // 0: as the testnet has, or 1 for a new one
  uint32_t base_port = 0;  // 0: as the testnet has, or kBasePortDefault
  uint64_t ready_timeout_ms = kReadyTimeoutMsDefault;
  uint64_t genesis_time_unix_ms = 0;  // for a new testnet
  std::string remitd_path = "";       // empty: FindRemitd()
  // Start and wait for this node only (restart); others are left as they are.
  std::optional<uint32_t> only_node = std::nullopt;
  // For a new testnet: per-peer drop rules for chaos tests (CreateOptions).
  bool fault_injection = false;
  // For a new testnet: TLS only, with its own CA (CreateOptions::tls).
  // INVALID_ARGUMENT for an existing plaintext testnet.
  bool tls = false;
  // For a new testnet: its market maker and basket (CreateOptions::market).
  MarketOptions market = {};
};

struct UpReport {
  TestnetManifest manifest;
  bool created = false;            // the directory was created by this call
  std::vector<NodeProcess> nodes;  // all of them
  std::vector<uint32_t> started;   // the indices this call started
};

// The endpoints of the testnet in `dir` (ReadManifest's errors).
absl::StatusOr<std::vector<std::string>> TestnetEndpoints(const std::string& dir);

// Creates the testnet in `dir` if it has no manifest, then starts every node
// that is not running, leaving running ones alone, and waits until all
// answer. Errors: INVALID_ARGUMENT if --nodes or --base-port differ from an
// existing testnet's, or only_node is out of range; FAILED_PRECONDITION if a port is taken (nothing
// is started then); NOT_FOUND if remitd is missing; UNAVAILABLE or DEADLINE_EXCEEDED from
// WaitUntilReady (started nodes keep running).
absl::StatusOr<UpReport> TestnetUp(const std::string& dir, const UpOptions& options);

struct StopReport {
  uint32_t index = 0;
  pid_t pid = 0;
  bool was_running = false;
  bool killed = false;  // needed SIGKILL (or was asked for it)
};

// SIGTERM to every running node, SIGKILL to any still alive after grace_ms.
// Keeps all data.
absl::StatusOr<std::vector<StopReport>> TestnetDown(const std::string& dir, uint64_t grace_ms);

// Stops one node: SIGKILL at once if `kill`, else as TestnetDown does.
// INVALID_ARGUMENT for an index the testnet does not have.
absl::StatusOr<StopReport> TestnetStopNode(const std::string& dir, uint32_t index, bool kill,
                                           uint64_t grace_ms);

}  // namespace remit::testnet
