// A testnet directory and its manifest. `remit testnet up --dir DIR` lays
// DIR out as:
//
//   DIR/testnet.json          the manifest (below); written last, so its
//                             presence means the directory is complete
//   DIR/genesis.json          chain id, assets, validators
//   DIR/faucet.key            the issuer of every asset (a key file, 0600)
//   DIR/testnet.lock          flock'ed while a command changes the testnet
//   DIR/nodeI/node.toml       remitd's config, absolute paths
//   DIR/nodeI/validator.key   validator I's key
//   DIR/nodeI/data/           its store
//   DIR/nodeI/data.consensus/ its consensus safety data and uncommitted blocks
//   DIR/nodeI/remitd.log      its stdout and stderr, appended
//   DIR/nodeI/remitd.pid      pid of the last remitd started for it
//   DIR/nodeI/faults          peers it is cut off from (chaos-test testnets only)
//   DIR/tls/, DIR/nodeI/tls.* CA and node certificates (--tls only; tls_files.h)
//
//   testnet.json = {"version": 1, "chain_id": "remit-testnet", "base_port": 7100,
//                   "faucet_address": "rmt1...", "tls": false,
//                   "nodes": [{"index": 0, "endpoint": "127.0.0.1:7100",
//                              "metrics_endpoint": "127.0.0.1:8100"}, ...]}
//
// "tls" (absent: false) says the nodes serve only TLS, with certificates from
// the CA in DIR/tls/ca.crt, which clients of the testnet must trust.
//
// Node I listens on 127.0.0.1:(base_port + I), and serves /metrics on its
// "metrics_endpoint" (absent in older testnets: no metrics), a port chosen
// free when the testnet was made, from base_port + kMetricsPortOffset + I up.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/genesis.h"

namespace remit::testnet {

inline constexpr uint32_t kManifestVersion = 1;
inline constexpr uint32_t kTestnetNodesMax = 16;
inline constexpr uint32_t kBasePortDefault = 7100;
inline constexpr std::string_view kTestnetChainId = "remit-testnet";
inline constexpr uint32_t kMetricsPortOffset = 1000;

struct TestnetNode {
  uint32_t index = 0;
  std::string endpoint;  // "127.0.0.1:PORT"
  uint32_t port = 0;
  std::string metrics_endpoint;  // "127.0.0.1:PORT" of /metrics; empty: none
};

struct TestnetManifest {
  std::string dir;  // absolute path of the testnet directory; not stored
  std::string chain_id;
  uint32_t base_port = 0;
  std::string faucet_address;
  std::vector<TestnetNode> nodes;
  bool tls = false;
};

// Paths inside a testnet directory.
std::string ManifestPath(const std::string& dir);
std::string GenesisPath(const std::string& dir);
std::string FaucetKeyPath(const std::string& dir);
std::string LockPath(const std::string& dir);
std::string NodeDir(const std::string& dir, uint32_t index);
std::string NodeConfigPath(const std::string& dir, uint32_t index);
std::string NodeKeyPath(const std::string& dir, uint32_t index);
std::string NodeDataDir(const std::string& dir, uint32_t index);
std::string NodeLogPath(const std::string& dir, uint32_t index);
// Per-peer drop rules of a testnet made for chaos tests (node/peer_faults.h).
std::string NodeFaultPath(const std::string& dir, uint32_t index);
std::string NodePidPath(const std::string& dir, uint32_t index);

// The absolute form of `dir`, without "." or ".." parts.
std::string AbsoluteDir(const std::string& dir);

// NOT_FOUND (saying how to create one) if DIR has no manifest;
// INVALID_ARGUMENT if it does not parse or is inconsistent.
absl::StatusOr<TestnetManifest> ReadManifest(const std::string& dir);
// Writes manifest.dir/testnet.json atomically (temporary file and rename).
absl::Status WriteManifest(const TestnetManifest& manifest);

// DIR/genesis.json, parsed: NOT_FOUND if it is missing, INVALID_ARGUMENT if
// it does not parse (ParseGenesis).
absl::StatusOr<Genesis> ReadTestnetGenesis(const std::string& dir);

// The nodes' endpoints in index order.
std::vector<std::string> ManifestEndpoints(const TestnetManifest& manifest);

// The CA file clients must trust (sdk::ClientOptions::tls_ca_file): DIR/tls/ca.crt
// for a TLS testnet, empty for a plaintext one.
std::string ManifestTlsCaFile(const TestnetManifest& manifest);

}  // namespace remit::testnet
