// remitd's configuration file (TOML):
//
//   data_dir  = "/path/node0/data"        # RocksDB directory, created if missing
//   listen    = "127.0.0.1:7100"          # gRPC address of the public API
//   genesis   = "/path/genesis.json"
//   key_file  = "/path/node0/validator.key"
//   log_level = "info"                    # trace, debug, info, warn, error
//   fault_file = "/path/node0/faults"     # chaos tests only: peer_faults.h
//   [limits]                              # optional; see node/limits.h
//   mempool_transfers_max = 200000
//   [consensus]                           # optional; see node/consensus/core.h
//   round_timeout_ms = 1000
//
// Relative paths are resolved against the config file's directory.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "node/consensus/core.h"
#include "node/limits.h"

namespace remit {

struct NodeConfig {
  std::string data_dir;
  std::string listen;
  std::string genesis_path;
  std::string key_file;
  std::string log_level = "info";
  std::string fault_file;  // empty: no fault injection
  NodeLimits limits;
  ConsensusOptions consensus;
};

// INVALID_ARGUMENT naming the key for a missing, mistyped or unknown entry.
absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace remit
