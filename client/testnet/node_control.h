// Starting, finding and stopping the remitd process of one testnet node.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/testnet/manifest.h"

namespace remit::testnet {

// StartNode writes a line beginning with this to the node's log before each
// start, so a log tail can show the last run only.
inline constexpr std::string_view kStartMarker = "=== remit testnet: starting";

struct NodeProcess {
  uint32_t index = 0;
  pid_t pid = 0;  // from the pid file; 0 if there is none
  // The pid is a live process running remitd with this node's config (so a
  // recycled pid is not mistaken for the node).
  bool alive = false;
};

NodeProcess FindNodeProcess(const TestnetManifest& manifest, uint32_t index);

// FAILED_PRECONDITION, saying which port and what to do, if the node's port
// is taken. Call only for a node that is not alive: its own port is its own.
absl::Status CheckNodePortFree(const TestnetManifest& manifest, uint32_t index);

// Starts remitd for the node, appending to its log, and writes its pid file.
// Does not wait for it to answer.
absl::StatusOr<pid_t> StartNode(const TestnetManifest& manifest, uint32_t index,
                                const std::string& remitd_path);

// Polls GetStatus on each node in `indices` until all answer as the expected
// validator of the chain in DIR/genesis.json: its chain id, validator count
// and that validator's public key. This is how `up` knows a multi-validator
// testnet is assembled. It does not wait for GetStatus peers_connected:
// remitd counts a peer as connected only after a message to it was
// delivered, and an idle chain sends none, so peers_connected stays 0 until
// the first transfer; peer links are made then, and lost messages are
// recovered by consensus timeouts. DEADLINE_EXCEEDED after timeout_ms;
// UNAVAILABLE as soon as one of them has died (naming its log);
// FAILED_PRECONDITION if a port answers as another chain or validator;
// ReadTestnetGenesis's errors.
absl::Status WaitUntilReady(const TestnetManifest& manifest, const std::vector<uint32_t>& indices,
                            uint64_t timeout_ms);

}  // namespace remit::testnet
