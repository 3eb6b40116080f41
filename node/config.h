// remitd's configuration file (TOML):
//
//   data_dir  = "/path/node0/data"        # RocksDB directory, created if missing
//   listen    = "127.0.0.1:7100"          # gRPC address of the public API
//   genesis   = "/path/genesis.json"
//   key_file  = "/path/node0/validator.key"
//   log_level = "info"                    # trace, debug, info, warn, error
//   fault_file = "/path/node0/faults"     # chaos tests only: peer_faults.h
//   metrics_listen = "127.0.0.1:9100"     # optional: GET /metrics (Prometheus
//                                         # text), loopback only; off when unset
//   [limits]                              # optional; see node/limits.h
//   mempool_transfers_max = 200000
//   [consensus]                           # optional; see node/consensus/core.h
//   round_timeout_ms = 1000
//   [tls]                                 # optional: both APIs over TLS
//   cert_file = "/path/node0/tls.crt"     # this node's certificate chain (PEM)
//   key_file  = "/path/node0/tls.key"     # its private key (PEM)
//   ca_file   = "/path/ca.crt"            # the CA (PEM) peers' certificates chain to
//
// Without [tls] the public Ledger API and the validator Consensus API (one
// listening port) are plaintext. With it they are served only over TLS
// (server-authenticated; validators prove who they are by signing their
// envelopes, not by client certificates), and this validator dials its peers
// over TLS, checking their certificates against ca_file for the host in
// their genesis endpoint. All three entries are then required.
//
// Relative paths are resolved against the config file's directory.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "node/consensus/core.h"
#include "node/limits.h"

namespace remit {

// PEM file paths; all empty means plaintext.
struct NodeTlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  bool enabled() const { return !cert_file.empty(); }
};

struct NodeConfig {
  std::string data_dir;
  std::string listen;
  std::string genesis_path;
  std::string key_file;
  std::string log_level = "info";
  std::string fault_file;      // empty: no fault injection
  std::string metrics_listen;  // empty: no /metrics (node/metrics_server.h)
  NodeLimits limits;
  ConsensusOptions consensus;
  NodeTlsConfig tls;
};

// INVALID_ARGUMENT naming the key for a missing, mistyped or unknown entry.
absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace remit
