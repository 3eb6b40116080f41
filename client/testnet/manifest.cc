#include "client/testnet/manifest.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "client/testnet/tls_files.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::testnet {
namespace {

constexpr size_t kManifestBytesMax = 64 * 1024;
constexpr size_t kGenesisBytesMax = 1024 * 1024;
constexpr uint32_t kPortMax = 65535;

absl::Status Malformed(const std::string& path, std::string_view why) {
  return absl::InvalidArgumentError(
      StrCat("testnet manifest ", path, " ", why, "; recreate the testnet in a new --dir"));
}

absl::StatusOr<TestnetManifest> ManifestFromJson(const nlohmann::json& json,
                                                 const std::string& path) {
  if (!json.is_object() || json.value("version", 0u) != kManifestVersion) {
    return Malformed(path, StrCat("is not a version ", kManifestVersion, " manifest"));
  }
  TestnetManifest manifest;
  manifest.chain_id = json.value("chain_id", "");
  manifest.base_port = json.value("base_port", 0u);
  manifest.faucet_address = json.value("faucet_address", "");
  manifest.tls = json.value("tls", false);
  const nlohmann::json& nodes = json.value("nodes", nlohmann::json::array());
  if (manifest.chain_id.empty() || manifest.faucet_address.empty() || !nodes.is_array() ||
      nodes.empty() || nodes.size() > kTestnetNodesMax || manifest.base_port == 0 ||
      manifest.base_port + nodes.size() - 1 > kPortMax) {
    return Malformed(path, "is missing fields or has values out of range");
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    TestnetNode node;
    node.index = static_cast<uint32_t>(i);
    node.port = manifest.base_port + node.index;
    node.endpoint = nodes[i].is_object() ? nodes[i].value("endpoint", "") : "";
    node.metrics_endpoint = nodes[i].is_object() ? nodes[i].value("metrics_endpoint", "") : "";
    if (nodes[i].value("index", kTestnetNodesMax) != i ||
        node.endpoint != StrCat("127.0.0.1:", node.port) ||
        (!node.metrics_endpoint.empty() && !node.metrics_endpoint.starts_with("127.0.0.1:"))) {
      return Malformed(path, StrCat("has an inconsistent entry for node ", i));
    }
    manifest.nodes.push_back(node);
  }
  return manifest;
}

}  // namespace

std::string ManifestPath(const std::string& dir) { return dir + "/testnet.json"; }
std::string GenesisPath(const std::string& dir) { return dir + "/genesis.json"; }
std::string FaucetKeyPath(const std::string& dir) { return dir + "/faucet.key"; }
std::string LockPath(const std::string& dir) { return dir + "/testnet.lock"; }
std::string NodeDir(const std::string& dir, uint32_t index) { return StrCat(dir, "/node", index); }
std::string NodeConfigPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/node.toml";
}
std::string NodeKeyPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/validator.key";
}
std::string NodeDataDir(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/data";
}
std::string NodeLogPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/remitd.log";
}
std::string NodeFaultPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/faults";
}
std::string NodePidPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/remitd.pid";
}

std::string AbsoluteDir(const std::string& dir) {
  std::error_code error;
  std::filesystem::path path = std::filesystem::weakly_canonical(dir, error);
  if (error) path = std::filesystem::absolute(dir).lexically_normal();
  std::string text = path.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

absl::StatusOr<TestnetManifest> ReadManifest(const std::string& dir) {
  const std::string absolute = AbsoluteDir(dir);
  const std::string path = ManifestPath(absolute);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return absl::NotFoundError(StrCat(dir, " is not a testnet directory (no ", path,
                                      "); create one with 'remit testnet up --dir ", dir, "'"));
  }
  if (std::filesystem::file_size(path, error) > kManifestBytesMax || error) {
    return Malformed(path, "is too large or unreadable");
  }
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (json.is_discarded()) return Malformed(path, "is not valid JSON");
  absl::StatusOr<TestnetManifest> manifest;
  try {
    manifest = ManifestFromJson(json, path);
  } catch (const nlohmann::json::exception& e) {
    return Malformed(path, StrCat("has a field of the wrong type (", e.what(), ")"));
  }
  if (manifest.ok()) manifest->dir = absolute;
  return manifest;
}

absl::Status WriteManifest(const TestnetManifest& manifest) {
  REMIT_CHECK(!manifest.dir.empty());
  REMIT_CHECK(!manifest.nodes.empty());
  nlohmann::json nodes = nlohmann::json::array();
  for (const TestnetNode& node : manifest.nodes) {
    nlohmann::json entry = {{"index", node.index}, {"endpoint", node.endpoint}};
    if (!node.metrics_endpoint.empty()) entry["metrics_endpoint"] = node.metrics_endpoint;
    nodes.push_back(std::move(entry));
  }
  const nlohmann::json json = {{"version", kManifestVersion},
                               {"chain_id", manifest.chain_id},
                               {"base_port", manifest.base_port},
                               {"faucet_address", manifest.faucet_address},
                               {"tls", manifest.tls},
                               {"nodes", nodes}};
  const std::string path = ManifestPath(manifest.dir);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json.dump(2) << "\n";
    out.flush();
    if (!out) return absl::InternalError(StrCat("cannot write ", temporary));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(StrCat("cannot rename ", temporary, " to ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<Genesis> ReadTestnetGenesis(const std::string& dir) {
  const std::string path = GenesisPath(dir);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return absl::NotFoundError(StrCat("testnet genesis ", path,
                                      " is missing; recreate the "
                                      "testnet in a new --dir"));
  }
  if (std::filesystem::file_size(path, error) > kGenesisBytesMax || error) {
    return absl::InvalidArgumentError(
        StrCat("testnet genesis ", path, " is too large or unreadable"));
  }
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  absl::StatusOr<Genesis> genesis = ParseGenesis(buffer.str());
  if (!genesis.ok()) {
    return absl::InvalidArgumentError(
        StrCat("testnet genesis ", path, ": ", genesis.status().message()));
  }
  return genesis;
}

std::vector<std::string> ManifestEndpoints(const TestnetManifest& manifest) {
  std::vector<std::string> endpoints;
  for (const TestnetNode& node : manifest.nodes) endpoints.push_back(node.endpoint);
  return endpoints;
}

std::string ManifestTlsCaFile(const TestnetManifest& manifest) {
  return manifest.tls ? TlsCaPath(manifest.dir) : std::string();
}

}  // namespace remit::testnet
