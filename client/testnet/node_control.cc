#include "client/testnet/node_control.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <thread>

#include "client/sdk/client.h"
#include "client/testnet/port.h"
#include "client/testnet/process.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::testnet {
namespace {

constexpr uint64_t kReadyPollIntervalMs = 100;
constexpr uint64_t kReadyCallTimeoutMs = 1'000;
constexpr uint32_t kCommandLineRetriesMax = 100;
constexpr uint64_t kCommandLineRetryMs = 2;

// Marks each start in the node's log, so that its tail shows which run failed.
void AppendStartMarker(const std::string& log_path, const std::string& remitd_path) {
  std::ofstream out(log_path, std::ios::app);
  const std::time_t now = std::time(nullptr);
  char stamp[32] = {};
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  out << kStartMarker << " " << remitd_path << " at " << stamp << " ===\n";
}

// OK once the node answers as validator `index` of the testnet's genesis:
// its chain id, validator count and this index's public key.
absl::Status ProbeNode(sdk::RemitClient& client, const TestnetManifest& manifest,
                       const Genesis& genesis, uint32_t index) {
  REMIT_CHECK(index < genesis.validators.size());
  ASSIGN_OR_RETURN(const v1::GetStatusResponse status, client.GetStatus());
  const AccountId& key = genesis.validators[index].public_key;
  if (status.chain_id() != genesis.chain_id || status.validator_index() != index ||
      status.validator_count() != genesis.validators.size() ||
      status.validator() != std::string(key.begin(), key.end())) {
    return absl::FailedPreconditionError(
        StrCat(manifest.nodes[index].endpoint, " answers as validator ", status.validator_index(),
               " of ", status.validator_count(), " of chain '", status.chain_id(),
               "', not as node ", index, " of ", manifest.dir,
               "; another testnet uses that port: stop it or pick another --base-port"));
  }
  return absl::OkStatus();
}

}  // namespace

NodeProcess FindNodeProcess(const TestnetManifest& manifest, uint32_t index) {
  REMIT_CHECK(index < manifest.nodes.size());
  NodeProcess process{.index = index, .pid = 0, .alive = false};
  absl::StatusOr<pid_t> pid = ReadPidFile(NodePidPath(manifest.dir, index));
  if (!pid.ok()) return process;
  process.pid = *pid;
  if (!IsProcessAlive(*pid)) return process;
  // A process in the middle of execve (just spawned) shows an empty command
  // line for a moment; only a non-empty one can be judged.
  std::vector<std::string> argv = ProcessCommandLine(*pid);
  for (uint32_t retry = 0; argv.empty() && retry < kCommandLineRetriesMax; ++retry) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kCommandLineRetryMs));
    if (!IsProcessAlive(*pid)) return process;
    argv = ProcessCommandLine(*pid);
  }
  const std::string config = NodeConfigPath(manifest.dir, index);
  process.alive = std::find(argv.begin(), argv.end(), config) != argv.end();
  return process;
}

absl::Status CheckNodePortFree(const TestnetManifest& manifest, uint32_t index) {
  REMIT_CHECK(index < manifest.nodes.size());
  const uint32_t port = manifest.nodes[index].port;
  if (IsPortFree(port)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      StrCat("port ", port, " (node ", index,
             ") is in use by another program; stop it, or create a "
             "testnet in a new --dir with another --base-port"));
}

absl::StatusOr<pid_t> StartNode(const TestnetManifest& manifest, uint32_t index,
                                const std::string& remitd_path) {
  REMIT_CHECK(index < manifest.nodes.size());
  const std::string log_path = NodeLogPath(manifest.dir, index);
  AppendStartMarker(log_path, remitd_path);
  ASSIGN_OR_RETURN(
      const pid_t pid,
      SpawnDetached({remitd_path, "--config", NodeConfigPath(manifest.dir, index)}, log_path));
  RETURN_IF_ERROR(WritePidFile(NodePidPath(manifest.dir, index), pid));
  return pid;
}

absl::Status WaitUntilReady(const TestnetManifest& manifest, const std::vector<uint32_t>& indices,
                            uint64_t timeout_ms) {
  ASSIGN_OR_RETURN(const Genesis genesis, ReadTestnetGenesis(manifest.dir));
  if (genesis.validators.size() != manifest.nodes.size()) {
    return absl::InvalidArgumentError(
        StrCat(GenesisPath(manifest.dir), " has ", genesis.validators.size(), " validators but ",
               ManifestPath(manifest.dir), " has ", manifest.nodes.size(),
               " nodes; recreate the "
               "testnet in a new --dir"));
  }
  std::vector<std::unique_ptr<sdk::RemitClient>> clients;
  for (uint32_t index : indices) {
    REMIT_CHECK(index < manifest.nodes.size());
    ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client,
                     sdk::RemitClient::Create({.endpoints = {manifest.nodes[index].endpoint},
                                               .call_timeout_ms = kReadyCallTimeoutMs,
                                               .wait_for_ready = true,
                                               .tls_ca_file = ManifestTlsCaFile(manifest)}));
    clients.push_back(std::move(client));
  }
  std::vector<bool> ready(indices.size(), false);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  absl::Status last = absl::OkStatus();
  while (true) {
    for (size_t i = 0; i < indices.size(); ++i) {
      if (ready[i]) continue;
      const NodeProcess process = FindNodeProcess(manifest, indices[i]);
      if (!process.alive) {
        return absl::UnavailableError(StrCat("node ", indices[i], " (pid ", process.pid,
                                             ") exited while starting; see ",
                                             NodeLogPath(manifest.dir, indices[i])));
      }
      last = ProbeNode(*clients[i], manifest, genesis, indices[i]);
      if (last.code() == absl::StatusCode::kFailedPrecondition) return last;
      ready[i] = last.ok();
    }
    if (std::all_of(ready.begin(), ready.end(), [](bool r) { return r; })) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError(
          StrCat("nodes did not answer within ", timeout_ms, " ms (last: ", last.message(),
                 "); see the logs with 'remit testnet logs --dir ", manifest.dir, " I'"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kReadyPollIntervalMs));
  }
  return absl::OkStatus();
}

}  // namespace remit::testnet
