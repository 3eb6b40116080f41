#include "client/testnet/create.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "client/testnet/port.h"
#include "client/testnet/tls_files.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"

namespace remit::testnet {
namespace {

constexpr uint32_t kPortMax = 65535;
// Ports tried above base_port + kMetricsPortOffset for the nodes' metrics.
constexpr uint32_t kMetricsPortTries = 200;

absl::Status CheckCreateOptions(const std::string& dir, const CreateOptions& options) {
  REMIT_CHECK(!dir.empty() && dir.front() == '/');
  if (options.nodes == 0 || options.nodes > kTestnetNodesMax) {
    return absl::InvalidArgumentError(
        StrCat("--nodes ", options.nodes, " is outside 1..", kTestnetNodesMax));
  }
  if (options.base_port == 0 ||
      options.base_port + kMetricsPortOffset + kMetricsPortTries + options.nodes > kPortMax) {
    return absl::InvalidArgumentError(StrCat("--base-port ", options.base_port, " with ",
                                             options.nodes, " nodes (and their metrics ports ",
                                             kMetricsPortOffset, " above) needs ports beyond ",
                                             kPortMax, "; pick a lower --base-port"));
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().string() != LockPath(dir)) {
      return absl::AlreadyExistsError(
          StrCat(dir,
                 " already holds files but no testnet.json; pick a new --dir "
                 "or empty this one"));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.flush();
  if (!out) return absl::InternalError(StrCat("cannot write ", path));
  return absl::OkStatus();
}

// A free loopback port for each node's /metrics, from base_port +
// kMetricsPortOffset up, none of them a node's API port.
absl::StatusOr<std::vector<uint32_t>> MetricsPorts(const CreateOptions& options) {
  std::vector<uint32_t> ports;
  uint32_t port = options.base_port + kMetricsPortOffset;
  const uint32_t last = port + kMetricsPortTries + options.nodes;
  for (; port < last && ports.size() < options.nodes; ++port) {
    const bool api = port >= options.base_port && port < options.base_port + options.nodes;
    if (!api && IsPortFree(port)) ports.push_back(port);
  }
  if (ports.size() < options.nodes) {
    return absl::FailedPreconditionError(StrCat("no ", options.nodes, " free ports for metrics in ",
                                                options.base_port + kMetricsPortOffset, "..", last,
                                                "; pick another --base-port"));
  }
  return ports;
}

std::string NodeConfig(const std::string& dir, uint32_t index, const TestnetNode& node,
                       const CreateOptions& options) {
  const std::string& endpoint = node.endpoint;
  // Validators on one machine answer each other in milliseconds: a round
  // with a dead leader can time out much sooner than remitd's default,
  // which allows for wide-area links. Slow rounds under load still stretch
  // the timeout (ConsensusCore::ArmTimer).
  const toml::table consensus{{"round_timeout_ms", kTestnetRoundTimeoutMs}};
  toml::table table{{"data_dir", NodeDataDir(dir, index)},
                    {"listen", endpoint},
                    {"genesis", GenesisPath(dir)},
                    {"key_file", NodeKeyPath(dir, index)},
                    {"log_level", options.log_level},
                    {"consensus", consensus},
                    {"metrics_listen", node.metrics_endpoint}};
  if (options.fault_injection) table.insert("fault_file", NodeFaultPath(dir, index));
  if (options.tls) {
    table.insert("tls", toml::table{{"cert_file", NodeTlsCertPath(dir, index)},
                                    {"key_file", NodeTlsKeyPath(dir, index)},
                                    {"ca_file", TlsCaPath(dir)}});
  }
  std::ostringstream out;
  out << "# remitd config of validator " << index << ", written by 'remit testnet up'.\n"
      << table << "\n";
  return out.str();
}

Genesis TestnetGenesis(const AccountId& faucet, uint64_t genesis_time_unix_ms) {
  Genesis genesis;
  genesis.chain_id = std::string(kTestnetChainId);
  genesis.genesis_time_unix_ms = genesis_time_unix_ms;
  for (const std::string& code : TestnetAssetCodes()) {
    genesis.assets.push_back(AssetInfo{.code = code,
                                       .decimals = kTestnetAssetDecimals,
                                       .issuer = faucet,
                                       .transfer_max_minor = kTestnetTransferMaxMinor});
  }
  return genesis;
}

}  // namespace

const std::vector<std::string>& TestnetAssetCodes() {
  static const std::vector<std::string> codes = {"USD", "EUR", "PHP", "MXN", "KES", "INR"};
  return codes;
}

absl::StatusOr<TestnetManifest> CreateTestnet(const std::string& dir,
                                              const CreateOptions& options) {
  RETURN_IF_ERROR(CheckCreateOptions(dir, options));
  InitCrypto();
  const SigningKey faucet = SigningKey::Generate();
  RETURN_IF_ERROR(WriteKeyFile(FaucetKeyPath(dir), faucet));
  Genesis genesis = TestnetGenesis(faucet.public_key(), options.genesis_time_unix_ms);
  RETURN_IF_ERROR(AddMarket(dir, options.market, faucet.public_key(), genesis));
  TestnetManifest manifest{.dir = dir,
                           .chain_id = genesis.chain_id,
                           .base_port = options.base_port,
                           .faucet_address = EncodeAddress(faucet.public_key()),
                           .nodes = {},
                           .tls = options.tls};
  ASSIGN_OR_RETURN(const std::vector<uint32_t> metrics_ports, MetricsPorts(options));
  for (uint32_t index = 0; index < options.nodes; ++index) {
    TestnetNode node{.index = index,
                     .endpoint = StrCat("127.0.0.1:", options.base_port + index),
                     .port = options.base_port + index,
                     .metrics_endpoint = StrCat("127.0.0.1:", metrics_ports[index])};
    std::error_code error;
    std::filesystem::create_directories(NodeDataDir(dir, index), error);
    if (error) {
      return absl::InternalError(
          StrCat("cannot create ", NodeDataDir(dir, index), ": ", error.message()));
    }
    const SigningKey validator = SigningKey::Generate();
    RETURN_IF_ERROR(WriteKeyFile(NodeKeyPath(dir, index), validator));
    genesis.validators.push_back(
        ValidatorInfo{.public_key = validator.public_key(), .endpoint = node.endpoint});
    RETURN_IF_ERROR(
        WriteTextFile(NodeConfigPath(dir, index), NodeConfig(dir, index, node, options)));
    manifest.nodes.push_back(node);
  }
  if (options.tls) RETURN_IF_ERROR(WriteTestnetTls(dir, options.nodes));
  RETURN_IF_ERROR(ValidateGenesis(genesis));
  RETURN_IF_ERROR(WriteTextFile(GenesisPath(dir), GenesisToJson(genesis)));
  RETURN_IF_ERROR(WriteManifest(manifest));
  return manifest;
}

}  // namespace remit::testnet
